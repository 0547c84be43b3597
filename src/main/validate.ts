// Field checks for the record methods. Main thread, on the request path. Each check is a short
// fast path that TurboFan inlines into the record call; anything unusual goes to a cold
// function that builds the error (naming the field and the value received) and throws. Keeping
// the throwing code out of the checks keeps the record call inside V8's inlining budget.

import { invalidRange, invalidType, invalidValue } from '../errors.js';
import { MAX_STRING_LENGTH } from '../options/index.js';
import { CACHE_EXACT, CACHE_MISS, CACHE_SEMANTIC, CACHE_SHIFT, FINISH_SEPARATOR, FLAG_ERROR, MAX_RESPONSE_ID_BYTES, OP_CHAT, OP_STREAM } from '../shared/layout.js';

/** Largest token or tool-call count a record carries (uint32). */
export const MAX_COUNT = 0xffff_ffff;

export function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length !== 0 && value.length <= MAX_STRING_LENGTH;
}

/** A duration or timestamp in milliseconds: a finite number >= 0. */
export function isMillis(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value !== Infinity;
}

/** A token or tool count: an integer in [0, 2^32 - 1] (`>>> 0` keeps exactly those). */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && value >>> 0 === value;
}

export function checkName(value: unknown, field: string): string {
  return isName(value) ? value : badName(value, field);
}

/**
 * errorType: absent, null or '' mean "no error type". A type is the exception class name of a
 * failed call, so it is refused on a call whose status is 'ok' (the seed omits it on success).
 */
export function checkErrorType(value: unknown, statusBits: number): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const type = checkName(value, 'call.errorType');
  if ((statusBits & FLAG_ERROR) === 0) {
    throw invalidRange('call.errorType', "absent unless call.status is 'error'", value);
  }
  return type;
}

/** Cache-hit bits for U_FLAGS. */
export function checkCacheHit(value: unknown): number {
  return value === undefined || value === 'miss' ? CACHE_MISS << CACHE_SHIFT
    : value === 'exact' ? CACHE_EXACT << CACHE_SHIFT
    : value === 'semantic' ? CACHE_SEMANTIC << CACHE_SHIFT
    : badEnum(value, 'call.cacheHit', "'exact', 'semantic' or 'miss'");
}

/** Status bit for U_FLAGS. */
export function checkStatus(value: unknown): number {
  return value === undefined || value === 'ok' ? 0 : value === 'error' ? FLAG_ERROR : badEnum(value, 'call.status', "'ok' or 'error'");
}

/** Operation bits for U_FLAGS of a chat call. */
export function checkChatOperation(value: unknown): number {
  return value === undefined || value === 'chat' ? OP_CHAT
    : value === 'stream' ? OP_STREAM
    : badEnum(value, 'call.operation', "'chat' or 'stream'");
}

/** endTime when present: a finite number >= 0 on the performance.now() timeline. */
export function checkEndTime(value: unknown): number {
  return isMillis(value) ? value : badMillis(value, 'call.endTime', 'a performance.now() timestamp');
}

// Cold paths: each throws. Exported for the record methods, which inline the fast checks.

function badEnum(value: unknown, field: string, expected: string): never {
  throw invalidValue(field, expected, value);
}

export function badCall(call: unknown, method: string): never {
  throw invalidType(`${method}(call)`, 'an object', call);
}

export function badName(value: unknown, field: string): never {
  if (typeof value !== 'string') throw invalidType(field, 'a non-empty string', value);
  throw invalidRange(field, `a string of 1 to ${MAX_STRING_LENGTH} characters`, value);
}

export function badMillis(value: unknown, field: string, what: string): never {
  if (typeof value !== 'number') throw invalidType(field, what, value);
  throw invalidRange(field, 'a finite number >= 0', value);
}

export function badCount(value: unknown, field: string): never {
  if (typeof value !== 'number') throw invalidType(field, 'an integer', value);
  throw invalidRange(field, `an integer between 0 and ${MAX_COUNT}`, value);
}

export interface UsageScratch {
  cached: number;
  cacheWrite: number;
  reasoning: number;
  ttft: number;
}

interface UsageFields {
  cachedInputTokens?: unknown;
  cacheWriteTokens?: unknown;
  reasoningTokens?: unknown;
  timeToFirstTokenMs?: unknown;
}

/**
 * The usage breakdown of a chat call, into `out`: cached and cache-write tokens are part of the
 * input (together at most inputTokens), reasoning tokens part of the output (at most
 * outputTokens), and the time to first token belongs to streams and is at most the latency.
 */
export function checkUsage(call: UsageFields, input: number, output: number, latencyMs: number, op: number, out: UsageScratch): void {
  const cached = optionalCount(call.cachedInputTokens, 'call.cachedInputTokens');
  const cacheWrite = optionalCount(call.cacheWriteTokens, 'call.cacheWriteTokens');
  const reasoning = optionalCount(call.reasoningTokens, 'call.reasoningTokens');
  if (cached + cacheWrite > input) {
    throw invalidRange('call.cachedInputTokens + call.cacheWriteTokens', `at most call.inputTokens (${input})`, cached + cacheWrite);
  }
  if (reasoning > output) throw invalidRange('call.reasoningTokens', `at most call.outputTokens (${output})`, reasoning);
  let ttft = -1;
  const t = call.timeToFirstTokenMs;
  if (t !== undefined) {
    if (!isMillis(t)) badMillis(t, 'call.timeToFirstTokenMs', 'a number of milliseconds');
    if (op !== OP_STREAM) throw invalidRange('call.timeToFirstTokenMs', "given only when call.operation is 'stream'", t);
    if (t > latencyMs) throw invalidRange('call.timeToFirstTokenMs', `at most call.latencyMs (${latencyMs})`, t);
    ttft = t;
  }
  out.cached = cached >>> 0;
  out.cacheWrite = cacheWrite >>> 0;
  out.reasoning = reasoning >>> 0;
  out.ttft = ttft;
}

function optionalCount(value: unknown, field: string): number {
  if (value === undefined) return 0;
  return isCount(value) ? value : badCount(value, field);
}

/**
 * The response fields of a call, validated by checkResponse() and written by the writer once
 * the record has its slot (strings are interned only then, so a refused call adds none).
 */
export class ResponseScratch {
  model: string | undefined = undefined;
  /** The finish reasons as one string, FINISH_SEPARATOR between them. */
  finish: string | undefined = undefined;
  /** The first finish reason (the output shorthand's finish_reason). */
  firstFinish: string | undefined = undefined;
  server: string | undefined = undefined;
  port = 0;
  /** The response id's UTF-8 bytes, in 32-bit words as the record holds them. */
  readonly idWords: Uint32Array;
  /** The same bytes, 4 more (where an id too long shows: responseIdBytes). */
  readonly idBytes: Buffer;
  constructor() {
    const bytes = new ArrayBuffer(MAX_RESPONSE_ID_BYTES + 4);
    this.idWords = new Uint32Array(bytes, 0, MAX_RESPONSE_ID_BYTES / 4);
    this.idBytes = Buffer.from(bytes);
  }
  idLength = 0;
}

interface ResponseFields {
  responseModel?: unknown;
  responseId?: unknown;
  finishReasons?: unknown;
  serverAddress?: unknown;
  serverPort?: unknown;
}

/** Most finish reasons a call may carry (one per choice). */
export const MAX_FINISH_REASONS = 16;

/** The response fields of a call into `out`; `embed`: an embedding call, which has no id or finish reasons. */
export function checkResponse(call: ResponseFields, out: ResponseScratch, embed: boolean): void {
  out.model = call.responseModel == null || call.responseModel === '' ? undefined : checkName(call.responseModel, 'call.responseModel');
  out.server = call.serverAddress == null || call.serverAddress === '' ? undefined : checkName(call.serverAddress, 'call.serverAddress');
  const port = call.serverPort;
  if (port == null) out.port = 0;
  else if (typeof port !== 'number') throw invalidType('call.serverPort', 'a port number', port);
  else if (!Number.isInteger(port) || port < 1 || port > 65_535) throw invalidRange('call.serverPort', 'an integer between 1 and 65535', port);
  else out.port = port;
  out.idLength = 0;
  out.finish = out.firstFinish = undefined;
  if (embed) return;
  if (call.responseId != null) out.idLength = responseIdBytes(call.responseId, out.idBytes);
  const reasons = call.finishReasons;
  if (reasons == null) return;
  if (!Array.isArray(reasons)) throw invalidType('call.finishReasons', 'an array of strings', reasons);
  if (reasons.length > MAX_FINISH_REASONS) throw invalidRange('call.finishReasons', `at most ${MAX_FINISH_REASONS} reasons`, reasons.length);
  for (let i = 0; i < reasons.length; i++) {
    const r = reasons[i];
    // The field's name is built only for the error.
    if (!isName(r)) badName(r, `call.finishReasons[${i}]`);
    if (r.includes(FINISH_SEPARATOR)) throw invalidRange(`call.finishReasons[${i}]`, 'a string without U+001F', r);
  }
  if (reasons.length === 0) return;
  out.firstFinish = reasons[0] as string;
  out.finish = reasons.length === 1 ? out.firstFinish : reasons.join(FINISH_SEPARATOR);
}

/**
 * The UTF-8 bytes of a response id into `into` (MAX_RESPONSE_ID_BYTES + 4 long); its byte count.
 * Buffer's utf8 write returns a number (TextEncoder.encodeInto, as fast here, ~60-120 ns for a
 * 38-character id, allocates its { read, written } result: ~70 bytes a call, issue 28) and
 * writes whole characters only: with 4 bytes of room past the limit, an id longer than the
 * limit writes more than the limit, which is the size check.
 */
function responseIdBytes(id: unknown, into: Buffer): number {
  if (typeof id !== 'string') throw invalidType('call.responseId', 'a string', id);
  if (id.length === 0 || id.length > MAX_RESPONSE_ID_BYTES) badResponseId(id);
  // Without offset or length, write() is utf8Write(id, 0, length) itself (its checks of them allocate).
  const written = into.write(id);
  if (written > MAX_RESPONSE_ID_BYTES) badResponseId(id);
  return written;
}

function badResponseId(id: string): never {
  throw invalidRange('call.responseId', `a string of 1 to ${MAX_RESPONSE_ID_BYTES} bytes (UTF-8)`, id);
}
