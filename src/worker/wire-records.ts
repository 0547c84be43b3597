// Wire records (issue 28, instrumentFetch): from a record that says "wire exchange: parse me"
// (FLAG_WIRE) to the record of the call it was. Worker zone; an in-memory tracer runs the same
// code on its calling thread (tracer.ts). Never throws: bad bytes become a counted problem and a
// call recorded with what could be read.
//
//   the wire blob (shared/wire-blob.ts) --readWireBlob--> WireExchange --parseWire (wire/)-->
//   WireCall --applyWire--> the record's words: model, answered model, tokens, tool calls,
//   finish reasons, response id, error, operation (and the content, built later for exported spans)
//
// The strings a parser reads (models, finish reasons, error types) are interned in the
// learned-strings table (shared/learned-strings.ts), whose ids every thread resolves the same
// way: the span's attributes, the price lookup, the metrics series and SpanData all read them
// through the one StringsView, with no message to the main thread. What the main thread knew
// (provider, times, trace parent, server, a connection error's type) stays as it wrote it.

import type { RecordFields } from '../shared/codec.js';
import {
  FINISH_SEPARATOR, FLAG_CONTENT, FLAG_ERROR, FLAG_RESPONSE, FLAG_WIRE, OP_CHAT, OP_EMBED, OP_MASK, OP_STREAM, WIRE_PROBLEMS, WIRE_STATUS_SHIFT, X_CONTENT_AT,
  X_CONTENT_LEN, X_SERVER, X_SERVER_PORT, X_WIRE, FLAG_SIGNALS, SG_HAVE_CHUNKS, SG_HAVE_LIMITS_SHIFT, SG_HAVE_RETRY,
} from '../shared/layout.js';
import { RATE_LIMIT_FIELDS, rateLimitsFromPairs } from '../shared/ratelimit.js';
import { readWireBlob } from '../shared/wire-blob.js';
import type { WireCall, WireExchange, WireProblem } from '../shared/wire.js';
import type { WireContext } from '../shared/wire-context.js';
import { parseWire } from './wire/index.js';

export type { WireContext };

/** The content a wire record's call carries (WireCall.content), built for exported spans only. */
export type WireContent = NonNullable<WireCall['content']>;

const OPERATION = { chat: OP_CHAT, stream: OP_STREAM, embed: OP_EMBED } as const;

/**
 * Rewrites the decoded wire record `r` into the record of its call. Its extension row is at `ub`
 * of `x` (the X_WIRE word, the server, and where its blob is in `blobs`). Returns its content,
 * when the tracer captures some and the bytes had some.
 */
export function applyWire(r: RecordFields, x: Uint32Array, ub: number, blobs: Uint8Array | undefined, w: WireContext): WireContent | undefined {
  const word = x[ub + X_WIRE];
  const length = x[ub + X_CONTENT_LEN];
  const status = word >>> WIRE_STATUS_SHIFT;
  const exchange = blobs === undefined || length === 0 ? undefined : readWireBlob(blobs, x[ub + X_CONTENT_AT], length, word);
  const serverId = x[ub + X_SERVER];
  const serverPort = x[ub + X_SERVER_PORT];
  let call: WireCall | undefined;
  if (exchange !== undefined) {
    try {
      call = parseWire(exchange, w.capture);
    } catch {
      // The parsers never throw (fuzzed); should one, the call is still recorded, counted.
      call = undefined;
      w.problem(WIRE_PROBLEMS.indexOf('shape'));
    }
  }
  r.flags &= ~(FLAG_WIRE | FLAG_CONTENT);
  r.flags |= FLAG_RESPONSE;
  r.serverId = serverId;
  r.serverPort = serverPort;
  r.responseModelId = 0;
  r.finishId = 0;
  r.responseId = '';
  r.contentAt = r.contentLength = 0;
  // The rate-limit headers the main thread kept (issue 32), read as the wrappers read theirs.
  if ((r.flags & FLAG_SIGNALS) !== 0 && exchange !== undefined && exchange.headers.length !== 0) readWireLimits(r, exchange.headers, status >= 400);
  if (call === undefined) {
    // No bytes (the arena was full) or no parse: what the main thread knew, and the status.
    if (r.errorId === 0 && status >= 400) setError(r, String(status), w);
    return undefined;
  }
  if (call.problem !== undefined) w.problem(problemIndex(call.problem));
  r.flags = (r.flags & ~OP_MASK) | OPERATION[call.operation];
  // Chunk timing belongs to streams only (the main thread went by the content-type).
  if (call.operation !== 'stream') r.signals &= ~SG_HAVE_CHUNKS;
  r.modelId = intern(call.model, w);
  r.responseModelId = intern(call.responseModel, w);
  r.responseId = call.responseId ?? '';
  r.finishId = call.finishReasons.length === 0 ? 0 : intern(call.finishReasons.join(FINISH_SEPARATOR), w);
  r.inputTokens = count(call.inputTokens);
  r.outputTokens = call.operation === 'embed' ? 0 : count(call.outputTokens);
  r.cachedInputTokens = Math.min(count(call.cachedInputTokens), r.inputTokens);
  r.cacheWriteTokens = count(call.cacheWriteTokens);
  r.reasoningTokens = Math.min(count(call.reasoningTokens), r.outputTokens);
  r.toolCalls = count(call.toolCalls);
  // A connection error or an abort the main thread saw wins: it is what ended the exchange.
  if (r.errorId === 0) {
    if (call.errorType !== undefined && call.errorType !== '') setError(r, call.errorType, w);
    else if (status >= 400) setError(r, String(status), w);
  }
  const content = call.content;
  if (content === undefined || (content.system === undefined && content.input === undefined && content.output === undefined && content.tools === undefined)) return undefined;
  r.flags |= FLAG_CONTENT;
  return content;
}

/** The exchange of a wire record, as the parsers see it (for tests and tools); undefined without bytes. */
export function wireExchangeOf(blobs: Uint8Array, at: number, length: number, word: number): WireExchange | undefined {
  return readWireBlob(blobs, at, length, word);
}

/**
 * The rate-limit values and a failed answer's retry-after of `headers` into the record's signals
 * words (codec.ts RecordFields), with their SG_HAVE bits; a value a header did not give stays out.
 */
function readWireLimits(r: RecordFields, headers: WireExchange['headers'], failed: boolean): void {
  const reading = rateLimitsFromPairs(headers);
  const limits = reading.rateLimits;
  if (limits !== undefined) {
    for (let k = 0; k < RATE_LIMIT_FIELDS.length; k++) {
      const bit = SG_HAVE_LIMITS_SHIFT + 3 * k;
      const [remaining, limit, reset] = RATE_LIMIT_FIELDS[k];
      const v = [limits[remaining], limits[limit], limits[reset]];
      if (v[0] !== undefined) r.limitRemaining[k] = v[0];
      if (v[1] !== undefined) r.limitValue[k] = v[1];
      if (v[2] !== undefined) r.limitResetSeconds[k] = v[2];
      for (let j = 0; j < 3; j++) if (v[j] !== undefined) r.signals |= 1 << (bit + j);
    }
  }
  if (failed && reading.retryAfterMs !== undefined) {
    r.retryAfterMs = reading.retryAfterMs;
    r.signals |= SG_HAVE_RETRY;
  }
}

function setError(r: RecordFields, errorType: string, w: WireContext): void {
  r.errorId = w.learned.intern(errorType);
  r.flags |= FLAG_ERROR;
}

function intern(s: string | undefined, w: WireContext): number {
  return s === undefined || s === '' ? 0 : w.learned.intern(s);
}

/** A token count as the record holds it: a non-negative integer below 2^32, else 0. */
function count(n: number): number {
  return Number.isInteger(n) && n >= 0 && n < 2 ** 32 ? n : 0;
}

function problemIndex(p: WireProblem): number {
  const i = WIRE_PROBLEMS.indexOf(p);
  return i < 0 ? WIRE_PROBLEMS.indexOf('shape') : i;
}
