// Sends encoded ExportTraceServiceRequests (request.ts) over OTLP/HTTP (node:http) and
// OTLP/gRPC (node:http2), with the OTLP specification's retry rules, inside one time budget
// per export (retry.ts). Worker only. Never rejects: every way an export ends is a
// DestinationOutcome.
//
// Retried until the budget runs out, with exponential backoff and jitter (a Retry-After header or
// gRPC RetryInfo is honoured when shorter than the budget):
//   HTTP: 429, 502, 503, 504, and connection errors (collector down or restarting);
//   gRPC: CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, OUT_OF_RANGE, UNAVAILABLE,
//         DATA_LOSS.
// A request too large for the collector (HTTP 413, gRPC RESOURCE_EXHAUSTED about the message
// size) is sent in halves (split.ts). Anything else fails the batch at once (exportError).
// A success's answer is read for partial_success: its rejected spans count failed (rejected).
// OTLP/HTTP sends protobuf, or JSON made from the protobuf request right before each send
// (json.ts), so that splitting and the spool work on one form.

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
import type { DestinationOutcome } from '../../shared/worker-config.js';
import { withRetries, type Attempt, type Sent } from './retry.js';
import { seen, type Reachability } from './reachability.js';
import { deliver } from './split.js';
import { partialSuccess, type PartialSuccess } from './wire.js';
import { jsonPartialSuccess, requestToJson } from './json.js';
import { GRPC_CODES, grpcMessage, grpcStatusOfHttp, RESOURCE_EXHAUSTED, RETRYABLE_GRPC, TOO_LARGE_TEXT, UNAVAILABLE } from './grpc-status.js';

const gzip = promisify(gzipCallback);
/** Most bytes of an answer read (a partial_success message, an error's text). */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface OtlpSender {
  /**
   * Sends an encoded request of `spans` spans, within `timeoutMillis` (default: the configured
   * budget); `giveUp` is asked before each retry, besides the configured one.
   */
  send(body: Uint8Array, spans: number, timeoutMillis?: number, giveUp?: () => boolean): Promise<DestinationOutcome>;
}

function either(a: () => boolean, b: (() => boolean) | undefined): () => boolean {
  return b === undefined ? a : () => a() || b();
}

/** The outcome of an accepted request, from the collector's answer (partial success). */
function accepted(partial: PartialSuccess | undefined): DestinationOutcome {
  if (partial === undefined) return { ok: true };
  const out: DestinationOutcome = { ok: true, rejected: partial.rejected };
  if (partial.message.length > 0) out.note = partial.message;
  return out;
}

export interface SenderConfig {
  url: string;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  timeoutMillis: number;
  /** Requests in flight at once (sockets or streams). */
  concurrency: number;
  /** Asked before each retry: true ends the export now (shutdown with a spool). */
  giveUp: () => boolean;
  /** OTLP/HTTP only: the body's encoding. Default protobuf. */
  encoding?: 'protobuf' | 'json';
  /** Told the end of every attempt (whether the destination is down). */
  reachability?: Reachability;
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
    this.#headers = { ...config.headers, 'content-type': config.encoding === 'json' ? 'application/json' : 'application/x-protobuf' };
    if (config.compression === 'gzip') this.#headers['content-encoding'] = 'gzip';
  }

  send(body: Uint8Array, spans: number, timeoutMillis = this.#config.timeoutMillis, giveUp?: () => boolean): Promise<DestinationOutcome> {
    const stop = either(this.#config.giveUp, giveUp);
    return deliver((b, leftMs) => this.#sendOnce(b, leftMs, stop), body, spans, timeoutMillis);
  }

  async #sendOnce(request: Uint8Array, timeoutMillis: number, giveUp: () => boolean): Promise<Sent> {
    let raw = request;
    if (this.#config.encoding === 'json') {
      try {
        raw = requestToJson(request);
      } catch (err) {
        return { outcome: { ok: false, reason: 'exportError', message: `OTLP/HTTP JSON: the request could not be encoded: ${(err as Error).message}` } };
      }
    }
    const body = this.#config.compression === 'gzip' ? await gzip(raw) : raw;
    const headers: Record<string, string | number> = { ...this.#headers, 'content-length': body.length };
    const r = this.#config.reachability;
    return withRetries(timeoutMillis, async (left) => seen(r, await this.#attempt(body, headers, left)), giveUp);
  }

  #attempt(body: Uint8Array, headers: Record<string, string | number>, leftMs: number): Promise<Attempt> {
    return new Promise((resolve) => {
      // The request is the collector's once it is written on a connected socket: only then is a
      // missing answer a timeout, rather than a connection that never came.
      let sent = false;
      let timedOut = false;
      const req = this.#request({ ...this.#options, headers, timeout: leftMs }, (res) => {
        readBody(res).then((answer) => resolve(httpResult(res, answer)), (err: Error) => resolve({ retry: err.message, kind: 'connect' }));
      });
      req.on('finish', () => (sent = true));
      req.on('timeout', () => {
        timedOut = true;
        req.destroy(new Error(`no answer within ${Math.round(leftMs)} ms`));
      });
      req.on('error', (err) => resolve({ retry: err.message, kind: timedOut && sent ? 'timeout' : 'connect' }));
      req.end(body);
    });
  }
}

const RETRYABLE_HTTP = new Set([429, 502, 503, 504]);
/** Retryable answers that say the collector behind is gone, not busy (reachability.ts). */
const GONE_HTTP = new Set([502, 503, 504]);

function httpResult(res: IncomingMessage, answer: Buffer): Attempt {
  const code = res.statusCode ?? 0;
  if (code >= 200 && code < 300) {
    // An OTLP/HTTP answer is an ExportTraceServiceResponse, in protobuf or JSON as its type
    // says; anything else is a plain success.
    const type = String(res.headers['content-type'] ?? '');
    if (answer.length === 0) return { outcome: accepted(undefined) };
    if (type.includes('protobuf')) return { outcome: accepted(partialSuccess(answer)) };
    return { outcome: accepted(type.includes('json') ? jsonPartialSuccess(answer) : undefined) };
  }
  const text = answer.subarray(0, 200).toString('utf8');
  const message = `OTLP/HTTP ${code} ${res.statusMessage ?? ''}${text.length > 0 ? `: ${text}` : ''}`.trim();
  if (code === 413) return { tooLarge: message };
  if (!RETRYABLE_HTTP.has(code)) return { outcome: { ok: false, reason: 'exportError', message } };
  const after = Number(res.headers['retry-after']);
  const a: Extract<Attempt, { retry: string }> = { retry: message, kind: 'status', unreachable: GONE_HTTP.has(code) };
  if (Number.isFinite(after) && after >= 0) a.retryAfterMs = after * 1000;
  return a;
}

/** The start of an answer's body (an ExportTraceServiceResponse, or an error's text). */
function readBody(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    res.on('error', reject);
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      if (size < MAX_ANSWER_BYTES) chunks.push(c);
      size += c.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

// ---- gRPC ----
//
// OTLP/gRPC is one unary call, TraceService/Export, so it is spoken here directly over node:http2
// rather than through @grpc/grpc-js: a POST of the length-prefixed message, the status read from
// the trailers. That is the whole of what a unary call needs, costs the worker markedly less CPU
// per span than grpc-js's channel and call machinery, and needs no package.

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
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

  send(body: Uint8Array, spans: number, timeoutMillis = this.#config.timeoutMillis, giveUp?: () => boolean): Promise<DestinationOutcome> {
    const stop = either(this.#config.giveUp, giveUp);
    return deliver((b, leftMs) => this.#sendOnce(b, leftMs, stop), body, spans, timeoutMillis);
  }

  async #sendOnce(body: Uint8Array, timeoutMillis: number, giveUp: () => boolean): Promise<Sent> {
    const gzipped = this.#config.compression === 'gzip';
    const message = gzipped ? await gzip(body) : body;
    // The gRPC length prefix: compressed flag, then the length as a big-endian uint32.
    const prefix = Buffer.alloc(5);
    prefix[0] = gzipped ? 1 : 0;
    prefix.writeUInt32BE(message.length, 1);
    const r = this.#config.reachability;
    return withRetries(timeoutMillis, async (left) => seen(r, await this.#attempt(prefix, message, left)), giveUp);
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
      let session: ClientHttp2Session;
      try {
        session = this.#connect();
        req = session.request({ ...this.#headers, 'grpc-timeout': `${Math.max(1, Math.floor(leftMs))}m` });
      } catch (err) {
        finish({ retry: (err as Error).message, kind: 'connect' });
        return;
      }
      // Answered headers, or a stream on a connected session that ran out of time, mean the
      // collector had the request: a missing answer then is a timeout, not a connection error.
      let answered = false;
      let timedOut = false;
      const answer: Buffer[] = [];
      let answerBytes = 0;
      let code: number | undefined;
      let detail = '';
      const read = (h: IncomingHttpHeaders): void => {
        if (h['grpc-status'] !== undefined) {
          code = Number(h['grpc-status']);
          detail = grpcMessage(h['grpc-message']);
        }
      };
      req.on('response', (h) => {
        answered = true;
        const status = Number(h[':status']);
        if (status !== 200) {
          code = grpcStatusOfHttp(status);
          detail = `HTTP ${status}`;
        }
        read(h); // a trailers-only answer carries the status in the headers
      });
      req.on('trailers', read);
      // The length-prefixed ExportTraceServiceResponse, read for partial success.
      req.on('data', (c: Buffer) => {
        if (answerBytes < MAX_ANSWER_BYTES) answer.push(c);
        answerBytes += c.length;
      });
      req.setTimeout(Math.max(1, leftMs), () => {
        timedOut = true;
        req.close(http2Constants.NGHTTP2_CANCEL);
      });
      const lost = (): 'timeout' | 'connect' => (answered || (timedOut && !session.connecting && !session.destroyed) ? 'timeout' : 'connect');
      req.on('error', (err) => finish({ retry: `OTLP/gRPC ${err.message}`, kind: lost() }));
      req.on('close', () => {
        if (code === undefined) {
          finish({ retry: timedOut ? `OTLP/gRPC no answer within ${Math.round(leftMs)} ms` : 'OTLP/gRPC stream closed without a grpc-status', kind: lost() });
          return;
        }
        if (code === 0) {
          const bytes = Buffer.concat(answer);
          // Compressed flag 0 and the length, then the message; a compressed answer is not read.
          const response = bytes.length >= 5 && bytes[0] === 0 ? bytes.subarray(5, 5 + bytes.readUInt32BE(1)) : undefined;
          finish({ outcome: accepted(response !== undefined && response.length > 0 ? partialSuccess(response) : undefined) });
          return;
        }
        const text = `OTLP/gRPC ${GRPC_CODES[code] ?? code}: ${detail}`;
        if (code === RESOURCE_EXHAUSTED && TOO_LARGE_TEXT.test(detail)) finish({ tooLarge: text });
        else if (RETRYABLE_GRPC.has(code)) finish({ retry: text, kind: 'status', unreachable: code === UNAVAILABLE });
        else finish({ outcome: { ok: false, reason: 'exportError', message: text } });
      });
      req.write(prefix);
      req.end(message);
    });
  }
}
