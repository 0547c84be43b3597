// SpanRecord: one call as the user sees it (tracer.spans) and as spans are made from it.
// Pure; both threads (in-memory capture on the main thread, span building in workers).

import type { RecordFields } from '../shared/codec.js';
import { CACHE_HITS, CACHE_MASK, CACHE_SHIFT, FLAG_ERROR, OPERATIONS, OP_EMBED, OP_MASK } from '../shared/layout.js';
import { lookupPrice, costOf } from '../pricing/cost.js';
import type { ModelPricingInit } from '../pricing/model-pricing.js';

export type SpanName = 'llm.chat' | 'llm.embed';
export type Operation = 'chat' | 'stream' | 'embed';

export interface SpanRecord {
  name: SpanName;
  provider: string;
  model: string;
  operation: Operation;
  /** Milliseconds, rounded to 2 decimals. */
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Estimated USD, rounded to 8 decimals; 0 for a model missing from the price table. */
  costUsd: number;
  cacheHit: 'exact' | 'semantic' | 'miss';
  toolCalls: number;
  status: 'ok' | 'error';
  errorType: string | null;
  /** Epoch milliseconds (fractional) at which the call ended, i.e. when it was recorded. */
  timestamp: number;
}

export interface StringLookup {
  get(id: number): string;
}

export function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** Builds the SpanRecord of a decoded record. `timeOrigin` is the main thread's performance.timeOrigin. */
export function toSpanRecord(
  r: RecordFields,
  strings: StringLookup,
  prices: Readonly<Record<string, ModelPricingInit>>,
  timeOrigin: number,
): SpanRecord {
  const op = r.flags & OP_MASK;
  const model = strings.get(r.modelId);
  return {
    name: op === OP_EMBED ? 'llm.embed' : 'llm.chat',
    provider: strings.get(r.providerId),
    model,
    operation: OPERATIONS[op],
    latencyMs: round(r.latencyMs, 2),
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: round(costOf(lookupPrice(prices, model), r.inputTokens, r.outputTokens), 8),
    cacheHit: CACHE_HITS[(r.flags & CACHE_MASK) >>> CACHE_SHIFT],
    toolCalls: r.toolCalls,
    status: (r.flags & FLAG_ERROR) !== 0 ? 'error' : 'ok',
    errorType: r.errorId === 0 ? null : strings.get(r.errorId),
    timestamp: timeOrigin + r.endMs,
  };
}
