// instrumentFetch: the wire capture (issue 28). Every LLM call the process makes over fetch (or
// any undici request) is recorded from what undici publishes on node:diagnostics_channel, with
// no wrapper around any client. Main thread: its work per call is these callbacks and holding
// the body chunks as they pass; the bytes go to the content arena once, when the body ends, and
// a worker reads the call out of them (worker/wire-records.ts, worker/wire/).
//
//   undici:request:create            POST to a known path? (fetch-hosts.ts) -> an Exchange for the
//                                    request (a WeakMap entry); the trace parent now
//   undici:request:bodyChunkSent     request chunks held (bounded: maxRequestBytes)
//   undici:request:headers           status, sse, the rate-limit headers kept
//   undici:request:bodyChunkReceived first chunk's time (streams' time to first token); chunks
//                                    held (bounded: maxResponseBytes, past it cut)
//   undici:request:trailers          the body ended: one record (tracer.recordWireExchange)
//   undici:request:error             a connection error or an abort: one record, with its type
//
// A request that is not recognised costs one callback and a compare of its method (and, for a
// POST, a look at its path's last characters); its other events one WeakMap miss each.
// Node 24 and 26 (undici 7 inside) publish the body chunks; Node 20 and 22 (undici 6) do not:
// there the fetch fallback (fetch-fallback.ts) copies the bodies of globalThis.fetch's LLM calls,
// and an exchange made otherwise is recorded without bytes (provider, status, times), unless it
// goes through an undici >= 7.15 the application installs, which publishes them (README).
// Nothing here throws into undici: a subscriber's exception would reach the process.

import diagnostics from 'node:diagnostics_channel';
import { diag } from '@opentelemetry/api';
import type { ParentSpanContext, RactoTracer, WireExchangeCall, WireFormat } from '../index.js';
import { invalidType } from '../errors.js';
import { parentNow } from './call.js';
import { CANCELLED, errorTypeOf, isAbort } from './error-type.js';
import { inMarkedCall, markedCalls, recordedElsewhere } from './fetch-marker.js';
import { DEFAULT_PROVIDER_BY_FORMAT, formatOfPath, parseOrigin, providerOfHost, type Origin } from './fetch-hosts.js';
import { resolveFetchCaptureOptions, type FetchCaptureOptions } from './fetch-options.js';
import { installFetchFallback, type FallbackExchange, type FallbackHooks } from './fetch-fallback.js';

/** Node 24+ (undici 7 inside) publishes body chunks; Node 20 and 22 (undici 6) need the fallback. */
export const CHANNEL_BODY_CHUNKS = Number(process.versions.undici?.split('.')[0] ?? 0) >= 7;

export const WIRE_CHANNELS = ['create', 'bodyChunkSent', 'headers', 'bodyChunkReceived', 'trailers', 'error'] as const;

/** Origins remembered (host, port, provider); past it, looked up again each time. */
const MAX_ORIGINS = 1024;

const NO_HEADERS: string[] = [];

/** One recognised exchange in flight; handed to the tracer as it is when it ends. */
class Exchange implements WireExchangeCall {
  provider: string;
  format: WireFormat;
  path: string;
  status = 0;
  sse = false;
  /** NO_HEADERS until a kept header arrives (most answers of other hosts have none). */
  headers: string[] = NO_HEADERS;
  request: Uint8Array[] = [];
  requestBytes = 0;
  requestCut = false;
  response: Uint8Array[] = [];
  responseBytes = 0;
  responseCut = false;
  endTime = 0;
  latencyMs = 0;
  timeToFirstTokenMs = -1;
  parent: ParentSpanContext | null;
  errorType: string | undefined = undefined;
  serverAddress: string;
  serverPort: number;
  /** performance.now() at request create, and at the first response chunk (-1: none yet). */
  readonly start: number;
  firstChunk = -1;
  /** Body chunks seen, the last one's time and the longest gap between two (tracer.now(): the coarse clock while it ticks). */
  chunks = 0;
  lastChunk = -1;
  maxGap = 0;
  chunkTiming: { chunks: number; afterFirstMs: number; maxGapMs: number } | undefined = undefined;
  /** Its bytes come from the fetch fallback (Node 20, 22): recorded when the fallback's copy ends. */
  viaFallback = false;

  constructor(format: WireFormat, path: string, provider: string, origin: Origin, start: number) {
    this.format = format;
    const q = path.indexOf('?');
    this.path = q < 0 ? path : path.slice(0, q);
    this.provider = provider;
    this.serverAddress = origin.host;
    this.serverPort = origin.port;
    this.start = start;
    this.parent = parentNow();
  }
}

interface UndiciRequest {
  method?: string;
  path?: string;
  origin?: unknown;
}

/**
 * Records every LLM call made through fetch (undici) on `tracer`, from the bytes on the wire.
 * Returns a function that stops it (exchanges in flight are still recorded when they end).
 */
export function instrumentFetch(tracer: RactoTracer, options?: FetchCaptureOptions): () => void {
  if (typeof (tracer as { recordWireExchange?: unknown })?.recordWireExchange !== 'function') {
    throw invalidType('tracer', 'a RactoTracer', tracer, 'RACTO_ERR_INVALID_OPTION');
  }
  const o = resolveFetchCaptureOptions(options);
  const maxRequest = o.maxRequestBytes;
  const maxResponse = o.maxResponseBytes;
  // The exchanges in flight, by undici request. Not a property on the request: a new key would
  // change the shape of undici's own objects (measured: several µs a call of undici's code going
  // polymorphic); a WeakMap leaves them alone and forgets a request nobody ends.
  const inFlight = new WeakMap<object, Exchange>();
  const origins = new Map<string, Origin>();
  let warned = false;

  const originOf = (raw: unknown): Origin | undefined => {
    const key = typeof raw === 'string' ? raw : String(raw);
    const known = origins.get(key);
    if (known !== undefined) return known;
    const parsed = parseOrigin(raw);
    if (parsed === undefined) return undefined;
    const origin: Origin = { ...parsed, provider: providerOfHost(parsed.host, o.providers) };
    if (origins.size < MAX_ORIGINS) origins.set(key, origin);
    return origin;
  };

  const record = (req: UndiciRequest, x: Exchange, errorType: string | undefined): void => {
    inFlight.delete(req);
    const end = performance.now();
    x.endTime = end;
    x.latencyMs = end - x.start;
    if (x.sse && x.firstChunk >= 0) {
      x.timeToFirstTokenMs = x.firstChunk - x.start;
      x.chunkTiming = { chunks: x.chunks, afterFirstMs: Math.max(0, x.lastChunk - x.firstChunk), maxGapMs: x.maxGap };
    }
    x.errorType = errorType;
    try {
      tracer.recordWireExchange(x);
    } catch (err) {
      if (!warned) {
        warned = true;
        diag.warn(`ractogateway/instrument: a wire exchange could not be recorded: ${String(err)}`);
      }
    }
  };

  const addRequest = (x: Exchange, chunk: Uint8Array): void => {
    const room = maxRequest - x.requestBytes;
    if (chunk.length > room) x.requestCut = true;
    if (room <= 0) return;
    x.request.push(chunk);
    x.requestBytes += Math.min(room, chunk.length);
  };
  const addResponse = (x: Exchange, chunk: Uint8Array): void => {
    if (x.firstChunk < 0) {
      x.firstChunk = x.lastChunk = performance.now();
      x.chunks = 1;
    } else {
      // The time between the body's chunks (issue 32): what the network delivered, on the tracer's clock.
      const now = tracer.now();
      if (now - x.lastChunk > x.maxGap) x.maxGap = now - x.lastChunk;
      if (now > x.lastChunk) x.lastChunk = now;
      x.chunks++;
    }
    const room = maxResponse - x.responseBytes;
    // Held, not copied: undici hands the same chunk to the body's reader and never reuses it.
    if (chunk.length > room) x.responseCut = true;
    if (room <= 0) return;
    x.response.push(chunk);
    x.responseBytes += Math.min(room, chunk.length);
  };
  // Node 20, 22: the fetch fallback (fetch-fallback.ts) brings the bodies of globalThis.fetch's calls.
  const fallback: FallbackHooks | undefined = CHANNEL_BODY_CHUNKS || o.fallback === false ? undefined : { pending: undefined };
  const fallbackOf = (req: UndiciRequest, x: Exchange): FallbackExchange => ({
    addRequest: (chunk) => addRequest(x, chunk),
    addResponse: (chunk) => addResponse(x, chunk),
    finish: (errorType) => {
      if (inFlight.get(req) === x) record(req, x, errorType);
    },
    taken: () => void (x.viaFallback = true),
  });

  const handlers: Record<(typeof WIRE_CHANNELS)[number], (message: unknown) => void> = {
    create(message) {
      const req = (message as { request: UndiciRequest }).request;
      // The one check every request pays; then a request a wrapper records is left to it.
      if (req.method !== 'POST' || recordedElsewhere.depth !== 0) return;
      const path = req.path;
      if (typeof path !== 'string') return;
      const format = formatOfPath(path);
      if (format === undefined) return;
      // A model call the AI SDK integration records (its context marked): looked up only for an
      // LLM request, and only in a process where an integration exists.
      const marks = markedCalls.store;
      if (marks !== undefined && inMarkedCall(marks)) return;
      const origin = originOf(req.origin);
      if (origin === undefined) return;
      const x = new Exchange(format, path, origin.provider ?? DEFAULT_PROVIDER_BY_FORMAT[format], origin, performance.now());
      inFlight.set(req, x);
      if (fallback !== undefined) fallback.pending = fallbackOf(req, x);
    },
    bodyChunkSent(message) {
      const m = message as { request: UndiciRequest; chunk: unknown };
      const x = inFlight.get(m.request);
      if (x === undefined) return;
      const c = m.chunk;
      const chunk = typeof c === 'string' ? Buffer.from(c) : c instanceof Uint8Array ? c : undefined;
      if (chunk !== undefined) addRequest(x, chunk);
    },
    headers(message) {
      const m = message as { request: UndiciRequest; response: { statusCode?: number; headers?: unknown } };
      const x = inFlight.get(m.request);
      if (x === undefined) return;
      x.status = typeof m.response.statusCode === 'number' ? m.response.statusCode : 0;
      const raw = m.response.headers;
      if (Array.isArray(raw)) keepHeaders(x, raw);
    },
    bodyChunkReceived(message) {
      const m = message as { request: UndiciRequest; chunk: unknown };
      const x = inFlight.get(m.request);
      if (x === undefined) return;
      addResponse(x, m.chunk as Uint8Array);
    },
    trailers(message) {
      const req = (message as { request: UndiciRequest }).request;
      const x = inFlight.get(req);
      // A fallback's exchange ends when its copy of the body does (its last chunks may still be on the way).
      if (x !== undefined && !x.viaFallback) record(req, x, undefined);
    },
    error(message) {
      const m = message as { request: UndiciRequest; error: unknown };
      const x = inFlight.get(m.request);
      if (x !== undefined) record(m.request, x, wireErrorType(m.error));
    },
  };

  const subscribed: [string, (message: unknown) => void][] = [];
  for (const name of WIRE_CHANNELS) {
    const channel = `undici:request:${name}`;
    const fn = guard(handlers[name]);
    diagnostics.subscribe(channel, fn);
    subscribed.push([channel, fn]);
  }
  const uninstall = fallback === undefined ? undefined : installFetchFallback(fallback);
  // The AI SDK integrations mark their model calls while a capture runs (fetch-marker.ts).
  markedCalls.captures++;
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    markedCalls.captures--;
    uninstall?.();
    // Exchanges in flight keep their Exchange; without the subscriptions they are not recorded.
    for (const [channel, fn] of subscribed) diagnostics.unsubscribe(channel, fn);
  };
}

/** A subscriber that never throws into undici (a throw there would reach the process). */
function guard(fn: (message: unknown) => void): (message: unknown) => void {
  return (message) => {
    try {
      fn(message);
    } catch (err) {
      diag.debug(`ractogateway/instrument: wire capture callback failed: ${String(err)}`);
    }
  };
}

/**
 * error.type of an exchange that failed on the wire: 'cancelled' for an abort, else the error's
 * code when it has one (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, UND_ERR_HEADERS_TIMEOUT: what
 * failed, where the class is a bare Error), else its class name.
 */
function wireErrorType(error: unknown): string {
  if (isAbort(error)) return CANCELLED;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 && code.length <= 64 ? code : errorTypeOf(error);
}

/**
 * From undici's raw headers (name, value, … as Buffers, or strings): whether the answer is an SSE
 * stream, and the rate-limit and retry-after headers (shared/wire.ts WireExchange.headers). Names
 * are sorted by length and first letter before any string is made; content-type is read in
 * its bytes, so a plain answer makes no string here at all.
 */
function keepHeaders(x: Exchange, raw: unknown[]): void {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const n = raw[i] as Uint8Array | string;
    const len = n.length;
    const first = (typeof n === 'string' ? n.charCodeAt(0) : n[0]) | 0x20;
    if (first === 0x63 && len === 12) {
      if (isName(n, 'content-type')) x.sse = contains(raw[i + 1], 'text/event-stream');
    } else if ((first === 0x72 && len === 11) || (first === 0x78 && len > 12) || (first === 0x61 && len > 20)) {
      // retry-after (11), x-ratelimit-* (> 12), anthropic-ratelimit-* (> 20)
      const name = String(n).toLowerCase();
      if (name === 'retry-after' || name.startsWith('x-ratelimit-') || name.startsWith('anthropic-ratelimit-')) {
        if (x.headers === NO_HEADERS) x.headers = [];
        x.headers.push(name, String(raw[i + 1]));
      }
    }
  }
}

/** `n` (bytes or a string) is `lower`, ignoring ASCII case. */
function isName(n: Uint8Array | string, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    const c = typeof n === 'string' ? n.charCodeAt(k) : n[k];
    if ((c | 0x20) !== lower.charCodeAt(k) && c !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** A header value (bytes or a string) contains `text` (case as the providers send it). */
function contains(value: unknown, text: string): boolean {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value.includes(text);
  return value instanceof Uint8Array && Buffer.from(value.buffer, value.byteOffset, value.byteLength).includes(text);
}
