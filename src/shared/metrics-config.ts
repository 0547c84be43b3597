// What the workers need to aggregate metrics and sample spans, and the messages that gather the
// workers' aggregates into one exposition. Pure types; both threads.
//
// One worker is the metrics host (the first to take C_METRICS_HOST at start): it serves
// /metrics, pushes OTLP metrics and answers tracer.metricsText(). Every worker aggregates the
// records it drains; to expose them, the host asks over the workers' BroadcastChannel:
//
//   host  --MetricsCollect-->  every worker and the main thread
//   other workers --MetricsPart--> host        (their cumulative series, by string id)
//   main thread   --MetricsHealth--> host      (stats(): recorded, dropped, failed, ring fill)
//   main thread --MetricsRender--> host --MetricsText--> main thread   (tracer.metricsText())

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
  prometheus?: { port: number; host: string };
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
}

/** The tracer's own numbers, from the main thread's stats(). */
export interface MetricsHealth {
  recorded: number;
  exported: number;
  pending: number;
  droppedByReason: Record<string, number>;
  failedByReason: Record<string, number>;
  stringsFolded: number;
  /** Records in the ring not yet copied out by a worker, and the ring's capacity. */
  ringUsed: number;
  ringCapacity: number;
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

export interface MetricsHealthMessage {
  type: 'metrics-health';
  id: number;
  health: MetricsHealth;
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

export type MetricsMessage = MetricsCollect | MetricsPart | MetricsHealthMessage | MetricsRender | MetricsText;
