// One /metrics per host: the processes of a host that ask for the same prometheusPort form a group
// on the Unix socket next to the port. One of them, the aggregator (aggregator.ts), serves the port
// with the sum of everyone's families; the others are members (member.ts). No primary of ours is
// needed: node:cluster workers, PM2's cluster mode and processes started by hand all meet on the
// socket. Worker thread (the metrics host of each process).
//
// Takeover: when the aggregator's process dies, the kernel closes every member's connection; each
// member tries to claim the socket again (group-socket.ts) after a random 0-50 ms, one wins, the
// others connect to it, and the winner opens the port once they are back (at most 1 s). The new aggregator starts from the live processes'
// counts: the exited processes' and the dead aggregator's counts are gone, which Prometheus reads
// as a counter reset. An aggregator that shuts down in order hands its counts to a member first,
// which passes them to the next aggregator: then nothing resets.

import type { Family, Labels } from './families.js';
import { Aggregator } from './aggregator.js';
import { claimGroup, groupSocketPath } from './group-socket.js';
import { Member } from './member.js';
import { MetricsSum, sumFamilies, type ProcessMetrics } from './process-metrics.js';

/** What a group that stops before it has its final counts has to give. */
const EMPTY: ProcessMetrics = { keys: [], values: [], overflowed: 0, families: [] };

/** Longest random wait before a member claims the socket of an aggregator that went away. */
const TAKEOVER_JITTER_MILLIS = 50;
/**
 * After a takeover the new aggregator opens the port once the other members are back (it knows
 * how many from the last collect), or after this long: its first scrape sums them all.
 */
const SETTLE_MAX_MILLIS = 1_000;
/** The wait when the group's size was never said (no scrape yet). */
const SETTLE_UNKNOWN_MILLIS = 150;

export interface GroupDeps {
  path: string;
  /** This process's per-process labels: pid, service_instance_id. */
  labels: Labels;
  /** This process's own metrics (the metrics host's collect over its worker threads). */
  own(): Promise<ProcessMetrics>;
  /** The metricAttributes names. */
  labelNames: readonly string[];
  changed(): boolean;
  render(families: Family[]): string;
  /** This process took over as the aggregator: it serves /metrics on the port from now on. */
  serve(): void;
  log(level: 'warn' | 'error', message: string): void;
}

export class HostGroup {
  readonly #d: GroupDeps;
  #aggregator: Aggregator | undefined;
  #member: Member | undefined;
  /** Counts an aggregator handed over at its shutdown, not yet passed to the next one. */
  #handoff: ProcessMetrics | undefined;
  #stopped = false;
  /** This process's final counts, for a claim that ends after shutdown() began. */
  #final: ProcessMetrics | undefined;
  /** Set when the aggregator was lost: the group's size then (0: unknown). */
  #lastSize: number | undefined;

  constructor(d: GroupDeps) {
    this.#d = d;
  }

  get isAggregator(): boolean {
    return this.#aggregator !== undefined;
  }

  /**
   * Joins the group, or founds it (then isAggregator, and the caller opens the port). Rejects with
   * the system's error when the socket path is unusable.
   */
  async start(): Promise<void> {
    const d = this.#d;
    const aggregator = new Aggregator({ own: d.own, labels: d.labels, labelNames: d.labelNames, render: d.render, log: d.log });
    const claim = await claimGroup(d.path, (socket) => aggregator.accept(socket));
    if (claim.role === 'aggregator') {
      aggregator.attach(claim.server);
      this.#aggregator = aggregator;
      if (this.#stopped) return void aggregator.stop(this.#final ?? EMPTY);
      if (this.#handoff !== undefined) aggregator.retire(this.#handoff);
      this.#handoff = undefined;
      // The first claim's caller opens the port itself; a takeover opens it here.
      const expected = this.#lastSize;
      if (expected === undefined) return;
      await settle(aggregator, expected);
      if (!this.#stopped) d.serve();
      return;
    }
    const member = new Member(claim.socket, {
      own: d.own,
      changed: d.changed,
      labels: d.labels,
      lost: () => this.#takeOver(),
      handoff: (metrics) => (this.#handoff = metrics),
      log: d.log,
    });
    this.#member = member;
    if (this.#stopped) return void member.stop(this.#final ?? EMPTY);
    if (this.#handoff !== undefined) member.retire(this.#handoff);
    this.#handoff = undefined;
  }

  /** The aggregator went away: claim the socket again (serve, or join whoever did). */
  #takeOver(): void {
    // The group had this many processes, the lost aggregator among them.
    this.#lastSize = this.#member?.processes ?? 0;
    this.#member = undefined;
    if (this.#stopped) return;
    setTimeout(() => {
      if (this.#stopped) return;
      this.start().catch((err: unknown) => this.#d.log('error', `ractogateway: the host's metrics group lost its aggregator and this process could not take over: ${String(err)}`));
    }, Math.random() * TAKEOVER_JITTER_MILLIS);
  }

  /** The host-wide families (on the aggregator), for /metrics; this process's own elsewhere. */
  async families(): Promise<Family[]> {
    return this.#aggregator?.families() ?? this.#own();
  }

  async #own(): Promise<Family[]> {
    return sumFamilies(new MetricsSum().add(await this.#d.own(), this.#d.labels), this.#d.labelNames);
  }

  /** The host-wide text, wherever this process stands (metricsText()). */
  async text(): Promise<string> {
    if (this.#aggregator !== undefined) return this.#d.render(await this.#aggregator.families());
    const text = await this.#member?.render();
    if (text !== undefined) return text;
    // Between two aggregators, or one that does not answer: this process's numbers, said so.
    return `# ractogateway: the host's metrics aggregator did not answer; these are this process's numbers alone\n${this.#d.render(await this.#own())}`;
  }

  /** At shutdown(), with this process's final families: none of its counts is lost. */
  async stop(final: ProcessMetrics): Promise<void> {
    this.#stopped = true;
    this.#final = final;
    await this.#member?.stop(final);
    await this.#aggregator?.stop(final);
  }
}

/** Waits until the members that survived a lost aggregator are back (`size` had it and this one). */
async function settle(aggregator: Aggregator, size: number): Promise<void> {
  const until = performance.now() + (size === 0 ? SETTLE_UNKNOWN_MILLIS : SETTLE_MAX_MILLIS);
  while (performance.now() < until && (size === 0 || aggregator.members < size - 2)) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The group of `port` in `dir`, joined or founded; undefined, after a warning naming the port, the
 * socket and the cause, when the socket cannot be used (the process then serves its own metrics).
 */
export async function joinHostGroup(port: number, dir: string, d: Omit<GroupDeps, 'path'>): Promise<HostGroup | undefined> {
  const path = groupSocketPath(dir, port);
  const group = new HostGroup({ ...d, path });
  try {
    await group.start();
    return group;
  } catch (err) {
    const cause = (err as NodeJS.ErrnoException).code ?? String(err);
    d.log('warn', `ractogateway: prometheusPort ${port}: the host-wide /metrics needs the Unix socket ${path} (${cause}); this process serves its own metrics alone (set metricsSocketDir to a writable directory)`);
    return undefined;
  }
}
