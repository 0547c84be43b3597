// Metrics in a worker: every worker aggregates what it drains (series.ts) and answers the host's
// collect requests; one worker, the host (first to take C_METRICS_HOST), serves them. Worker
// thread only: GET /metrics, the OTLP push timer and tracer.metricsText() all run on the host's
// thread, so a scrape costs the gateway's event loop nothing.
//
// Cumulative series: each worker's table only grows. The host keeps the last part each worker
// sent, so a worker that is slow to answer (or has stopped) still counts with its last numbers;
// if the host itself dies, its replacement starts from zero, which Prometheus and OTLP cumulative
// consumers read as a counter reset. A host that dies is replaced: the main thread frees
// C_METRICS_HOST and asks the workers to elect a new one (MetricsElect).
//
// Across processes: with a fixed prometheusPort the host joins the host-wide group of that port
// (group.ts), and /metrics and metricsText() answer the sum over every process of the machine;
// OTLP pushes stay this process's own, under its own service.instance.id.

import type { BroadcastChannel } from 'node:worker_threads';
import { C_METRICS_DONE, C_METRICS_HOST, S_OWNER, slotWord } from '../../shared/layout.js';
import type { MetricsConfig, MetricsMessage, MetricsPartData } from '../../shared/metrics-config.js';
import type { ResourceAttributes } from '../../shared/worker-config.js';
import type { StringLookup } from '../../spans/record.js';
import { MetricsEndpoint } from './endpoint.js';
import { families, healthFamilies, type Family, type Labels, type Series } from './families.js';
import { joinHostGroup, type HostGroup } from './group.js';
import { readHealth, type HealthSources } from './health.js';
import { processMetrics, type ProcessMetrics } from './process-metrics.js';
import { MetricsPush } from './otlp-push.js';
import { renderPrometheus } from './prometheus.js';
import { renderOpenMetrics } from './openmetrics.js';
import { mergeValues, SeriesTable } from './series.js';
import { mergeExemplars } from './exemplars.js';

/** How long the host waits for the other workers' parts and the main thread's health. */
const COLLECT_WAIT_MILLIS = 250;
/** How long the host waits at shutdown for the other workers' final parts. */
const FINAL_WAIT_MILLIS = 1_000;
/** The id of a worker's final part, sent unasked when its drain loop ends. */
const FINAL = 0;

export interface MetricsHostDeps {
  config: MetricsConfig;
  /** The workers' own channel: collect requests and their parts (the main thread is not on it). */
  peers: BroadcastChannel;
  /** The main thread's channel: metricsText() requests and answers. */
  channel: BroadcastChannel;
  /** Where the health families come from (health.ts). */
  health: HealthSources;
  control: Int32Array;
  slots: number;
  threadId: number;
  strings: StringLookup;
  attributeKeys: readonly string[];
  /** The tracer's resource (options/resource.ts), carried by every push. */
  resource: ResourceAttributes;
  exportTimeoutMillis: number;
  log(level: 'warn' | 'error', message: string): void;
}

export class WorkerMetrics {
  readonly table: SeriesTable;
  readonly #d: MetricsHostDeps;
  readonly #labelNames: string[];
  /** True on the host. */
  isHost: boolean;
  #endpoint: MetricsEndpoint | undefined;
  /** The host-wide group of prometheusPort (none for port 0, or when its socket is unusable). */
  #group: HostGroup | undefined;
  /** The health as last reported to the group: a member reports again only when it changed. */
  #reported = '';
  #push: MetricsPush | undefined;
  #nextId = 1;
  readonly #parts = new Map<number, MetricsPartData>();
  /** The collect in progress: what it still waits for, and how to finish it. */
  #pending: { id: number; waiting: Set<number>; done: () => void } | undefined;
  #collecting: Promise<void> | undefined;
  /** Workers that sent their final part (at their shutdown). */
  readonly #finals = new Set<number>();

  constructor(d: MetricsHostDeps) {
    this.#d = d;
    this.table = new SeriesTable(d.config.labels, d.config.maxSeries);
    this.#labelNames = d.config.labels.map((at) => d.attributeKeys[at]);
    this.isHost = Atomics.compareExchange(d.control, C_METRICS_HOST, 0, d.threadId) === 0;
  }

  /** On the host: starts the /metrics server and the push timer. Resolves to the bound port, if any. */
  async start(): Promise<number | undefined> {
    if (!this.isHost) return undefined;
    const otlp = this.#d.config.otlp;
    if (otlp !== undefined) {
      const d = this.#d;
      this.#push = new MetricsPush({ otlp, resource: d.resource, exportTimeoutMillis: d.exportTimeoutMillis, families: () => this.collect(), log: d.log });
    }
    const prom = this.#d.config.prometheus;
    if (prom === undefined) return undefined;
    const endpoint = new MetricsEndpoint({
      port: prom.port,
      host: prom.host,
      // Content negotiation (endpoint.ts): OpenMetrics, with exemplars, when the scraper asks for it.
      text: (openMetrics) => this.#hostText(openMetrics),
      // Also after a host died and this worker took over, when no 'ready' task asks.
      listening: (port) => this.#d.channel.postMessage({ type: 'metrics-port', port } satisfies MetricsMessage),
      log: this.#d.log,
    });
    this.#endpoint = endpoint;
    if (prom.socketDir !== undefined && this.#group === undefined) {
      this.#group = await joinHostGroup(prom.port, prom.socketDir, {
        labels: this.#processLabels(),
        own: () => this.#processMetrics(),
        labelNames: this.#labelNames,
        changed: () => this.#changed(),
        render: renderPrometheus,
        serve: () => void endpoint.listen().catch((err: unknown) => this.#d.log('warn', `ractogateway: ${(err as Error).message}`)),
        log: this.#d.log,
      });
      if (this.#group !== undefined && !this.#group.isAggregator) {
        // A member: the port is the host's, served by the aggregator.
        this.#d.channel.postMessage({ type: 'metrics-port', port: prom.port } satisfies MetricsMessage);
        return prom.port;
      }
    }
    return endpoint.listen();
  }

  /** pid and service_instance_id: the labels of this process's own gauges in a host-wide /metrics. */
  #processLabels(): Labels {
    return [['pid', String(process.pid)], ['service_instance_id', String(this.#d.resource['service.instance.id'] ?? '')]];
  }

  /** Something was recorded, drained or exported since the last report to the group (shared counters only). */
  #changed(): boolean {
    const now = JSON.stringify(readHealth(this.#d.health));
    if (now === this.#reported) return false;
    this.#reported = now;
    return true;
  }

  /** A message on either channel (every worker gets every message of both). */
  onMessage(msg: MetricsMessage): void {
    switch (msg.type) {
      case 'metrics-collect':
        if (msg.host !== this.#d.threadId) {
          this.#d.peers.postMessage({ type: 'metrics-part', id: msg.id, thread: this.#d.threadId, part: this.table.snapshot() } satisfies MetricsMessage);
        }
        return;
      case 'metrics-part':
        if (!this.isHost) return;
        this.#parts.set(msg.thread, msg.part);
        if (msg.id === FINAL) this.#finals.add(msg.thread);
        else this.#arrived(msg.id, msg.thread);
        return;
      case 'metrics-render':
        if (!this.isHost) return;
        this.text().then(
          (text) => this.#d.channel.postMessage({ type: 'metrics-text', id: msg.id, text } satisfies MetricsMessage),
          (err: unknown) => this.#d.channel.postMessage({ type: 'metrics-text', id: msg.id, text: `# error: ${String(err)}\n` } satisfies MetricsMessage),
        );
        return;
      case 'metrics-elect':
        // The host died (the main thread freed C_METRICS_HOST): the first worker to take it hosts.
        if (!this.isHost && Atomics.compareExchange(this.#d.control, C_METRICS_HOST, 0, this.#d.threadId) === 0) {
          this.isHost = true;
          this.start().catch((err: unknown) => this.#d.log('error', `ractogateway: metrics host failed to start after the previous one died: ${String(err)}`));
        }
        return;
      case 'metrics-text':
      case 'metrics-port':
        return;
    }
  }

  #arrived(id: number, from: number): void {
    const p = this.#pending;
    if (p === undefined || p.id !== id) return;
    p.waiting.delete(from);
    if (p.waiting.size === 0) p.done();
  }

  /**
   * The Prometheus exposition for metricsText(): the host-wide one in a group (whichever process
   * the gateway's router runs in), else every worker's series and the tracer's health.
   */
  async text(): Promise<string> {
    if (this.#group !== undefined) return this.#group.text();
    return renderPrometheus(await this.collect());
  }

  /** GET /metrics: the host-wide families on the group's aggregator, else this process's; OpenMetrics when asked. */
  async #hostText(openMetrics: boolean): Promise<string> {
    const families = this.#group !== undefined ? await this.#group.families() : await this.collect();
    return openMetrics ? renderOpenMetrics(families) : renderPrometheus(families);
  }

  /** Every worker's series and the tracer's health, as families (this process's own). */
  async collect(): Promise<Family[]> {
    await this.#gather();
    return this.#families();
  }

  /** This process's report to its host's group (process-metrics.ts), after a gathering round. */
  async #processMetrics(): Promise<ProcessMetrics> {
    await this.#gather();
    return this.#report();
  }

  #report(): ProcessMetrics {
    const { series, overflowed } = this.#merged();
    const strings = this.#d.strings;
    return processMetrics(series, (i) => strings.get(i), overflowed, healthFamilies(readHealth(this.#d.health)));
  }

  /** Gathers the other workers' parts; concurrent callers share one round. */
  #gather(): Promise<void> {
    this.#collecting ??= this.#collect().finally(() => (this.#collecting = undefined));
    return this.#collecting;
  }

  async #collect(): Promise<void> {
    const d = this.#d;
    const id = this.#nextId++;
    const waiting = new Set<number>();
    for (let slot = 0; slot < d.slots; slot++) {
      const owner = Atomics.load(d.control, slotWord(slot, S_OWNER));
      if (owner !== 0 && owner !== d.threadId) waiting.add(owner);
    }
    if (waiting.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, COLLECT_WAIT_MILLIS);
      this.#pending = { id, waiting, done: () => { clearTimeout(timer); resolve(); } };
      d.peers.postMessage({ type: 'metrics-collect', id, host: d.threadId } satisfies MetricsMessage);
    });
    this.#pending = undefined;
  }

  /** This worker's series plus the other workers' last parts, summed by key. */
  #merged(): { series: Series[]; overflowed: number } {
    const merged = new Map<string, Series>();
    let overflowed = this.table.overflowed;
    const add = (keys: number[][], values: Float64Array[], exemplars: MetricsPartData['exemplars']): void => {
      keys.forEach((key, i) => {
        const id = key.join(',');
        const s = merged.get(id);
        if (s === undefined) merged.set(id, { key, values: values[i].slice(), exemplars: mergeExemplars(undefined, exemplars?.[i]) });
        else {
          mergeValues(s.values, values[i]);
          s.exemplars = mergeExemplars(s.exemplars, exemplars?.[i]);
        }
      });
    };
    const own = this.table.snapshot();
    add(own.keys, own.values, own.exemplars);
    for (const part of this.#parts.values()) {
      add(part.keys, part.values, part.exemplars);
      overflowed += part.overflowed;
    }
    return { series: [...merged.values()], overflowed };
  }

  #families(): Family[] {
    const { series, overflowed } = this.#merged();
    const strings = this.#d.strings;
    return families(series, { string: (i) => strings.get(i), labelNames: this.#labelNames }, overflowed, readHealth(this.#d.health));
  }

  /**
   * At shutdown, after this worker's drain loop ended. Another worker sends the host its final
   * part. The host waits (up to FINAL_WAIT_MILLIS) for every other worker's final part, pushes
   * once more (so the final counts reach the backend), gives its final counts to the host's group,
   * stops the server and the timer, and
   * tells the main thread through C_METRICS_DONE.
   */
  async stop(): Promise<void> {
    const d = this.#d;
    if (!this.isHost) {
      d.peers.postMessage({ type: 'metrics-part', id: FINAL, thread: d.threadId, part: this.table.snapshot() } satisfies MetricsMessage);
      return;
    }
    // Within the main thread's wait for C_METRICS_DONE (pool.ts), with room to close the server.
    this.#push?.stopping();
    try {
      const deadline = performance.now() + FINAL_WAIT_MILLIS;
      while (this.#othersRunning() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      await this.#push?.final();
      // The group keeps this process's final counts (a member's go to the aggregator; an
      // aggregator's to the member that takes over).
      await this.#group?.stop(this.#report());
    } finally {
      await this.#endpoint?.close();
      Atomics.store(d.control, C_METRICS_DONE, 1);
      Atomics.notify(d.control, C_METRICS_DONE);
    }
  }

  /** Some other worker holds a slot and has not sent its final part. */
  #othersRunning(): boolean {
    const d = this.#d;
    for (let slot = 0; slot < d.slots; slot++) {
      const owner = Atomics.load(d.control, slotWord(slot, S_OWNER));
      if (owner !== 0 && owner !== d.threadId && !this.#finals.has(owner)) return true;
    }
    return false;
  }
}
