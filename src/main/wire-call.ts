// A wire exchange as instrumentFetch hands it to the tracer (tracer.recordWireExchange), and the
// writing of its extension row and blob. Main thread only, once per recognised HTTP exchange,
// when its body ends or fails. No JSON is read here: the bytes go to the arena as they passed
// (chunks held, copied once, bounded), and a worker parses them (worker/wire-records.ts).

import { WIRE_FORMATS, type WireFormat } from '../shared/wire.js';
import { wireBlobBytes, wireWord, writeWireBlob } from '../shared/wire-blob.js';
import { X_CONTENT_AT, X_CONTENT_LEN, X_SERVER, X_SERVER_PORT, X_WIRE } from '../shared/layout.js';
import type { ContentWriter } from './content-writer.js';
import type { ParentSpanContext } from './calls.js';

/** One HTTP exchange with a recognised LLM API (the wire capture builds it; see instrument/fetch.ts). */
export interface WireExchangeCall {
  /** The provider name (a known host's, or the format's default, or the user's mapping). */
  provider: string;
  format: WireFormat;
  /** The URL's path, without the query. */
  path: string;
  /** HTTP status; 0 when the exchange failed before the response headers. */
  status: number;
  /** The response was text/event-stream. */
  sse: boolean;
  /** Response headers kept (names lower-case): name, value, name, value, … */
  headers: readonly string[];
  /** Request body chunks as sent, and the bytes of them to copy (at most the sum of their lengths). */
  request: readonly Uint8Array[];
  requestBytes: number;
  requestCut: boolean;
  response: readonly Uint8Array[];
  responseBytes: number;
  responseCut: boolean;
  /** performance.now() at the body's end (or the failure), and the time since the request was created. */
  endTime: number;
  latencyMs: number;
  /** From the request's creation to the first response body chunk; -1 when none came. */
  timeToFirstTokenMs: number;
  /** A stream's body chunks as they arrived (issue 32: the time between them), when it had some. */
  chunkTiming?: { chunks: number; afterFirstMs: number; maxGapMs: number } | undefined;
  /** The span active when the request was created, or null. */
  parent: ParentSpanContext | null;
  /** A connection error's class, or 'cancelled' for an abort; undefined when the exchange completed. */
  errorType: string | undefined;
  serverAddress: string;
  serverPort: number;
}

/** The format's numeric code, or -1 when it is not one (a caller's mistake). */
export function wireFormatCode(format: unknown): number {
  return WIRE_FORMATS.indexOf(format as WireFormat);
}

/**
 * Writes the extension row of a wire record at `ub` of `x` and copies its blob into the arena
 * through `arena` for record `index`. Returns false when the blob did not fit (the call is
 * recorded without its bytes; the caller counts it).
 */
export function writeWireRow(x: Uint32Array, ub: number, call: WireExchangeCall, format: number, serverId: number, arena: ContentWriter | undefined, index: number): boolean {
  x[ub + X_SERVER] = serverId;
  x[ub + X_SERVER_PORT] = call.serverPort;
  x[ub + X_WIRE] = wireWord(format, call.status, call.sse, call.requestCut, call.responseCut);
  x[ub + X_CONTENT_AT] = 0;
  x[ub + X_CONTENT_LEN] = 0;
  if (arena === undefined) return false;
  const room = wireBlobBytes(call);
  if (!arena.reserve(room)) return false;
  const length = writeWireBlob(arena.data, arena.at, call);
  x[ub + X_CONTENT_AT] = arena.at;
  x[ub + X_CONTENT_LEN] = length;
  arena.commit(index, length);
  return true;
}
