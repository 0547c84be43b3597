// What the wire parsers' content mappings share: the conventions' finish reasons, response ids,
// and the small part builders. Worker thread. The same rules as the wrappers' (instrument/
// content.ts), reproduced because the worker zone does not import src/instrument/; the
// comparison test (test/worker/wire/sdk-parity.test.ts) holds both to the same answers.

import { Buffer } from 'node:buffer';

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
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < MAX_STREAM_INDEX ? index : fallback;
}

// Finish reasons as the semantic conventions name them; a provider's reason without an equivalent
// is kept as given.
const FINISH: Readonly<Record<string, string>> = Object.freeze({
  // OpenAI Chat Completions
  stop: 'stop', length: 'length', content_filter: 'content_filter', tool_calls: 'tool_call', function_call: 'tool_call',
  // Anthropic
  end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_call', refusal: 'content_filter',
  model_context_window_exceeded: 'length',
  // Gemini
  STOP: 'stop', MAX_TOKENS: 'length', SAFETY: 'content_filter', RECITATION: 'content_filter', BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter', SPII: 'content_filter', IMAGE_SAFETY: 'content_filter', MALFORMED_FUNCTION_CALL: 'error',
});

/** A provider's finish reason in the conventions' words; undefined when there is none. */
export function finishReason(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) return undefined;
  return Object.hasOwn(FINISH, value) ? FINISH[value] : value;
}

/** The finish reasons of several answers (choices, candidates), in their order, the missing ones left out. */
export function finishListOf<T>(items: readonly T[], reasonOf: (item: T) => string | undefined): string[] {
  const out: string[] = [];
  for (const item of items) {
    const r = reasonOf(item);
    if (r !== undefined) out.push(r);
  }
  return out;
}

export type Part = Record<string, unknown> & { type: string };
export type Message = { role: string; parts: Part[]; name?: string; finish_reason?: string };

/** An answer; finish_reason only when the provider said one (an abandoned stream has none). */
export function outputMessage(role: string, parts: Part[], finish: string | undefined): Message {
  return finish === undefined ? { role, parts } : { role, parts, finish_reason: finish };
}

export function text(content: string): Part {
  return { type: 'text', content };
}

/** A string, or '' (a field a provider left out). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The modality of a MIME type ('image', 'audio', 'video'), or the type's own first half. */
export function modalityOf(mimeType: string): string {
  const major = mimeType.split('/')[0];
  return major === '' ? 'file' : major!;
}

/** A `data:` URL as a blob part, any other URL as a uri part. */
export function urlPart(url: string, modality: string): Part {
  const comma = url.startsWith('data:') ? url.indexOf(',') : -1;
  if (comma >= 0) {
    // data:[<mime>][;params],<content> (the wrappers' /^data:([^;,]*)(?:;[^,]*)?,(.*)$/s, without a regex over a large body)
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

/** A tool definition as the wrappers record it: its type and name. */
export function tool(name: unknown, type: unknown = 'function'): Part | undefined {
  if (typeof name !== 'string' || name.length === 0) return undefined;
  return { type: typeof type === 'string' && type.length > 0 ? type : 'function', name };
}

/** Keeps the defined items (a mapping that met something it cannot name returns undefined). */
export function defined<T>(items: (T | undefined)[]): T[] {
  return items.filter((x): x is T => x !== undefined);
}
