// What the wrappers share to capture a call's content and response fields: the server of a
// client's base URL, response ids and finish reasons in the semantic conventions' words, and the
// small part builders every provider's mapping (openai-content.ts, anthropic-content.ts,
// google-content.ts, and the AI SDK's ai-sdk/content.ts) uses. Main thread. Content is mapped only
// for the categories the tracer records (tracer.contentCapture), once per call, and never throws
// into the caller (call.ts guards it); ids and finish reasons are read on every call, without an
// object per call for the common single answer.

import type { CaptureCategories, MessagePart, OutputMessage, ToolDefinition } from '../index.js';

export type Capture = Readonly<CaptureCategories>;

/** The categories of a tracer that captures no content. */
export const NO_CAPTURE: Capture = Object.freeze({ system: false, input: false, output: false, tools: false });

/** Whether `c` records any category. */
export function capturesAny(c: Capture): boolean {
  return c.system || c.input || c.output || c.tools;
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

/** A streamed chunk's own index of its choice or tool call, when it is a usable one; else `fallback`. */
export function streamIndex(index: unknown, fallback: number): number {
  return typeof index === 'number' && index >= 0 && index < MAX_STREAM_INDEX ? index : fallback;
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
  if (items.length === 1) return finishList(reasonOf(items[0]));
  const out: string[] = [];
  for (const item of items) {
    const r = reasonOf(item);
    if (r !== undefined) out.push(r);
  }
  return out;
}

/** server.address and server.port of a client's base URL (the scheme's default port when it has none). */
export function serverOf(baseURL: unknown): { address: string; port: number } | undefined {
  if (typeof baseURL !== 'string' || !URL.canParse(baseURL)) return undefined;
  const url = new URL(baseURL);
  if (url.hostname === '' || url.hostname.length > 256) return undefined;
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
  // An IPv6 host keeps no brackets in server.address.
  return port === undefined ? undefined : { address: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
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
  const major = mimeType.split('/')[0];
  return major === '' ? 'file' : major;
}

/** A `data:` URL as a blob part, any other URL as a uri part. */
export function urlPart(url: string, modality: string): MessagePart {
  const m = /^data:([^;,]*)(?:;[^,]*)?,(.*)$/s.exec(url);
  if (m !== null) return { type: 'blob', modality, mime_type: m[1] || null, content: m[2] };
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
