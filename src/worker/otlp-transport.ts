// Sends encoded ExportTraceServiceRequests (otlp-proto.ts) over OTLP/HTTP (node:http) and
// OTLP/gRPC (node:http2), with the OTLP specification's retry rules, inside one time budget
// per export. Worker only. Never rejects: every way an export ends is a DestinationOutcome.
//
// Retried until the budget runs out, with exponential backoff and jitter (a Retry-After header or
// gRPC RetryInfo is honoured when shorter than the budget):
//   HTTP: 429, 502, 503, 504, and connection errors (collector down or restarting);
//   gRPC: CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, OUT_OF_RANGE, UNAVAILABLE,
//         DATA_LOSS.
// Anything else fails the batch at once (reason exportError); running out of budget fails it
// with reason exportTimeout.

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import {
  connect as http2Connect,
  constants as http2Constants,
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type IncomingHttpHeaders,
} from 'node:http2';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { DestinationOutcome } from '../shared/worker-config.js';

const gzip = promisify(gzipCallback);
const FIRST_BACKOFF_MILLIS = 100;
const MAX_BACKOFF_MILLIS = 5_000;
const OK: DestinationOutcome = Object.freeze({ ok: true });

export interface OtlpSender {
  send(body: Uint8Array): Promise<DestinationOutcome>;
}

export interface SenderConfig {
  url: string;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  timeoutMillis: number;
  /** Requests in flight at once (sockets or streams). */
  concurrency: number;
}

/** One attempt's end: done (success or final failure), or retry after `retryAfterMs` (if given). */
type Attempt = { outcome: DestinationOutcome } | { retry: string; retryAfterMs?: number };

/** Runs `attempt` until it is done or the budget is spent. */
async function withRetries(timeoutMillis: number, attempt: (leftMs: number) => Promise<Attempt>): Promise<DestinationOutcome> {
  const deadline = performance.now() + timeoutMillis;
  let backoff = FIRST_BACKOFF_MILLIS;
  let last = 'no attempt';
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    const a = await attempt(left);
    if ('outcome' in a) return a.outcome;
    last = a.retry;
    const jittered = backoff * (0.8 + 0.4 * Math.random());
    const wait = Math.min(a.retryAfterMs ?? jittered, MAX_BACKOFF_MILLIS);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    if (performance.now() + wait >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return { ok: false, reason: 'exportTimeout', message: `export did not succeed within ${timeoutMillis} ms (last: ${last})` };
}

export class OtlpHttpSender implements OtlpSender {
  readonly #config: SenderConfig;
  readonly #request: typeof httpRequest;
  /** Request options but the headers, and the headers but the length: the same for every request. */
  readonly #options: RequestOptions;
  readonly #headers: Record<string, string>;

  constructor(config: SenderConfig) {
    this.#config = config;
    const url = new URL(config.url);
    const https = url.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: config.concurrency };
    this.#request = https ? httpsRequest : httpRequest;
    // The URL is taken apart once, not by http.request() on every export.
    this.#options = {
      ...urlToHttpOptions(url),
      method: 'POST',
      agent: https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions),
    };
    this.#headers = { ...config.headers, 'content-type': 'application/x-protobuf' };
    if (config.compression === 'gzip') this.#headers['content-encoding'] = 'gzip';
  }

  async send(raw: Uint8Array): Promise<DestinationOutcome> {
    const body = this.#config.compression === 'gzip' ? await gzip(raw) : raw;
    const headers: Record<string, string | number> = { ...this.#headers, 'content-length': body.length };
    return withRetries(this.#config.timeoutMillis, (left) => this.#attempt(body, headers, left));
  }

  #attempt(body: Uint8Array, headers: Record<string, string | number>, leftMs: number): Promise<Attempt> {
    return new Promise((resolve) => {
      const req = this.#request({ ...this.#options, headers, timeout: leftMs }, (res) => {
        readBody(res).then((text) => resolve(httpResult(res, text)), (err: Error) => resolve({ retry: err.message }));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${Math.round(leftMs)} ms`)));
      req.on('error', (err) => resolve({ retry: err.message }));
      req.end(body);
    });
  }
}

const RETRYABLE_HTTP = new Set([429, 502, 503, 504]);

function httpResult(res: IncomingMessage, text: string): Attempt {
  const code = res.statusCode ?? 0;
  if (code >= 200 && code < 300) return { outcome: OK };
  const message = `OTLP/HTTP ${code} ${res.statusMessage ?? ''}${text.length > 0 ? `: ${text.slice(0, 200)}` : ''}`.trim();
  if (!RETRYABLE_HTTP.has(code)) return { outcome: { ok: false, reason: 'exportError', message } };
  const after = Number(res.headers['retry-after']);
  return Number.isFinite(after) && after >= 0 ? { retry: message, retryAfterMs: after * 1000 } : { retry: message };
}

/** The start of an error answer's body, for the message; a success's body is not read (partial success is not reported). */
function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    res.on('error', reject);
    const code = res.statusCode ?? 0;
    if (code >= 200 && code < 300) {
      res.on('end', () => resolve(''));
      res.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      if (size < 4096) chunks.push(c);
      size += c.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

// ---- gRPC ----
//
// OTLP/gRPC is one unary call, TraceService/Export, so it is spoken here directly over node:http2
// rather than through @grpc/grpc-js: a POST of the length-prefixed message, the status read from
// the trailers. That is the whole of what a unary call needs, costs the worker markedly less CPU
// per span than grpc-js's channel and call machinery, and needs no package.

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const GRPC_CODES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];
const RETRYABLE_GRPC = new Set([1, 4, 8, 10, 11, 14, 15]);
const UNKNOWN = 2;
const UNAVAILABLE = 14;

/** The gRPC status of an HTTP status that is not 200 (gRPC's HTTP-to-gRPC status mapping). */
function grpcStatusOfHttp(status: number): number {
  switch (status) {
    case 400: return 13; // INTERNAL
    case 401: return 16; // UNAUTHENTICATED
    case 403: return 7; // PERMISSION_DENIED
    case 404: return 12; // UNIMPLEMENTED
    case 429: case 502: case 503: case 504: return UNAVAILABLE;
    default: return UNKNOWN;
  }
}

function grpcMessage(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export class OtlpGrpcSender implements OtlpSender {
  readonly #config: SenderConfig;
  readonly #authority: string;
  /** The request headers but grpc-timeout: the same for every call. */
  readonly #headers: Record<string, string>;
  #session: ClientHttp2Session | undefined;

  constructor(config: SenderConfig) {
    this.#config = config;
    this.#authority = new URL(config.url).origin;
    const headers: Record<string, string> = { ':method': 'POST', ':path': EXPORT_PATH, 'content-type': 'application/grpc', te: 'trailers' };
    // gRPC metadata are HTTP/2 headers, lower case.
    for (const [k, v] of Object.entries(config.headers)) headers[k.toLowerCase()] = v;
    if (config.compression === 'gzip') headers['grpc-encoding'] = 'gzip';
    this.#headers = headers;
    this.#connect(); // now rather than on the first export
  }

  /** The open session, or a new one when there is none or it is closing (GOAWAY, error). */
  #connect(): ClientHttp2Session {
    const current = this.#session;
    if (current !== undefined && !current.closed && !current.destroyed) return current;
    const session = http2Connect(this.#authority);
    const forget = (): void => {
      if (this.#session === session) this.#session = undefined;
    };
    // A failed connection fails the requests on it (retried); the session itself is dropped.
    session.on('error', forget);
    session.on('goaway', forget);
    session.on('close', forget);
    this.#session = session;
    return session;
  }

  async send(body: Uint8Array): Promise<DestinationOutcome> {
    const gzipped = this.#config.compression === 'gzip';
    const message = gzipped ? await gzip(body) : body;
    // The gRPC length prefix: compressed flag, then the length as a big-endian uint32.
    const prefix = Buffer.alloc(5);
    prefix[0] = gzipped ? 1 : 0;
    prefix.writeUInt32BE(message.length, 1);
    return withRetries(this.#config.timeoutMillis, (left) => this.#attempt(prefix, message, left));
  }

  #attempt(prefix: Buffer, message: Uint8Array, leftMs: number): Promise<Attempt> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (a: Attempt): void => {
        if (!done) {
          done = true;
          resolve(a);
        }
      };
      let req: ClientHttp2Stream;
      try {
        req = this.#connect().request({ ...this.#headers, 'grpc-timeout': `${Math.max(1, Math.floor(leftMs))}m` });
      } catch (err) {
        finish({ retry: (err as Error).message });
        return;
      }
      let code: number | undefined;
      let detail = '';
      const read = (h: IncomingHttpHeaders): void => {
        if (h['grpc-status'] !== undefined) {
          code = Number(h['grpc-status']);
          detail = grpcMessage(h['grpc-message']);
        }
      };
      req.on('response', (h) => {
        const status = Number(h[':status']);
        if (status !== 200) {
          code = grpcStatusOfHttp(status);
          detail = `HTTP ${status}`;
        }
        read(h); // a trailers-only answer carries the status in the headers
      });
      req.on('trailers', read);
      req.on('data', () => undefined); // the ExportTraceServiceResponse: partial success is not read
      req.setTimeout(Math.max(1, leftMs), () => req.close(http2Constants.NGHTTP2_CANCEL));
      req.on('error', (err) => finish({ retry: `OTLP/gRPC ${err.message}` }));
      req.on('close', () => {
        if (code === undefined) {
          finish({ retry: 'OTLP/gRPC stream closed without a grpc-status' });
          return;
        }
        if (code === 0) {
          finish({ outcome: OK });
          return;
        }
        const text = `OTLP/gRPC ${GRPC_CODES[code] ?? code}: ${detail}`;
        finish(RETRYABLE_GRPC.has(code) ? { retry: text } : { outcome: { ok: false, reason: 'exportError', message: text } });
      });
      req.write(prefix);
      req.end(message);
    });
  }
}
