// What the workers need to aggregate metrics and sample spans, and the messages that gather the
// workers' aggregates into one exposition. Pure types; both threads.
//
// One worker is the metrics host (the first to take C_METRICS_HOST at start): it serves
// /metrics, pushes OTLP metrics and answers tracer.metricsText(). Every worker aggregates the
// records it drains; to expose them, the host asks over the workers' BroadcastChannel:
//
//   host  --MetricsCollect-->  every worker
//   other workers --MetricsPart--> host        (their cumulative series, by string id)
//   main thread --MetricsRender--> host --MetricsText--> main thread   (tracer.metricsText())
//
// A scrape costs the main thread nothing: the numbers only it counts (recorded, drops, crash
// and shutdown failures, folded strings, records written) are mirrored into the health block
// below each time it publishes records, and the host reads them there with the workers' own
// counters (layout.ts).
//
//  health SharedArrayBuffer, Float64 words, written by the main thread only
//   HEALTH_RECORDED  HEALTH_RING_FULL  HEALTH_SHUTDOWN  HEALTH_NOT_SAMPLED  HEALTH_WORKER_CRASH
//   HEALTH_SHUTDOWN_TIMEOUT  HEALTH_STRINGS_FOLDED  HEALTH_WRITTEN (records written to the ring)
//   HEALTH_CONTENT_ARENA_FULL (calls recorded without their content: the content arena was full)
export const HEALTH_RECORDED = 0;
export const HEALTH_RING_FULL = 1;
export const HEALTH_SHUTDOWN = 2;
export const HEALTH_NOT_SAMPLED = 3;
export const HEALTH_WORKER_CRASH = 4;
export const HEALTH_SHUTDOWN_TIMEOUT = 5;
export const HEALTH_STRINGS_FOLDED = 6;
export const HEALTH_WRITTEN = 7;
export const HEALTH_CONTENT_ARENA_FULL = 8;
export const HEALTH_WORDS = 9;

export interface SamplingConfig {
  ratio: number;
  keepErrors: boolean;
  /** Infinity: no latency threshold. */
  keepSlowerThanMs: number;
}

export interface MetricsConfig {
  /** Aggregate metrics (false: only sampling is on). */
  aggregate: boolean;
  /** Positions in attributeKeys of the attributes that label every metric. */
  labels: number[];
  /** Label sets per worker before new ones fold into the `__other__` series. */
  maxSeries: number;
  sampling: SamplingConfig | undefined;
  /**
   * GET /metrics. `socketDir`: where the host-wide group of a fixed port meets (its Unix socket,
   * worker/metrics/group-socket.ts); undefined for port 0, which each process serves alone.
   */
  prometheus?: { port: number; host: string; socketDir: string | undefined };
  otlp?: { url: string; headers: Record<string, string>; intervalMillis: number };
}

/**
 * One worker's aggregates: per series its label ids (series.ts KEY_* order) and its values
 * (series.ts V_* layout), plus how many records folded into the overflow series.
 */
export interface MetricsPartData {
  keys: number[][];
  values: Float64Array[];
  overflowed: number;
  /**
   * Per series (parallel to keys), its latest exemplars: plain data of worker/metrics/exemplars.ts
   * SeriesExemplars; undefined when no span of this worker was exported yet.
   */
  exemplars?: (ExemplarsData | undefined)[];
}

/** A series' exemplars as data (worker/metrics/exemplars.ts): per bucket of each duration histogram, and the cost counter's. */
export interface ExemplarsData {
  gateway: (ExemplarData | undefined)[];
  genai: (ExemplarData | undefined)[];
  cost: ExemplarData | undefined;
}

export interface ExemplarData {
  traceId: string;
  spanId: string;
  value: number;
  timeMs: number;
}

/** The tracer's own numbers, as stats() reports them. */
export interface MetricsHealth {
  recorded: number;
  exported: number;
  pending: number;
  droppedByReason: Record<string, number>;
  failedByReason: Record<string, number>;
  stringsFolded: number;
  /** Spans that lost their captured content: no room in the arena, the scrub module failed. */
  contentDropped: { arenaFull: number; scrubFailed: number };
  /** Spans held in the disk spool (part of pending), and spans of an earlier process replayed from it. */
  spooled: number;
  replayed: number;
  /** Records in the ring not yet copied out by a worker, and the ring's capacity. */
  ringUsed: number;
  ringCapacity: number;
  /** Replacements by each built-in redaction rule that is on. */
  redactions: Record<string, number>;
}

export interface MetricsCollect {
  type: 'metrics-collect';
  id: number;
  host: number;
}

export interface MetricsPart {
  type: 'metrics-part';
  id: number;
  thread: number;
  part: MetricsPartData;
}

export interface MetricsRender {
  type: 'metrics-render';
  id: number;
}

export interface MetricsText {
  type: 'metrics-text';
  id: number;
  text: string;
}

/** main -> workers: the metrics host died; the first worker to take C_METRICS_HOST hosts from now on. */
export interface MetricsElect {
  type: 'metrics-elect';
}

/** new host -> main: it listens on `port` (prometheusPort 0 may bind another port than the dead host's). */
export interface MetricsPort {
  type: 'metrics-port';
  port: number;
}

export type MetricsMessage = MetricsCollect | MetricsPart | MetricsRender | MetricsText | MetricsElect | MetricsPort;
