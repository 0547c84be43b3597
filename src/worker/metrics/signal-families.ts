// Issue 32's metric families, projections of the merged series like the others (families.ts):
// money the caches saved, the providers' rate-limit headroom, the time between a stream's chunks.
// Worker thread only (the metrics host).
//
//   ractogateway.cost_saved_usd                 counter  {provider, model, reason, metricAttributes}
//                                                        reason: gateway_cache | prompt_cache
//   ractogateway.ratelimit.remaining / .limit   gauge    {provider, model, limit}
//                                                        the last value reported per series;
//                                                        limit: requests | tokens | input_tokens | output_tokens
//   gen_ai.client.operation.time_per_output_chunk  histogram (s), the GenAI conventions' labels

import { LIMIT_KINDS } from '../../shared/ratelimit.js';
import type { Family, HistogramPoint, Labels, NumberPoint } from './families.js';
import {
  CHUNK_SECONDS_BOUNDS, COST_SCALE, LIMIT_WORDS, V_CHUNK, V_CHUNK_COUNT, V_CHUNK_SUM, V_LIMIT_REMAINING, V_LIMIT_REMAINING_AT, V_LIMIT_VALUE, V_LIMIT_VALUE_AT, V_LIMITS,
  V_SAVED_GATEWAY, V_SAVED_PROMPT,
} from './series.js';

type Group = { labels: Labels; v: Float64Array };
type Projector = (labelsOf: (key: number[]) => Labels | undefined) => Group[];

/** The families of issue 32 over the merged series (`project` sums them by a label set, as families.ts does). */
export function signalFamilies(genaiPlain: Group[], project: Projector, gateway: (key: number[]) => Labels, extra: (key: number[]) => Labels): Family[] {
  const byModel = project((k) => [...gateway(k), ...extra(k)]);
  // The gauges carry provider and model only: a header value is per provider account, not per tenant.
  const limits = project(gateway);
  const saved: NumberPoint[] = [];
  for (const g of byModel) {
    const [provider, model, ...rest] = g.labels;
    if (g.v[V_SAVED_GATEWAY] > 0) saved.push({ labels: [provider, model, ['reason', 'gateway_cache'], ...rest], value: g.v[V_SAVED_GATEWAY] / COST_SCALE });
    if (g.v[V_SAVED_PROMPT] > 0) saved.push({ labels: [provider, model, ['reason', 'prompt_cache'], ...rest], value: g.v[V_SAVED_PROMPT] / COST_SCALE });
  }
  const remaining: NumberPoint[] = [];
  const limit: NumberPoint[] = [];
  for (const g of limits) {
    for (let k = 0; k < LIMIT_KINDS.length; k++) {
      const at = V_LIMITS + k * LIMIT_WORDS;
      const labels: Labels = [...g.labels, ['limit', LIMIT_KINDS[k]]];
      // Never reported: no point at all (not 0).
      if (g.v[at + V_LIMIT_REMAINING_AT] > 0) remaining.push({ labels, value: g.v[at + V_LIMIT_REMAINING] });
      if (g.v[at + V_LIMIT_VALUE_AT] > 0) limit.push({ labels, value: g.v[at + V_LIMIT_VALUE] });
    }
  }
  const chunks: HistogramPoint[] = genaiPlain.filter((g) => g.v[V_CHUNK_COUNT] > 0).map((g) => ({
    labels: g.labels,
    count: g.v[V_CHUNK_COUNT],
    sum: g.v[V_CHUNK_SUM],
    buckets: Array.from(g.v.subarray(V_CHUNK, V_CHUNK + CHUNK_SECONDS_BOUNDS.length + 1)),
  }));
  return [
    { kind: 'counter', name: 'ractogateway.cost_saved_usd', unit: '{USD}', help: 'Estimated US dollars saved by caches: gateway_cache (a hit\'s saved usage), prompt_cache (cached input at the input rate minus the cache-read rate).', points: saved },
    { kind: 'gauge', name: 'ractogateway.ratelimit.remaining', unit: '{count}', help: 'Rate-limit headroom the provider last reported, by limit kind.', points: remaining },
    { kind: 'gauge', name: 'ractogateway.ratelimit.limit', unit: '{count}', help: 'Rate limit the provider last reported, by limit kind.', points: limit },
    { kind: 'histogram', name: 'gen_ai.client.operation.time_per_output_chunk', unit: 's', help: 'Time between the output chunks of streamed responses, after the first.', bounds: CHUNK_SECONDS_BOUNDS, points: chunks },
  ];
}
