// Shared by the rate-limit tests (wrapped clients and the wire capture): the headers OpenAI sends,
// and how the tests read the received spans' attributes and the scraped gauges.
import type { Receiver } from '../e2e/receivers.js';
import { readExposition, type Sample } from '../metrics/prom.js';
import type { RactoTracer } from '../pkg.js';

export const OPENAI_LIMITS = {
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-remaining-requests': '9987',
  'x-ratelimit-reset-requests': '6m0s',
  'x-ratelimit-limit-tokens': '30000000',
  'x-ratelimit-remaining-tokens': '29998500',
  'x-ratelimit-reset-tokens': '20ms',
};

/** The attributes of the received spans that `pred` keeps. */
export function attributesOf(receiver: Receiver, pred: (a: Record<string, unknown>) => boolean): Record<string, unknown>[] {
  return receiver.spans.map((s) => s.attributes).filter(pred);
}

/** A rate-limit gauge's value for a model and limit kind, if scraped. */
export function gaugeOf(metrics: readonly Sample[], name: string, model: string, limit: string): number | undefined {
  return metrics.find((s) => s.name === name && s.labels.model === model && s.labels.limit === limit)?.value;
}

/** Flushes `tracer`, scrapes its /metrics and shuts it down: the samples the tests read. */
export async function scrapeAndShutdown(tracer: RactoTracer): Promise<Sample[]> {
  await tracer.flush();
  const samples = readExposition(await (await fetch(`http://127.0.0.1:${tracer.prometheusPort}/metrics`)).text()).samples;
  await tracer.shutdown();
  return samples;
}
