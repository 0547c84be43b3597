// The calls the request path takes: what recordChatSpan / recordEmbedSpan (and the wrappers'
// records) pass in. Types only; the public API re-exports them. Validated by writer.ts
// (validate.ts) before anything is written.

import type { ChatMessage, MessagePart, OutputMessage, ToolDefinition } from '../messages.js';
import type { RateLimits } from '../shared/ratelimit.js';

export type { RateLimits } from '../shared/ratelimit.js';

/** A stream's output chunks: how many, and the time between them (time per output chunk). */
export interface ChunkTiming {
  /** Output chunks received (at least 1). */
  chunks: number;
  /** Milliseconds from the first chunk to the last: the chunks - 1 gaps together. */
  afterFirstMs: number;
  /** The longest gap between two chunks, milliseconds (at most afterFirstMs). */
  maxGapMs: number;
}

export type CacheHit = 'exact' | 'semantic' | 'miss';
export type CallStatus = 'ok' | 'error';

export interface ChatCall {
  provider: string;
  model: string;
  latencyMs: number;
  inputTokens?: number;
  outputTokens?: number;
  cacheHit?: CacheHit;
  toolCalls?: number;
  status?: CallStatus;
  errorType?: string | null;
  operation?: 'chat' | 'stream';
  /** When the call ended, on the performance.now() timeline; read from the clock when omitted. */
  endTime?: number;
  /** Input tokens read from the provider's prompt cache; part of inputTokens. */
  cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache; part of inputTokens. */
  cacheWriteTokens?: number;
  /** Output tokens spent on reasoning; part of outputTokens. */
  reasoningTokens?: number;
  /** Streams only: milliseconds from the request to the first chunk; at most latencyMs. */
  timeToFirstTokenMs?: number;
  /** Values for the tracer's attributeKeys (low-cardinality strings: tenant, route, …). */
  attributes?: Readonly<Record<string, string>>;
  /** A gateway-cache hit: the input tokens its answer would have cost (priced into llm.cost_saved_usd). */
  savedInputTokens?: number;
  /** A gateway-cache hit: the output tokens its answer would have cost. */
  savedOutputTokens?: number;
  /** The provider's rate-limit headroom on this answer (rateLimitsFromHeaders() reads it from response headers). */
  rateLimits?: RateLimits | null;
  /** A 429's retry-after, milliseconds (at most a day). */
  retryAfterMs?: number | null;
  /** Streams: the output chunks and the time between them. */
  chunkTiming?: ChunkTiming | null;
  /** The span to parent this one to, instead of the span active in the OTel context; null: none (a root span). */
  parent?: ParentSpanContext | null;
  /** The model that answered (gen_ai.response.model), when the provider says; `model` is the one asked for. Priced by this one when given. */
  responseModel?: string | null;
  /** The provider's id of this completion (gen_ai.response.id), at most 96 bytes of UTF-8. Never interned. */
  responseId?: string | null;
  /** Why the model stopped, one per choice (gen_ai.response.finish_reasons), at most 16. */
  finishReasons?: readonly string[] | null;
  /** Host name (or address) of the provider's endpoint (server.address). */
  serverAddress?: string | null;
  /** Port of the provider's endpoint (server.port). */
  serverPort?: number | null;
  /** captureContent `system`: system instructions given apart from the chat history (gen_ai.system_instructions); a string is one text part. */
  system?: string | readonly MessagePart[];
  /** captureContent `input`: the chat history sent (gen_ai.input.messages); a string is one user message. */
  input?: string | readonly ChatMessage[];
  /** captureContent `output`: the model's answers (gen_ai.output.messages); a string is one assistant message. */
  output?: string | readonly OutputMessage[];
  /** captureContent `tools`: the tools the model was offered (gen_ai.tool.definitions). */
  tools?: readonly ToolDefinition[];
}

export interface EmbedCall {
  provider: string;
  model: string;
  latencyMs: number;
  inputTokens?: number;
  status?: CallStatus;
  errorType?: string | null;
  /** When the call ended, on the performance.now() timeline; read from the clock when omitted. */
  endTime?: number;
  attributes?: Readonly<Record<string, string>>;
  parent?: ParentSpanContext | null;
  /** The model that answered (gen_ai.response.model); priced by this one when given. */
  responseModel?: string | null;
  serverAddress?: string | null;
  serverPort?: number | null;
}

/** The fields of an OTel SpanContext the tracer reads. */
export interface ParentSpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
}
