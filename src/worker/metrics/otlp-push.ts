// The OTLP metrics push of a process's metrics host: every metricsExportIntervalMillis, one
// ExportMetricsServiceRequest of this process's families (otlp-metrics.ts) under this process's
// resource (its own service.instance.id: OTLP metrics stay per process, a backend sums them).
// Worker thread (the metrics host).

import type { MetricsConfig } from '../../shared/metrics-config.js';
import type { ResourceAttributes } from '../../shared/worker-config.js';
import { OtlpHttpSender } from '../otlp/index.js';
import type { Family } from './families.js';
import { encodeMetricsRequest } from './otlp-metrics.js';

/** How long the pushes may retry once shutdown began (the main thread waits 5 s for the host). */
const FINAL_PUSH_MILLIS = 2_000;

export interface PushDeps {
  otlp: NonNullable<MetricsConfig['otlp']>;
  resource: ResourceAttributes;
  exportTimeoutMillis: number;
  /** This process's families, gathered from its worker threads. */
  families(): Promise<Family[]>;
  log(level: 'warn' | 'error', message: string): void;
}

export class MetricsPush {
  readonly #d: PushDeps;
  readonly #sender: OtlpHttpSender;
  readonly #timer: NodeJS.Timeout;
  readonly #startMs = Date.now();
  /** The last push failed (logged once until one succeeds). */
  #failing = false;
  /** The push in progress. */
  #pushing: Promise<void> | undefined;
  /** Set at shutdown: pushes stop retrying after this performance.now(). */
  #giveUpAt: number | undefined;

  constructor(d: PushDeps) {
    this.#d = d;
    this.#sender = new OtlpHttpSender({
      url: d.otlp.url,
      headers: d.otlp.headers,
      compression: 'none',
      // The spans' budget: a collector slower than the interval delays the next push (one at a time).
      timeoutMillis: d.exportTimeoutMillis,
      concurrency: 1,
      // At shutdown a push gives up at its next retry once the final push's time is spent.
      giveUp: () => this.#giveUpAt !== undefined && performance.now() > this.#giveUpAt,
    });
    this.#timer = setInterval(() => void this.push(), d.otlp.intervalMillis);
  }

  /** One push of everything so far. Failures are logged once per run of failures, never thrown. */
  push(): Promise<void> {
    // One push at a time: a collector slower than the interval gets the next one when it answers.
    if (this.#pushing !== undefined) return this.#pushing;
    this.#pushing = this.#once().finally(() => (this.#pushing = undefined));
    return this.#pushing;
  }

  async #once(): Promise<void> {
    const body = encodeMetricsRequest(await this.#d.families(), this.#d.resource, this.#startMs, Date.now());
    // One unit: a metrics request is never split (a 413 comes back as tooLarge, a failure here).
    const outcome = await this.#sender.send(body, 1);
    if (outcome.ok && outcome.tooLarge === undefined) {
      this.#failing = false;
    } else if (!this.#failing) {
      this.#failing = true;
      this.#d.log('warn', `ractogateway: OTLP metrics push failed: ${outcome.message ?? outcome.reason}`);
    }
  }

  /** At shutdown: no more timer; pushes retry for FINAL_PUSH_MILLIS at most from now. */
  stopping(): void {
    clearInterval(this.#timer);
    this.#giveUpAt = performance.now() + FINAL_PUSH_MILLIS;
  }

  /** The last push, after one still in flight (which carries older counts). */
  async final(): Promise<void> {
    await this.#pushing;
    await this.push();
  }
}
