// The worker threads, as the main thread sees them. Main thread only; never imports worker code
// (piscina loads it by file URL).
//
// piscina owns the threads: it starts them (each runs its drain loop from load), and replaces
// one that dies. Nothing passes per batch on the paths that live in the workers. What does pass:
//   - one 'ready' task per worker at start (tracer.ready());
//   - a worker's death: its slot's uncounted records (S_IN_FLIGHT) are counted workerCrash and
//     the slot is freed for the replacement;
//   - price tables (BroadcastChannel to every worker; a new worker asks for them again);
//   - customExporter batches, the one destination that lives here: spans in, outcome back;
//   - failure lines from the workers, for the main thread's diag logger.

import { randomUUID } from 'node:crypto';
import { BroadcastChannel, type Worker } from 'node:worker_threads';
import { diag } from '@opentelemetry/api';
import { createResource } from '../spans/resource.js';
import type { Resource, SpanExporter } from '../spans/sdk-shapes.js';
import { Piscina } from 'piscina';
import { C_LOGS, C_METRICS_DONE, C_PROGRESS, C_METRICS_HOST, S_COPYING, S_IN_FLIGHT, S_OWNER, slotWord } from '../shared/layout.js';
import type { MainMessage, PricesMessage, ReadyResult, ReadyTask, SpansMessage, WorkerConfig, WorkerMessage } from '../shared/worker-config.js';
import { exportSpans } from '../spans/export.js';
import { toReadableSpan } from '../spans/readable-span.js';

export interface PoolHooks {
  /** A worker died holding `inFlight` uncounted records (already removed from its slot). */
  crashed(inFlight: number): void;
  /** The price tables the workers may still need, oldest first. */
  priceVersions(): PricesMessage[];
}

/** Longest wait of tracer.metricsText() for the metrics host's answer. */
const METRICS_TEXT_MILLIS = 5_000;
/** Longest wait at shutdown for the metrics host's last OTLP push. */
const METRICS_DONE_MILLIS = 5_000;

/**
 * Deno only: when a thread's last BroadcastChannel closes, Deno unsubscribes it and forgets the
 * subscription a moment later, and a channel opened in between (a tracer made right after
 * another's shutdown()) is left unsubscribed: it hears nothing and its postMessage throws
 * `TypeError: expected i32`. One idle channel, open for the life of the process and unref'd,
 * keeps the subscription. Nothing is ever posted on its name; Node and Bun never open it.
 */
let denoKeepsSubscribed: BroadcastChannel | undefined;

export class WorkerPool {
  /** Resolves once every worker runs its drain loop (true), or one failed to start (false, logged). */
  readonly ready: Promise<boolean>;
  readonly #pool: Piscina<ReadyTask, ReadyResult>;
  /** The port the metrics host's /metrics server listens on, once ready. */
  prometheusPort: number | undefined;
  readonly #metrics: WorkerConfig['metrics'];
  #nextRender = 1;
  readonly #renders = new Map<number, (text: string) => void>();
  readonly #channel: BroadcastChannel;
  readonly #control: Int32Array;
  readonly #slots: number;
  readonly #hooks: PoolHooks;
  readonly #custom: SpanExporter | undefined;
  readonly #resource: Resource;
  readonly #exportTimeout: number;
  #closing = false;
  /** Log lines received from the workers (they count the ones they post in C_LOGS). */
  #logs = 0;

  constructor(config: Omit<WorkerConfig, 'channel'>, workers: number, custom: SpanExporter | undefined, hooks: PoolHooks) {
    const channel = `ractogateway:${randomUUID()}`;
    if (denoKeepsSubscribed === undefined && 'Deno' in globalThis) {
      denoKeepsSubscribed = new BroadcastChannel('ractogateway:subscription');
      denoKeepsSubscribed.unref();
    }
    this.#channel = new BroadcastChannel(channel);
    this.#channel.onmessage = (event) => this.#onChannel((event as { data: MainMessage }).data);
    // Never keeps the process alive (metricsText() holds a timer of its own while it waits).
    this.#channel.unref();
    this.#metrics = config.metrics;
    this.#control = new Int32Array(config.control);
    this.#slots = config.slots;
    this.#hooks = hooks;
    this.#custom = custom;
    this.#resource = createResource(config.resource);
    this.#exportTimeout = config.exportTimeoutMillis;
    this.#pool = new Piscina<ReadyTask, ReadyResult>({
      filename: new URL('../worker/drain.js', import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
      // The drain loops do network I/O: the threads must never park in Atomics.wait for tasks.
      atomics: 'disabled',
      recordTiming: false,
      idleTimeout: 2 ** 31 - 1,
      workerData: { ...config, channel } satisfies WorkerConfig,
    });
    this.#pool.on('error', (err: unknown) => diag.error('ractogateway: worker pool error', err));
    this.#pool.on('message', (msg: WorkerMessage) => this.#onMessage(msg));
    // A thread's id is gone once it has exited, so it is taken while the thread lives.
    this.#pool.on('workerCreate', (info: { id: number }) => {
      const id = info.id;
      const thread = this.#pool.threads.find((t: Worker) => t.threadId === id);
      thread?.once('exit', () => this.#exited(id));
    });
    const started: Promise<boolean>[] = [];
    for (let i = 0; i < workers; i++) {
      started.push(this.#pool.run({ type: 'ready' }).then(
        (result) => {
          if (result.prometheusPort !== undefined) this.prometheusPort = result.prometheusPort;
          return true;
        },
        (err: unknown) => {
          diag.error('ractogateway: worker start-up failed', err);
          return false;
        },
      ));
    }
    this.ready = Promise.all(started).then((all) => all.every(Boolean));
  }

  post(message: MainMessage): void {
    this.#channel.postMessage(message);
  }

  /** The Prometheus exposition, rendered by the metrics host worker. */
  metricsText(): Promise<string> {
    const id = this.#nextRender++;
    return new Promise<string>((resolve, reject) => {
      // Ref'd: the channel is not, and the answer must be awaited.
      const timer = setTimeout(() => {
        this.#renders.delete(id);
        reject(new Error(`ractogateway: the metrics host did not answer within ${METRICS_TEXT_MILLIS} ms`));
      }, METRICS_TEXT_MILLIS);
      this.#renders.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      this.post({ type: 'metrics-render', id });
    });
  }

  #onChannel(msg: MainMessage): void {
    if (msg.type === 'metrics-text') {
      this.#renders.get(msg.id)?.(msg.text);
      this.#renders.delete(msg.id);
    } else if (msg.type === 'metrics-port') {
      this.prometheusPort = msg.port;
    }
  }

  /**
   * Stops the threads, once the log lines they posted have arrived (waiting at most `waitMillis`)
   * and the metrics host made its last push (at most METRICS_DONE_MILLIS).
   */
  async close(waitMillis: number): Promise<void> {
    if (this.#metrics?.aggregate === true) {
      const wait = Atomics.waitAsync(this.#control, C_METRICS_DONE, 0, METRICS_DONE_MILLIS);
      if (wait.async) {
        const keepAlive = setTimeout(() => undefined, METRICS_DONE_MILLIS);
        await wait.value;
        clearTimeout(keepAlive);
      }
    }
    const deadline = performance.now() + waitMillis;
    while (this.#logs < Atomics.load(this.#control, C_LOGS) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    this.#closing = true;
    await this.#pool.destroy();
    this.#channel.close();
    await this.#custom?.shutdown();
  }

  #onMessage(msg: WorkerMessage): void {
    switch (msg.type) {
      case 'log':
        this.#logs++;
        if (msg.level === 'error') diag.error(msg.message);
        else diag.warn(msg.message);
        return;
      case 'need-prices':
        for (const v of this.#hooks.priceVersions()) this.post(v);
        return;
      case 'spans':
        void this.#exportCustom(msg);
        return;
    }
  }

  /** customExporter: builds the batch's ReadableSpans here and sends the outcome back. */
  async #exportCustom(msg: SpansMessage): Promise<void> {
    const custom = this.#custom as SpanExporter;
    const spans = msg.spans.map((d) => toReadableSpan(d, this.#resource));
    const outcome = await exportSpans(custom, spans, this.#exportTimeout);
    this.post({ type: 'ack', thread: msg.thread, batch: msg.batch, outcome });
  }

  /** A worker thread exited. Unless shutdown stopped it, what it held is counted workerCrash. */
  #exited(threadId: number): void {
    if (this.#closing) return;
    const c = this.#control;
    for (let slot = 0; slot < this.#slots; slot++) {
      if (Atomics.load(c, slotWord(slot, S_OWNER)) !== threadId) continue;
      const lost = Atomics.exchange(c, slotWord(slot, S_IN_FLIGHT), 0);
      Atomics.store(c, slotWord(slot, S_COPYING), 0);
      // Its copy will never finish: the writer looks at a full ring again (writer.ts).
      Atomics.add(c, C_PROGRESS, 1);
      // Frees the slot for a replacement worker, now that its books are closed.
      Atomics.store(c, slotWord(slot, S_OWNER), 0);
      diag.error(`ractogateway: a worker thread died; ${lost} spans it held are counted as failed (workerCrash)`);
      this.#hooks.crashed(lost);
    }
    // It was the metrics host: another worker (a live one, or its replacement) takes over.
    if (Atomics.compareExchange(c, C_METRICS_HOST, threadId, 0) === threadId) {
      this.prometheusPort = undefined;
      this.post({ type: 'metrics-elect' });
    }
  }
}
