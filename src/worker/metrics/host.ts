// Metrics in a worker: every worker aggregates what it drains (series.ts) and answers the host's
// collect requests; one worker, the host (first to take C_METRICS_HOST), serves them. Worker
// thread only: GET /metrics, the OTLP push timer and tracer.metricsText() all run on the host's
// thread, so a scrape costs the gateway's event loop one small message (stats() for the health
// families), not the rendering.
//
// Cumulative series: each worker's table only grows. The host keeps the last part each worker
// sent, so a worker that is slow to answer (or has stopped) still counts with its last numbers;
// if the host itself dies, its replacement starts from zero, which Prometheus and OTLP cumulative
// consumers read as a counter reset. A host that dies is replaced: the main thread frees
// C_METRICS_HOST and asks the workers to elect a new one (MetricsElect).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BroadcastChannel } from 'node:worker_threads';
import { C_METRICS_DONE, C_METRICS_HOST, S_OWNER, slotWord } from '../../shared/layout.js';
import type { MetricsConfig, MetricsMessage, MetricsPartData } from '../../shared/metrics-config.js';
import type { StringLookup } from '../../spans/record.js';
import { OtlpHttpSender } from '../otlp/index.js';
import { families, type Family, type Series } from './families.js';
import { readHealth, type HealthSources } from './health.js';
import { encodeMetricsRequest } from './otlp-metrics.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from './prometheus.js';
import { OPENMETRICS_CONTENT_TYPE, renderOpenMetrics, wantsOpenMetrics } from './openmetrics.js';
import { mergeValues, SeriesTable } from './series.js';
import { mergeExemplars } from './exemplars.js';

/** How long the host waits for the other workers' parts and the main thread's health. */
const COLLECT_WAIT_MILLIS = 250;
/** How long the host waits at shutdown for the other workers' final parts. */
const FINAL_WAIT_MILLIS = 1_000;
/** How long the pushes may retry once shutdown began (the main thread waits 5 s for the host). */
const FINAL_PUSH_MILLIS = 2_000;
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
  serviceName: string;
  exportTimeoutMillis: number;
  log(level: 'warn' | 'error', message: string): void;
}

export class WorkerMetrics {
  readonly table: SeriesTable;
  readonly #d: MetricsHostDeps;
  readonly #labelNames: string[];
  /** True on the host. */
  isHost: boolean;
  #server: Server | undefined;
  #push: NodeJS.Timeout | undefined;
  #sender: OtlpHttpSender | undefined;
  /** The last push failed (logged once until one succeeds). */
  #pushFailing = false;
  /** The push in progress. */
  #pushing: Promise<void> | undefined;
  /** Set at shutdown: pushes stop retrying after this performance.now(). */
  #giveUpAt: number | undefined;
  readonly #startMs = Date.now();
  #nextId = 1;
  readonly #parts = new Map<number, MetricsPartData>();
  /** The collect in progress: what it still waits for, and how to finish it. */
  #pending: { id: number; waiting: Set<number>; done: () => void } | undefined;
  #collecting: Promise<Family[]> | undefined;
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
      this.#sender = new OtlpHttpSender({
        url: otlp.url,
        headers: otlp.headers,
        compression: 'none',
        // The spans' budget: a collector slower than the interval delays the next push (one at a time).
        timeoutMillis: this.#d.exportTimeoutMillis,
        concurrency: 1,
        // At shutdown a push gives up at its next retry once the final push's time is spent.
        giveUp: () => this.#giveUpAt !== undefined && performance.now() > this.#giveUpAt,
      });
      this.#push = setInterval(() => void this.push(), otlp.intervalMillis);
    }
    const prom = this.#d.config.prometheus;
    if (prom === undefined) return undefined;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
        return;
      }
      // Content negotiation: OpenMetrics (with exemplars) when the scraper asks for it.
      const open = wantsOpenMetrics(req.headers.accept);
      (open ? this.collect().then(renderOpenMetrics) : this.text()).then(
        (body) => res.writeHead(200, { 'content-type': open ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE }).end(body),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
      );
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(prom.port, prom.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.#d.log('error', `ractogateway: metrics server error: ${String(err)}`));
    const port = (server.address() as AddressInfo).port;
    // Also after a host died and this worker took over, when no 'ready' task asks.
    this.#d.channel.postMessage({ type: 'metrics-port', port } satisfies MetricsMessage);
    return port;
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

  /** The Prometheus exposition of every worker's series and the tracer's health. */
  async text(): Promise<string> {
    return renderPrometheus(await this.collect());
  }

  /** Gathers the other workers' parts; concurrent callers share one round. */
  collect(): Promise<Family[]> {
    this.#collecting ??= this.#collect().finally(() => (this.#collecting = undefined));
    return this.#collecting;
  }

  async #collect(): Promise<Family[]> {
    const d = this.#d;
    const id = this.#nextId++;
    const waiting = new Set<number>();
    for (let slot = 0; slot < d.slots; slot++) {
      const owner = Atomics.load(d.control, slotWord(slot, S_OWNER));
      if (owner !== 0 && owner !== d.threadId) waiting.add(owner);
    }
    if (waiting.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, COLLECT_WAIT_MILLIS);
        this.#pending = { id, waiting, done: () => { clearTimeout(timer); resolve(); } };
        d.peers.postMessage({ type: 'metrics-collect', id, host: d.threadId } satisfies MetricsMessage);
      });
      this.#pending = undefined;
    }
    return this.#families();
  }

  #families(): Family[] {
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
    const strings = this.#d.strings;
    return families([...merged.values()], { string: (i) => strings.get(i), labelNames: this.#labelNames }, overflowed, readHealth(this.#d.health));
  }

  /** One OTLP push of everything so far. Failures are logged once per run of failures, never thrown. */
  async push(): Promise<void> {
    const sender = this.#sender;
    // One push at a time: a collector slower than the interval gets the next one when it answers.
    if (sender === undefined || this.#pushing !== undefined) return this.#pushing;
    this.#pushing = this.#pushOnce(sender).finally(() => (this.#pushing = undefined));
    return this.#pushing;
  }

  async #pushOnce(sender: OtlpHttpSender): Promise<void> {
    const body = encodeMetricsRequest(await this.collect(), { 'service.name': this.#d.serviceName }, this.#startMs, Date.now());
    // One unit: a metrics request is never split (a 413 comes back as tooLarge, a failure here).
    const outcome = await sender.send(body, 1);
    if (outcome.ok && outcome.tooLarge === undefined) {
      this.#pushFailing = false;
    } else if (!this.#pushFailing) {
      this.#pushFailing = true;
      this.#d.log('warn', `ractogateway: OTLP metrics push failed: ${outcome.message ?? outcome.reason}`);
    }
  }

  /**
   * At shutdown, after this worker's drain loop ended. Another worker sends the host its final
   * part. The host waits (up to FINAL_WAIT_MILLIS) for every other worker's final part, pushes
   * once more (so the final counts reach the backend), stops the server and the timer, and
   * tells the main thread through C_METRICS_DONE.
   */
  async stop(): Promise<void> {
    const d = this.#d;
    if (!this.isHost) {
      d.peers.postMessage({ type: 'metrics-part', id: FINAL, thread: d.threadId, part: this.table.snapshot() } satisfies MetricsMessage);
      return;
    }
    if (this.#push !== undefined) clearInterval(this.#push);
    // Within the main thread's wait for C_METRICS_DONE (pool.ts), with room to close the server.
    this.#giveUpAt = performance.now() + FINAL_PUSH_MILLIS;
    try {
      const deadline = performance.now() + FINAL_WAIT_MILLIS;
      while (this.#othersRunning() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      // A push still in flight carries older counts: the last one follows it.
      await this.#pushing;
      await this.push();
    } finally {
      const server = this.#server;
      if (server !== undefined) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      }
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
