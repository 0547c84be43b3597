// SpanRecord: one call as the user sees it (tracer.spans) and as spans are made from it, and
// the span's name and attributes. Pure; both threads (in-memory capture on the main thread, span
// building in workers). The worker's OTLP encoder writes the same attributes field by field
// (worker/otlp/request.ts); the tests hold the two to each other through a real receiver.

import type { Attributes } from '@opentelemetry/api';
import { priceModelId, type RecordFields } from '../shared/codec.js';
import { CACHE_HITS, CACHE_MASK, CACHE_SHIFT, FINISH_SEPARATOR, FLAG_ERROR, OPERATIONS, OP_EMBED, OP_MASK, OP_STREAM } from '../shared/layout.js';
import type { PriceResolver, ResolvedPrice } from '../pricing/cost.js';
import { costOfCall } from '../pricing/rates.js';
import { savedOfRecord, savesSomething, signalAttributes, signalsOf } from './signals.js';

export type { Operation, SpanContent, SpanName, SpanNames, SpanRecord } from '../shared/span-data.js';
import type { SpanContent, SpanNames, SpanRecord } from '../shared/span-data.js';
import type { WireContext } from '../shared/wire-context.js';

export interface StringLookup {
  get(id: number): string;
}

/** Builds a span's content attributes from its blob (worker/content/builder.ts). */
export interface ContentBuild {
  build(bytes: Uint8Array, at: number, length: number): { ok: true; content: SpanContent } | { ok: false; reason: string };
  /** The same from content a worker read out of a wire exchange (GenAI shapes as values). */
  buildShapes?(shapes: { system?: unknown[]; input?: unknown[]; output?: unknown[]; tools?: unknown[] }): { ok: true; content: SpanContent } | { ok: false; reason: string };
}

/** What turning records into SpanRecords needs besides the record. */
export interface RecordContext {
  strings: StringLookup;
  prices: PriceResolver;
  /** The main thread's performance.timeOrigin. */
  timeOrigin: number;
  spanNames: SpanNames;
  attributeKeys: readonly string[];
  /** How content blobs become attributes, when captureContent is on. */
  content?: ContentBuild;
  /**
   * How wire records (instrumentFetch) are resolved (worker/wire-records.ts); every thread that
   * builds spans from records has one.
   */
  wire?: WireContext;
}

// Per string table and price resolver (one per price-table version), the price of each
// (provider, model) pair of string ids. Ids belong to their string table (two tracers in one
// thread may share a resolver, never ids) and are never reused, so entries never go stale;
// bounded by the table's size (a model usually comes with one provider). Shared by the in-memory
// capture, SpanData for exporters, the OTLP encoder and the unpriced counts, so a pair's price
// (genai-prices' matching, the alias search) is worked out once per table.
interface PriceEntry {
  providerId: number;
  price: ResolvedPrice;
  next: PriceEntry | undefined;
}
const priceCache = new WeakMap<StringLookup, WeakMap<PriceResolver, (PriceEntry | undefined)[]>>();
// The pair of tables last asked for, and their prices: callers ask per span, with one table for long stretches.
let lastStrings: StringLookup | undefined;
let lastPrices: PriceResolver | undefined;
let lastByModel: (PriceEntry | undefined)[] = [];

/** The price of a call of model string `modelId` from provider string `providerId` under `ctx.prices`, resolved once per table and pair. */
export function priceOfCall(ctx: RecordContext, providerId: number, modelId: number): ResolvedPrice {
  const byModel = ctx.strings === lastStrings && ctx.prices === lastPrices ? lastByModel : pricesOf(ctx);
  const first = byModel[modelId];
  for (let e = first; e !== undefined; e = e.next) if (e.providerId === providerId) return e.price;
  const price = ctx.prices.resolve(ctx.strings.get(modelId), providerId === 0 ? '' : ctx.strings.get(providerId));
  byModel[modelId] = { providerId, price, next: first };
  return price;
}

function pricesOf(ctx: RecordContext): (PriceEntry | undefined)[] {
  let byResolver = priceCache.get(ctx.strings);
  if (byResolver === undefined) {
    byResolver = new WeakMap();
    priceCache.set(ctx.strings, byResolver);
  }
  let byModel = byResolver.get(ctx.prices);
  if (byModel === undefined) {
    byModel = [];
    byResolver.set(ctx.prices, byModel);
  }
  lastStrings = ctx.strings;
  lastPrices = ctx.prices;
  lastByModel = byModel;
  return byModel;
}

/**
 * USD cost of a decoded record under its resolved price (priceOfCall()): the one way a record is
 * priced, for spans in memory, SpanData, the OTLP encoder (through Shape.cost) and anything else
 * in a worker that needs a record's cost. Not rounded (span attributes round to 8 decimals). The
 * prices in force are those at the call's end, `timeOrigin + r.endMs`.
 */
export function costOfRecord(price: ResolvedPrice, r: RecordFields, timeOrigin: number): number {
  return costOfCall(price.price, r.inputTokens, r.outputTokens, r.cachedInputTokens, r.cacheWriteTokens, r.reasoningTokens, timeOrigin + r.endMs);
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

/** Builds the SpanRecord of a decoded record; `content`: its built content attributes, if any. */
export function toSpanRecord(r: RecordFields, ctx: RecordContext, content: SpanContent | null = null): SpanRecord {
  const op = r.flags & OP_MASK;
  const strings = ctx.strings;
  const model = strings.get(r.modelId);
  const price = priceOfCall(ctx, r.providerId, priceModelId(r));
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
    costUsd: round(costOfRecord(price, r, ctx.timeOrigin), 8),
    priceSource: price.source,
    cacheHit: CACHE_HITS[(r.flags & CACHE_MASK) >>> CACHE_SHIFT],
    toolCalls: r.toolCalls,
    status: (r.flags & FLAG_ERROR) !== 0 ? 'error' : 'ok',
    errorType: r.errorId === 0 ? null : strings.get(r.errorId),
    attributes,
    timestamp: ctx.timeOrigin + r.endMs,
    responseModel: r.responseModelId === 0 ? null : strings.get(r.responseModelId),
    responseId: r.responseId === '' ? null : r.responseId,
    finishReasons: r.finishId === 0 ? [] : strings.get(r.finishId).split(FINISH_SEPARATOR),
    serverAddress: r.serverId === 0 ? null : strings.get(r.serverId),
    serverPort: r.serverPort === 0 ? null : r.serverPort,
    content,
    costSavedUsd: savedOrNull(price, r, ctx.timeOrigin),
    signals: signalsOf(r),
  };
}

function savedOrNull(price: ResolvedPrice, r: RecordFields, timeOrigin: number): number | null {
  const saved = round(savedOfRecord(price.price, r, timeOrigin + r.endMs), 8);
  return savesSomething(r.signals, saved) ? saved : null;
}

/** The attribute with a truncated category's size before truncation. */
export const originalBytesKey = (category: string): string => `llm.content.${category}.original_bytes`;

/** The content attributes, in the order the OTLP encoder writes them (worker/otlp/extras.ts). */
export const CONTENT_KEYS = [
  ['systemInstructions', 'gen_ai.system_instructions', 'system'],
  ['inputMessages', 'gen_ai.input.messages', 'input'],
  ['outputMessages', 'gen_ai.output.messages', 'output'],
  ['toolDefinitions', 'gen_ai.tool.definitions', 'tools'],
] as const;

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
  if (r.responseModel !== null) a['gen_ai.response.model'] = r.responseModel;
  if (r.finishReasons.length > 0) a['gen_ai.response.finish_reasons'] = r.finishReasons;
  if (r.serverAddress !== null) a['server.address'] = r.serverAddress;
  if (r.serverPort !== null) a['server.port'] = r.serverPort;
  if (r.responseId !== null) a['gen_ai.response.id'] = r.responseId;
  const c = r.content;
  if (c !== null) {
    for (const [field, key, category] of CONTENT_KEYS) {
      const v = c[field];
      if (v === undefined) continue;
      a[key] = v;
      const original = c.originalBytes?.[category];
      if (original !== undefined) a[originalBytesKey(category)] = original;
    }
  }
  signalAttributes(r.costSavedUsd, r.signals, a);
  return a;
}
