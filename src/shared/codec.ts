// Encodes and decodes one fixed-size record (layout.ts). Pure; both threads.
// The main thread fills a reused RecordFields object after validation and encodes it into a slot;
// workers (and in-memory mode) decode slots back into RecordFields.

import {
  FLAG_ATTRS,
  FLAG_CONTENT,
  FLAG_PARENT,
  FLAG_RESPONSE,
  FLAG_USAGE,
  MAX_ATTRIBUTE_KEYS,
  F_CACHED_INPUT,
  F_CACHE_WRITE,
  F_END,
  F_INPUT,
  F_LATENCY,
  F_OUTPUT,
  F_REASONING,
  F_TTFT,
  EXT_BYTES,
  MAX_RESPONSE_ID_BYTES,
  RECORD_F64,
  RECORD_U32,
  RESPONSE_ID_AT,
  X_CONTENT_AT,
  X_CONTENT_LEN,
  U_ERROR,
  X_FINISH,
  X_RESPONSE_ID_LEN,
  X_RESPONSE_MODEL,
  X_SERVER,
  X_SERVER_PORT,
  FLAG_SIGNALS,
  SG_CHUNKS,
  SG_F_CHUNKS_AFTER_FIRST,
  SG_F_MAX_GAP,
  SG_F_RETRY_AFTER,
  SG_HAVE,
  SG_HAVE_CHUNKS,
  SG_HAVE_RETRY,
  SG_HAVE_SAVED,
  SG_LIMIT,
  SG_REMAINING,
  SG_RESET,
  SG_SAVED_INPUT,
  SG_SAVED_OUTPUT,
  SIGNALS_F64,
  SIGNALS_U32,
  U_FLAGS,
  U_MODEL,
  U_PARENT,
  U_PROVIDER,
  U_ATTRS,
  U_TOOLS,
  U_TRACE,
  U_TRACE_FLAGS,
} from './layout.js';
import type { RingViews } from './ring.js';

/** One call as numbers. Strings are ids in the shared string table; 0 means "none". */
export interface RecordFields {
  endMs: number; // performance.now() of the main thread
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  ttftMs: number; // -1 when unknown
  providerId: number;
  modelId: number;
  errorId: number;
  flags: number; // operation, cache hit, status, FLAG_PARENT, FLAG_USAGE, FLAG_ATTRS
  toolCalls: number;
  // trace context of the parent span, meaningful when flags & FLAG_PARENT
  trace0: number;
  trace1: number;
  trace2: number;
  trace3: number;
  parent0: number;
  parent1: number;
  traceFlags: number;
  /** String ids of the call's attributes, by attributeKeys position; 0 = absent. */
  attrs: number[];
  // response fields, meaningful when flags & FLAG_RESPONSE (else 0 and '')
  responseModelId: number;
  /** The finish reasons, one string id (FINISH_SEPARATOR between reasons). */
  finishId: number;
  serverId: number;
  serverPort: number;
  responseId: string;
  // the content blob in the content arena, meaningful when flags & FLAG_CONTENT
  contentAt: number;
  contentLength: number;
  // the signals row, meaningful when flags & FLAG_SIGNALS; `signals` holds its SG_HAVE_* bits (0: none)
  signals: number;
  savedInputTokens: number;
  savedOutputTokens: number;
  chunks: number;
  chunksAfterFirstMs: number;
  maxChunkGapMs: number;
  retryAfterMs: number;
  /** By LIMIT_KINDS position (shared/ratelimit.ts); meaningful where `signals` has the value's bit. */
  limitRemaining: number[];
  limitValue: number[];
  limitResetSeconds: number[];
}

/** The model a record is priced by: the one that answered when the call says, else the one asked for. */
export function priceModelId(r: Pick<RecordFields, 'modelId' | 'responseModelId'>): number {
  return r.responseModelId !== 0 ? r.responseModelId : r.modelId;
}

/** priceModelId() of the record at `ub` of `u` (its extension row in `x`). */
export function priceModelWord(u: Uint32Array, x: Uint32Array, ub: number): number {
  if ((u[ub + U_FLAGS] & FLAG_RESPONSE) === 0) return u[ub + U_MODEL];
  const id = x[ub + X_RESPONSE_MODEL];
  return id !== 0 ? id : u[ub + U_MODEL];
}

export function emptyFields(): RecordFields {
  return {
    endMs: 0,
    latencyMs: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    ttftMs: -1,
    providerId: 0,
    modelId: 0,
    errorId: 0,
    flags: 0,
    toolCalls: 0,
    trace0: 0,
    trace1: 0,
    trace2: 0,
    trace3: 0,
    parent0: 0,
    parent1: 0,
    traceFlags: 0,
    attrs: new Array<number>(MAX_ATTRIBUTE_KEYS).fill(0),
    responseModelId: 0,
    finishId: 0,
    serverId: 0,
    serverPort: 0,
    responseId: '',
    contentAt: 0,
    contentLength: 0,
    signals: 0,
    savedInputTokens: 0,
    savedOutputTokens: 0,
    chunks: 0,
    chunksAfterFirstMs: 0,
    maxChunkGapMs: 0,
    retryAfterMs: 0,
    limitRemaining: [0, 0, 0, 0],
    limitValue: [0, 0, 0, 0],
    limitResetSeconds: [0, 0, 0, 0],
  };
}

const utf8 = new TextEncoder();

export function encodeRecord(ring: RingViews, index: number, r: RecordFields): void {
  const slot = index & ring.mask;
  const f = ring.f64;
  const u = ring.u32;
  const fb = slot * RECORD_F64;
  const ub = slot * RECORD_U32;
  f[fb + F_END] = r.endMs;
  f[fb + F_LATENCY] = r.latencyMs;
  f[fb + F_INPUT] = r.inputTokens;
  f[fb + F_OUTPUT] = r.outputTokens;
  f[fb + F_CACHED_INPUT] = r.cachedInputTokens;
  f[fb + F_CACHE_WRITE] = r.cacheWriteTokens;
  f[fb + F_REASONING] = r.reasoningTokens;
  f[fb + F_TTFT] = r.ttftMs;
  u[ub + U_PROVIDER] = r.providerId;
  u[ub + U_MODEL] = r.modelId;
  u[ub + U_ERROR] = r.errorId;
  u[ub + U_FLAGS] = r.flags;
  u[ub + U_TOOLS] = r.toolCalls;
  if ((r.flags & FLAG_PARENT) !== 0) {
    u[ub + U_TRACE] = r.trace0;
    u[ub + U_TRACE + 1] = r.trace1;
    u[ub + U_TRACE + 2] = r.trace2;
    u[ub + U_TRACE + 3] = r.trace3;
    u[ub + U_PARENT] = r.parent0;
    u[ub + U_PARENT + 1] = r.parent1;
    u[ub + U_TRACE_FLAGS] = r.traceFlags;
  }
  for (let k = 0; k < MAX_ATTRIBUTE_KEYS; k++) u[ub + U_ATTRS + k] = r.attrs[k];
  const x = ring.ext;
  if ((r.flags & FLAG_RESPONSE) !== 0) {
    x[ub + X_RESPONSE_MODEL] = r.responseModelId;
    x[ub + X_FINISH] = r.finishId;
    x[ub + X_SERVER] = r.serverId;
    x[ub + X_SERVER_PORT] = r.serverPort;
    const at = slot * EXT_BYTES + RESPONSE_ID_AT;
    x[ub + X_RESPONSE_ID_LEN] = utf8.encodeInto(r.responseId, ring.extBytes.subarray(at, at + MAX_RESPONSE_ID_BYTES)).written;
  }
  if ((r.flags & FLAG_CONTENT) !== 0) {
    x[ub + X_CONTENT_AT] = r.contentAt;
    x[ub + X_CONTENT_LEN] = r.contentLength;
  }
  if ((r.flags & FLAG_SIGNALS) !== 0) {
    const sig = ring.sig;
    const sf = slot * SIGNALS_F64;
    sig[ub + SG_HAVE] = r.signals;
    sig[ub + SG_SAVED_INPUT] = r.savedInputTokens;
    sig[ub + SG_SAVED_OUTPUT] = r.savedOutputTokens;
    sig[ub + SG_CHUNKS] = r.chunks;
    ring.sigF64[sf + SG_F_CHUNKS_AFTER_FIRST] = r.chunksAfterFirstMs;
    ring.sigF64[sf + SG_F_MAX_GAP] = r.maxChunkGapMs;
    ring.sigF64[sf + SG_F_RETRY_AFTER] = r.retryAfterMs;
    for (let k = 0; k < 4; k++) {
      sig[ub + SG_REMAINING + k] = r.limitRemaining[k];
      sig[ub + SG_LIMIT + k] = r.limitValue[k];
      ring.sigF32[ub + SG_RESET + k] = r.limitResetSeconds[k];
    }
  }
}

/**
 * The response id in the extension row at `ub` ('' when none); `x` and `bytes`: the rows as words
 * and bytes, `flags`: its record's.
 */
export function readResponseId(x: Uint32Array, bytes: Buffer, ub: number, flags: number): string {
  if ((flags & FLAG_RESPONSE) === 0) return '';
  const n = x[ub + X_RESPONSE_ID_LEN];
  if (n === 0) return '';
  // Decoded in place (Buffer's decoder reads shared memory too): no view or copy per id.
  const at = ub * 4 + RESPONSE_ID_AT;
  return bytes.toString('utf8', at, at + n);
}

/** Decodes the record at `index` into `out` (allocates when `out` is omitted). */
export function decodeRecord(ring: RingViews, index: number, out: RecordFields = emptyFields()): RecordFields {
  const slot = index & ring.mask;
  const f = ring.f64;
  const u = ring.u32;
  const fb = slot * RECORD_F64;
  const ub = slot * RECORD_U32;
  out.endMs = f[fb + F_END];
  out.latencyMs = f[fb + F_LATENCY];
  out.inputTokens = f[fb + F_INPUT];
  out.outputTokens = f[fb + F_OUTPUT];
  out.providerId = u[ub + U_PROVIDER];
  out.modelId = u[ub + U_MODEL];
  out.errorId = u[ub + U_ERROR];
  out.flags = u[ub + U_FLAGS];
  out.toolCalls = u[ub + U_TOOLS];
  // Words the writer skips when a flag says they are unused (the usual case) hold stale data.
  if ((out.flags & FLAG_USAGE) !== 0) {
    out.cachedInputTokens = f[fb + F_CACHED_INPUT];
    out.cacheWriteTokens = f[fb + F_CACHE_WRITE];
    out.reasoningTokens = f[fb + F_REASONING];
    out.ttftMs = f[fb + F_TTFT];
  } else {
    out.cachedInputTokens = out.cacheWriteTokens = out.reasoningTokens = 0;
    out.ttftMs = -1;
  }
  if ((out.flags & FLAG_PARENT) !== 0) {
    out.trace0 = u[ub + U_TRACE];
    out.trace1 = u[ub + U_TRACE + 1];
    out.trace2 = u[ub + U_TRACE + 2];
    out.trace3 = u[ub + U_TRACE + 3];
    out.parent0 = u[ub + U_PARENT];
    out.parent1 = u[ub + U_PARENT + 1];
    out.traceFlags = u[ub + U_TRACE_FLAGS];
  } else {
    out.trace0 = out.trace1 = out.trace2 = out.trace3 = 0;
    out.parent0 = out.parent1 = out.traceFlags = 0;
  }
  const attrs = (out.flags & FLAG_ATTRS) !== 0;
  for (let k = 0; k < MAX_ATTRIBUTE_KEYS; k++) out.attrs[k] = attrs ? u[ub + U_ATTRS + k] : 0;
  const x = ring.ext;
  if ((out.flags & FLAG_RESPONSE) !== 0) {
    out.responseModelId = x[ub + X_RESPONSE_MODEL];
    out.finishId = x[ub + X_FINISH];
    out.serverId = x[ub + X_SERVER];
    out.serverPort = x[ub + X_SERVER_PORT];
    out.responseId = readResponseId(x, ring.extBytes, ub, out.flags);
  } else {
    out.responseModelId = out.finishId = out.serverId = out.serverPort = 0;
    out.responseId = '';
  }
  if ((out.flags & FLAG_CONTENT) !== 0) {
    out.contentAt = x[ub + X_CONTENT_AT];
    out.contentLength = x[ub + X_CONTENT_LEN];
  } else out.contentAt = out.contentLength = 0;
  decodeSignals(ring, slot, out);
  return out;
}

/** The signals row of the record in `slot` into `out` (zeros and `signals` 0 when it has none). */
function decodeSignals(ring: RingViews, slot: number, out: RecordFields): void {
  if ((out.flags & FLAG_SIGNALS) === 0) {
    out.signals = out.savedInputTokens = out.savedOutputTokens = out.chunks = out.chunksAfterFirstMs = out.maxChunkGapMs = out.retryAfterMs = 0;
    return;
  }
  const sig = ring.sig;
  const ub = slot * SIGNALS_U32;
  const sf = slot * SIGNALS_F64;
  // Words whose bit is unset hold stale data: read as 0.
  const have = (out.signals = sig[ub + SG_HAVE]);
  const saved = (have & SG_HAVE_SAVED) !== 0;
  const chunks = (have & SG_HAVE_CHUNKS) !== 0;
  out.savedInputTokens = saved ? sig[ub + SG_SAVED_INPUT] : 0;
  out.savedOutputTokens = saved ? sig[ub + SG_SAVED_OUTPUT] : 0;
  out.chunks = chunks ? sig[ub + SG_CHUNKS] : 0;
  out.chunksAfterFirstMs = chunks ? ring.sigF64[sf + SG_F_CHUNKS_AFTER_FIRST] : 0;
  out.maxChunkGapMs = chunks ? ring.sigF64[sf + SG_F_MAX_GAP] : 0;
  out.retryAfterMs = (have & SG_HAVE_RETRY) !== 0 ? ring.sigF64[sf + SG_F_RETRY_AFTER] : 0;
  for (let k = 0; k < 4; k++) {
    out.limitRemaining[k] = sig[ub + SG_REMAINING + k];
    out.limitValue[k] = sig[ub + SG_LIMIT + k];
    out.limitResetSeconds[k] = ring.sigF32[ub + SG_RESET + k];
  }
}
