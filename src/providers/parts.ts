// What every provider's mapping shares: token counts and arrays read from a provider's JSON,
// response ids and finish reasons in the semantic conventions' words, and the small part
// builders. Pure functions of plain values, no thread of their own: the wrappers (src/instrument/,
// main thread) and the wire parsers (src/worker/wire/, workers) both call these, so a call reads
// the same through either door. Ids and finish reasons are read on every call, without an object
// per call for the common single answer.

import { Buffer } from 'node:buffer';
import type { MessagePart, OutputMessage, ToolDefinition } from '../messages.js';

/**
 * The fields a reading of an answer writes, as CallRecord (the wrappers) and WireCall (the wire
 * parsers) both name them: the shared readers write these and return the rest.
 */
export interface AnswerFields {
  responseId: string | undefined;
  finishReasons: readonly string[] | undefined;
}

/** The token counts a usage reading writes (README: cached and cache-write tokens are part of input, reasoning part of output). */
export interface TokenFields {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number | undefined;
  cacheWriteTokens: number | undefined;
  reasoningTokens: number | undefined;
  toolCalls: number;
}

/**
 * What a stream's chunks (or events) built up, read once the stream ends: each provider's
 * accumulator extends this. `answer` writes the stream's id and finish reasons into `into` and
 * returns its output messages when output is captured (else undefined).
 */
export abstract class StreamReader {
  /** Whether a chunk was read (a stream of none says nothing on the wire). */
  seen = false;
  /** Whether the output is captured (its text and tool calls kept, chunk by chunk). */
  protected readonly output: boolean;

  constructor(output: boolean) {
    this.output = output;
  }

  abstract answer(into: AnswerFields): OutputMessage[] | undefined;
}

/** A token count from a provider's JSON: a non-negative integer, else 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && value >= 0 && value <= 0xffff_ffff ? Math.floor(value) : 0;
}

const EMPTY: readonly any[] = Object.freeze([]);

/** `v` when it is an array, else an empty one (shared: never written). */
export function arrayOr(v: unknown): readonly any[] {
  return Array.isArray(v) ? v : EMPTY;
}

/** Most UTF-8 bytes of a response id the record holds (MAX_RESPONSE_ID_BYTES). */
const MAX_ID_BYTES = 96;

/** A provider's response id, when it is one the record can carry (1 to 96 bytes of UTF-8); else undefined. */
export function responseIdOf(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID_BYTES) return undefined;
  return v.length * 3 <= MAX_ID_BYTES || Buffer.byteLength(v, 'utf8') <= MAX_ID_BYTES ? v : undefined;
}

/** Most choices (candidates, tool calls of a choice) a stream's answer accumulates apart. */
const MAX_STREAM_INDEX = 128;

/** A streamed chunk's own index of its choice or tool call, when it is a usable one (an integer in range); else `fallback`. */
export function streamIndex(index: unknown, fallback: number): number {
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < MAX_STREAM_INDEX ? index : fallback;
}

// One frozen list per finish reason, shared by every call that ends with it alone (the common
// case: one choice). Bounded: a provider that makes up reasons gets a list of its own per call.
const FINISH_LISTS = new Map<string, readonly string[]>();
const NO_REASONS: readonly string[] = Object.freeze([]);

/** The finish reasons of an answer with one reason (or none, for undefined). */
export function finishList(reason: string | undefined): readonly string[] {
  if (reason === undefined) return NO_REASONS;
  let list = FINISH_LISTS.get(reason);
  if (list === undefined) {
    list = Object.freeze([reason]);
    if (FINISH_LISTS.size < 64) FINISH_LISTS.set(reason, list);
  }
  return list;
}

/** The finish reasons of several answers (choices, candidates), in their order, the missing ones left out. */
export function finishListOf<T>(items: readonly T[], reasonOf: (item: T) => string | undefined): readonly string[] {
  if (items.length === 1) return finishList(reasonOf(items[0]!));
  const out: string[] = [];
  for (const item of items) {
    const r = reasonOf(item);
    if (r !== undefined) out.push(r);
  }
  return out;
}

// Finish reasons as the semantic conventions' OutputMessage names them ('stop', 'length',
// 'content_filter', 'tool_call', 'error'); a provider's reason without an equivalent is kept as given.
const FINISH: Readonly<Record<string, string>> = Object.freeze({
  // OpenAI Chat Completions
  stop: 'stop', length: 'length', content_filter: 'content_filter', tool_calls: 'tool_call', function_call: 'tool_call',
  // Anthropic
  end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_call', refusal: 'content_filter',
  model_context_window_exceeded: 'length',
  // The AI SDK's unified reasons ('stop', 'length', 'error' and 'other' are the same words)
  'content-filter': 'content_filter', 'tool-calls': 'tool_call',
  // Gemini
  STOP: 'stop', MAX_TOKENS: 'length', SAFETY: 'content_filter', RECITATION: 'content_filter', BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter', SPII: 'content_filter', IMAGE_SAFETY: 'content_filter', MALFORMED_FUNCTION_CALL: 'error',
});

/** A provider's finish reason in the conventions' words; undefined when there is none. */
export function finishReason(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) return undefined;
  return Object.hasOwn(FINISH, value) ? FINISH[value] : value;
}

/** An answer; finish_reason only when the provider said one (an abandoned stream has none). */
export function outputMessage(role: string, parts: MessagePart[], finish: string | undefined): OutputMessage {
  return finish === undefined ? { role, parts } : { role, parts, finish_reason: finish };
}

export function text(content: string): MessagePart {
  return { type: 'text', content };
}

/** A string, or '' (a field a provider left out). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The modality of a MIME type ('image', 'audio', 'video'), or the type's own first half. */
export function modalityOf(mimeType: string): string {
  const major = mimeType.split('/')[0]!;
  return major === '' ? 'file' : major;
}

/** A `data:` URL as a blob part, any other URL as a uri part. */
export function urlPart(url: string, modality: string): MessagePart {
  const comma = url.startsWith('data:') ? url.indexOf(',') : -1;
  if (comma >= 0) {
    // data:[<mime>][;params],<content>: the mime type ends at the first ';' before the first ','
    // (read with indexOf: no regular expression over a large body).
    const head = url.slice(5, comma);
    const semi = head.indexOf(';');
    return { type: 'blob', modality, mime_type: (semi < 0 ? head : head.slice(0, semi)) || null, content: url.slice(comma + 1) };
  }
  return { type: 'uri', modality, uri: url };
}

/** A tool result's content as one value: a string as is, text blocks joined, anything else as given. */
export function toolResult(content: unknown): unknown {
  if (!Array.isArray(content)) return content ?? null;
  if (content.every((b) => typeof b?.text === 'string')) return content.map((b) => b.text).join('');
  return content;
}

/**
 * A tool definition as the wrappers record it: its type and name. The conventions advise against
 * recording description and parameters by default (large, and the same on every call); a
 * hand-mapped call may pass them in `tools`.
 */
export function tool(name: unknown, type: unknown = 'function'): ToolDefinition | undefined {
  if (typeof name !== 'string' || name.length === 0) return undefined;
  return { type: typeof type === 'string' && type.length > 0 ? type : 'function', name };
}

/** Keeps the defined items (a mapping that met something it cannot name returns undefined). */
export function defined<T>(items: (T | undefined)[]): T[] {
  return items.filter((x): x is T => x !== undefined);
}
