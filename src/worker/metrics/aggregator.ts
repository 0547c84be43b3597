// The aggregator of a host's metrics group: the one process whose metrics worker listens on the
// group's Unix socket (group-socket.ts). It keeps every member's last families, asks them all for
// fresh ones at each scrape, and adds what exited members counted. Worker thread (the metrics host
// of that process): none of this runs on a gateway's event loop.
//
// Forgetting: a member that goes away (shutdown(), a crash, SIGKILL: the kernel closes its socket
// in every case) has its series and its counters folded into `retired`, summed by labels, so
// memory does not grow with the processes that come and go; its gauges go with it. A member that
// is still connected but has sent nothing for STALE_MILLIS (stopped, or its event loop stuck)
// keeps its counts but loses its per-process gauges until it reports again.

import type { Server, Socket } from 'node:net';
import type { Family, Labels } from './families.js';
import { FrameReader, writeFrame, type GroupMessage } from './frames.js';
import { lastingMetrics, MetricsSum, sumFamilies, type ProcessMetrics } from './process-metrics.js';

/** How long a scrape waits for the members' fresh families before using their last ones. */
export const COLLECT_WAIT_MILLIS = 1_000;
/** A member silent this long is stale: its per-process gauges leave the scrape. */
export const STALE_MILLIS = 30_000;
/** How long shutdown() waits for the members to close their connections. */
const STOP_WAIT_MILLIS = 1_000;

interface Member {
  socket: Socket;
  labels: Labels | undefined;
  metrics: ProcessMetrics | undefined;
  seenAt: number;
}

export interface AggregatorDeps {
  /** This process's own metrics, and its per-process labels. */
  own(): Promise<ProcessMetrics>;
  labels: Labels;
  /** The metricAttributes names, labels of the series' families (the same in every process of a group). */
  labelNames: readonly string[];
  /** The host-wide text, for a member's metricsText(). */
  render(families: Family[]): string;
  log(level: 'warn' | 'error', message: string): void;
}

export class Aggregator {
  readonly #d: AggregatorDeps;
  readonly #members = new Set<Member>();
  /** What exited members counted (and what an earlier aggregator handed over at its shutdown). */
  #retired = new MetricsSum();
  #server: Server | undefined;
  #nextId = 1;
  /** The collect in progress: the members it still waits for. */
  #pending: { id: number; waiting: Set<Member>; done: () => void } | undefined;
  #collecting: Promise<Family[]> | undefined;

  constructor(d: AggregatorDeps) {
    this.#d = d;
  }

  /** Set once the claim succeeded (connections may arrive before: they are accepted anyway). */
  attach(server: Server): void {
    this.#server = server;
  }

  /** Live members (for the group's own gauge and the tests' waits). */
  get members(): number {
    return this.#members.size;
  }

  /** Counts an earlier aggregator handed over at its shutdown. */
  retire(metrics: ProcessMetrics): void {
    this.#retired.add(lastingMetrics(metrics));
  }

  /** A member connected. */
  accept(socket: Socket): void {
    const m: Member = { socket, labels: undefined, metrics: undefined, seenAt: performance.now() };
    this.#members.add(m);
    const reader = new FrameReader((msg) => this.#onMessage(m, msg), (problem) => {
      this.#d.log('warn', `ractogateway: a process of the metrics group sent ${problem}; it is disconnected`);
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.#left(m));
  }

  #onMessage(m: Member, msg: GroupMessage): void {
    m.seenAt = performance.now();
    switch (msg.t) {
      case 'hello':
        m.labels = msg.labels;
        return;
      case 'report':
        m.metrics = msg.metrics;
        this.#arrived(msg.id, m);
        return;
      case 'final':
        // Its last counts, at its shutdown(): kept, and nothing more from it.
        this.retire(msg.metrics);
        m.metrics = undefined;
        this.#members.delete(m);
        this.#pending?.waiting.delete(m);
        return;
      case 'retired':
        this.retire(msg.metrics);
        return;
      case 'render':
        this.families().then(
          (families) => this.#send(m, { t: 'text', id: msg.id, text: this.#d.render(families) }),
          (err: unknown) => this.#send(m, { t: 'text', id: msg.id, text: `# error: ${String(err)}\n` }),
        );
        return;
      default:
        return;
    }
  }

  #send(m: Member, msg: GroupMessage): void {
    if (!m.socket.destroyed) writeFrame(m.socket, msg);
  }

  /** A member's connection closed: its last counts stay, folded into the retired sums. */
  #left(m: Member): void {
    if (!this.#members.delete(m)) return;
    if (m.metrics !== undefined) this.retire(m.metrics);
    const p = this.#pending;
    if (p !== undefined && p.waiting.delete(m) && p.waiting.size === 0) p.done();
  }

  #arrived(id: number, m: Member): void {
    const p = this.#pending;
    if (p === undefined || p.id !== id) return;
    p.waiting.delete(m);
    if (p.waiting.size === 0) p.done();
  }

  /** The host-wide families; concurrent scrapes share one round. */
  families(): Promise<Family[]> {
    this.#collecting ??= this.#collect().finally(() => (this.#collecting = undefined));
    return this.#collecting;
  }

  async #collect(): Promise<Family[]> {
    const id = this.#nextId++;
    const own = this.#d.own();
    if (this.#members.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, COLLECT_WAIT_MILLIS);
        this.#pending = { id, waiting: new Set(this.#members), done: () => { clearTimeout(timer); resolve(); } };
        for (const m of this.#members) this.#send(m, { t: 'collect', id, processes: this.#members.size + 1 });
      });
      this.#pending = undefined;
    }
    const sum = new MetricsSum().add(await own, this.#d.labels);
    const now = performance.now();
    for (const m of this.#members) {
      if (m.metrics === undefined) continue;
      const stale = m.labels === undefined || now - m.seenAt > STALE_MILLIS;
      sum.add(stale ? lastingMetrics(m.metrics) : m.metrics, stale ? undefined : m.labels);
    }
    sum.add(this.#retired.report());
    return [...sumFamilies(sum, this.#d.labelNames), processesFamily(this.#members.size + 1)];
  }

  /**
   * At shutdown(): this process's last counts and the retired ones go to one member, which hands
   * them to the next aggregator (no counter reset when the aggregator leaves in order). Then the
   * socket closes; the members elect the next aggregator among themselves.
   */
  async stop(final: ProcessMetrics): Promise<void> {
    const heir = this.#members.values().next().value;
    if (heir !== undefined) this.#send(heir, { t: 'handoff', metrics: this.#retired.add(lastingMetrics(final)).report() });
    const server = this.#server;
    for (const m of this.#members) m.socket.end();
    if (server === undefined) return;
    // The members close their side on our end; one that does not is cut off after STOP_WAIT_MILLIS.
    const timer = setTimeout(() => {
      for (const m of this.#members) m.socket.destroy();
    }, STOP_WAIT_MILLIS);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearTimeout(timer);
  }
}

/** How many processes the scrape sums, labelled with the pid of the one serving it (a takeover shows). */
function processesFamily(n: number): Family {
  return {
    kind: 'gauge', name: 'ractogateway.metrics.processes', unit: '{process}', combine: 'sum',
    help: 'Processes of this host whose metrics this /metrics sums (the serving one, aggregator_pid, and those connected to it).',
    points: [{ labels: [['aggregator_pid', String(process.pid)]], value: n }],
  };
}
