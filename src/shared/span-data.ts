// The call as it leaves the ring: SpanRecord (what tracer.spans holds and spans are made from) and
// SpanData (a SpanRecord with its ids and exact times, what a worker posts to the main thread for
// a customExporter). Plain, cloneable data: types only. The functions that make and read them
// live in spans/record.ts and spans/readable-span.ts.

import type { PriceSource } from '../pricing/cost.js';
import type { RateLimits } from './ratelimit.js';

/** Issue 32's per-call signals beyond savings: present only on calls that carried some. */
export interface SpanSignals {
  /** A gateway-cache hit's saved usage (0 when not given). */
  savedInputTokens: number;
  savedOutputTokens: number;
  /** The provider's rate-limit headroom, as reported; null when none was. */
  rateLimits: RateLimits | null;
  /** A 429's retry-after, milliseconds; null when none. */
  retryAfterMs: number | null;
  /** Streams: output chunks and the time between them; null when not measured. */
  chunkTiming: { chunks: number; afterFirstMs: number; maxGapMs: number } | null;
}

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
  /** Where the model's price came from: 'custom', 'genai-prices', 'default', 'alias' (a normalised id) or 'unpriced'. */
  priceSource: PriceSource;
  cacheHit: 'exact' | 'semantic' | 'miss';
  toolCalls: number;
  status: 'ok' | 'error';
  errorType: string | null;
  /** The call's attributes (the tracer's attributeKeys). */
  attributes: Record<string, string>;
  /** Epoch milliseconds (fractional) at which the call ended, i.e. when it was recorded. */
  timestamp: number;
  /** The model that answered (gen_ai.response.model), when the call said; `model` is the one asked for. */
  responseModel: string | null;
  /** The provider's id of the completion (gen_ai.response.id). */
  responseId: string | null;
  /** Why the model stopped, per choice (gen_ai.response.finish_reasons); [] when not given. */
  finishReasons: string[];
  /** The provider's endpoint (server.address, server.port). */
  serverAddress: string | null;
  serverPort: number | null;
  /** The captured content (captureContent), redacted and truncated as exported; null when none. */
  content: SpanContent | null;
  /**
   * USD the caches saved (llm.cost_saved_usd), rounded to 8 decimals: a gateway-cache hit's saved
   * usage plus the prompt cache's cached input at the input rate minus the cache-read rate. null
   * when the call saved nothing (no saved usage given, no priced cache read).
   */
  costSavedUsd: number | null;
  /** Rate limits, retry-after, chunk timing and saved usage, when the call carried some; else null. */
  signals: SpanSignals | null;
}

/**
 * A call's captured content as its span carries it: each category's attribute value, a JSON
 * string in the GenAI semantic conventions' shape (src/messages.ts), redacted and at most
 * maxContentBytes long.
 */
export interface SpanContent {
  /** gen_ai.system_instructions */
  systemInstructions?: string;
  /** gen_ai.input.messages */
  inputMessages?: string;
  /** gen_ai.output.messages */
  outputMessages?: string;
  /** gen_ai.tool.definitions */
  toolDefinitions?: string;
  /** For each truncated category, its size before truncation in bytes (`llm.content.<category>.original_bytes`). */
  originalBytes?: { system?: number; input?: number; output?: number; tools?: number };
}

/** A finished call with its ids and exact times: what crosses from a worker to the main thread. */
export interface SpanData {
  record: SpanRecord;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  traceFlags: number;
  /** Epoch milliseconds, fractional: end - latency. */
  startMs: number;
  endMs: number;
}
