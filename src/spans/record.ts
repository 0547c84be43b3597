// SpanRecord: one call as the user sees it (tracer.spans) and as spans are made from it, and
// the span's name and attributes. Pure; both threads (in-memory capture on the main thread, span
// building in workers). The worker's OTLP encoder writes the same attributes field by field
// (worker/otlp-proto.ts); the tests hold the two to each other through a real receiver.

import type { Attributes } from '@opentelemetry/api';
import type { RecordFields } from '../shared/codec.js';
import { CACHE_HITS, CACHE_MASK, CACHE_SHIFT, FLAG_ERROR, OPERATIONS, OP_EMBED, OP_MASK, OP_STREAM } from '../shared/layout.js';
import { costOf, type PriceResolver, type PriceSource, type ResolvedPrice } from '../pricing/cost.js';

export type Operation = 'chat' | 'stream' | 'embed';
/** 'seed': the original's `llm.chat` / `llm.embed`; 'genai': the GenAI convention's `{operation} {model}`. */
export type SpanNames = 'seed' | 'genai';
export type SpanName = string;

export interface SpanRecord {
  name: SpanName;
  provider: string;
  model: string;
  operation: Operation;
  /** Milliseconds, rounded to 2 decimals. */
  latencyMs: number;
  /** All input tokens, cached and cache-write ones included. */
  inputTokens: number;
  /** All output tokens, reasoning ones included. */
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Streams: milliseconds to the first chunk, when given; else null. */
  timeToFirstTokenMs: number | null;
  /** Estimated USD, rounded to 8 decimals; 0 for an unpriced model (see priceSource). */
  costUsd: number;
  /** How the model's price was found: 'exact', 'alias' (after normalising the id) or 'unpriced'. */
  priceSource: PriceSource;
  cacheHit: 'exact' | 'semantic' | 'miss';
  toolCalls: number;
  status: 'ok' | 'error';
  errorType: string | null;
  /** The call's attributes (the tracer's attributeKeys). */
  attributes: Record<string, string>;
  /** Epoch milliseconds (fractional) at which the call ended, i.e. when it was recorded. */
  timestamp: number;
}

export interface StringLookup {
  get(id: number): string;
}

/** What turning records into SpanRecords needs besides the record. */
export interface RecordContext {
  strings: StringLookup;
  prices: PriceResolver;
  /** The main thread's performance.timeOrigin. */
  timeOrigin: number;
  spanNames: SpanNames;
  attributeKeys: readonly string[];
}

// Per string table and price resolver (one per price-table version), the price of each model
// string id. Ids belong to their string table (two tracers in one thread may share a resolver,
// never ids) and are never reused, so entries never go stale; bounded by the table's size. Shared
// by the in-memory capture, SpanData for exporters and the OTLP encoder, so an id's price (and
// the alias search behind it) is worked out once per table.
const priceCache = new WeakMap<StringLookup, WeakMap<PriceResolver, ResolvedPrice[]>>();

/** The price of model string `id` under `ctx.prices`, resolved once per table and id. */
export function priceOfModel(ctx: RecordContext, id: number): ResolvedPrice {
  let byResolver = priceCache.get(ctx.strings);
  if (byResolver === undefined) {
    byResolver = new WeakMap();
    priceCache.set(ctx.strings, byResolver);
  }
  let byId = byResolver.get(ctx.prices);
  if (byId === undefined) {
    byId = [];
    byResolver.set(ctx.prices, byId);
  }
  let p = byId[id];
  if (p === undefined) {
    p = ctx.prices.resolve(ctx.strings.get(id));
    byId[id] = p;
  }
  return p;
}

export function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** gen_ai.operation.name of an operation. */
export function genAiOperation(op: number): 'chat' | 'embeddings' {
  return op === OP_EMBED ? 'embeddings' : 'chat';
}

/** The span name of a call. */
export function spanName(spanNames: SpanNames, op: number, model: string): string {
  if (spanNames === 'genai') return `${genAiOperation(op)} ${model}`;
  return op === OP_EMBED ? 'llm.embed' : 'llm.chat';
}

// gen_ai.provider.name: the gateway's provider strings mapped to the convention's well-known
// values (semantic conventions v1.41); anything else passes through as given.
const PROVIDER_NAMES: Readonly<Record<string, string>> = Object.freeze({
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  gemini: 'gcp.gemini',
  vertex: 'gcp.vertex_ai',
  vertexai: 'gcp.vertex_ai',
  vertex_ai: 'gcp.vertex_ai',
  azure: 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  bedrock: 'aws.bedrock',
  aws_bedrock: 'aws.bedrock',
  cohere: 'cohere',
  deepseek: 'deepseek',
  groq: 'groq',
  mistral: 'mistral_ai',
  mistralai: 'mistral_ai',
  perplexity: 'perplexity',
  xai: 'x_ai',
  watsonx: 'ibm.watsonx.ai',
});

export function genAiProvider(provider: string): string {
  const key = provider.toLowerCase();
  return Object.hasOwn(PROVIDER_NAMES, key) ? PROVIDER_NAMES[key] : provider;
}

/** Builds the SpanRecord of a decoded record. */
export function toSpanRecord(r: RecordFields, ctx: RecordContext): SpanRecord {
  const op = r.flags & OP_MASK;
  const strings = ctx.strings;
  const model = strings.get(r.modelId);
  const price = priceOfModel(ctx, r.modelId);
  const attributes: Record<string, string> = {};
  for (let k = 0; k < ctx.attributeKeys.length; k++) {
    if (r.attrs[k] !== 0) attributes[ctx.attributeKeys[k]] = strings.get(r.attrs[k]);
  }
  return {
    name: spanName(ctx.spanNames, op, model),
    provider: strings.get(r.providerId),
    model,
    operation: OPERATIONS[op],
    latencyMs: round(r.latencyMs, 2),
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    cachedInputTokens: r.cachedInputTokens,
    cacheWriteTokens: r.cacheWriteTokens,
    reasoningTokens: r.reasoningTokens,
    timeToFirstTokenMs: r.ttftMs < 0 ? null : r.ttftMs,
    costUsd: round(costOf(price.pricing, {
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      cachedInputTokens: r.cachedInputTokens,
      cacheWriteTokens: r.cacheWriteTokens,
    }), 8),
    priceSource: price.source,
    cacheHit: CACHE_HITS[(r.flags & CACHE_MASK) >>> CACHE_SHIFT],
    toolCalls: r.toolCalls,
    status: (r.flags & FLAG_ERROR) !== 0 ? 'error' : 'ok',
    errorType: r.errorId === 0 ? null : strings.get(r.errorId),
    attributes,
    timestamp: ctx.timeOrigin + r.endMs,
  };
}

/**
 * The span attributes of a call: the original's `llm.*` keys, and beside them the OTel GenAI
 * semantic conventions (v1.41), then the call's own attributes.
 */
export function spanAttributes(r: SpanRecord): Attributes {
  const op = OPERATIONS.indexOf(r.operation);
  const a: Attributes = {
    'llm.provider': r.provider,
    'llm.model': r.model,
    'llm.operation': r.operation,
    'llm.latency_ms': r.latencyMs,
    'llm.input_tokens': r.inputTokens,
    'llm.output_tokens': r.outputTokens,
    'llm.cost_usd': r.costUsd,
    'llm.price_source': r.priceSource,
    'llm.cache_hit': r.cacheHit,
    'llm.tool_calls': r.toolCalls,
  };
  if (r.errorType !== null) a['llm.error_type'] = r.errorType;
  a['gen_ai.operation.name'] = genAiOperation(op);
  a['gen_ai.provider.name'] = genAiProvider(r.provider);
  a['gen_ai.request.model'] = r.model;
  a['gen_ai.usage.input_tokens'] = r.inputTokens;
  if (op !== OP_EMBED) a['gen_ai.usage.output_tokens'] = r.outputTokens;
  if (r.cachedInputTokens > 0) a['gen_ai.usage.cache_read.input_tokens'] = r.cachedInputTokens;
  if (r.cacheWriteTokens > 0) a['gen_ai.usage.cache_creation.input_tokens'] = r.cacheWriteTokens;
  if (r.reasoningTokens > 0) a['gen_ai.usage.reasoning.output_tokens'] = r.reasoningTokens;
  if (op === OP_STREAM) a['gen_ai.request.stream'] = true;
  if (r.timeToFirstTokenMs !== null) a['gen_ai.response.time_to_first_chunk'] = r.timeToFirstTokenMs / 1000;
  if (r.status === 'error') a['error.type'] = r.errorType ?? '_OTHER';
  for (const key of Object.keys(r.attributes)) a[key] = r.attributes[key];
  return a;
}
