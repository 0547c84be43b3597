// Sends encoded ExportTraceServiceRequests (otlp-proto.ts) over OTLP/HTTP (node:http) and
// OTLP/gRPC (@grpc/grpc-js), with the OTLP specification's retry rules, inside one time budget
// per export. Worker only. Never rejects: every way an export ends is a DestinationOutcome.
//
// Retried until the budget runs out, with exponential backoff and jitter (a Retry-After header or
// gRPC RetryInfo is honoured when shorter than the budget):
//   HTTP: 429, 502, 503, 504, and connection errors (collector down or restarting);
//   gRPC: CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, OUT_OF_RANGE, UNAVAILABLE,
//         DATA_LOSS.
// Anything else fails the batch at once (reason exportError); running out of budget fails it
// with reason exportTimeout.

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
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
  readonly #url: URL;
  readonly #config: SenderConfig;
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;

  constructor(config: SenderConfig) {
    this.#config = config;
    this.#url = new URL(config.url);
    const https = this.#url.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: config.concurrency };
    this.#agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.#request = https ? httpsRequest : httpRequest;
  }

  async send(raw: Uint8Array): Promise<DestinationOutcome> {
    const gzipped = this.#config.compression === 'gzip';
    const body = gzipped ? await gzip(raw) : raw;
    const headers: Record<string, string | number> = {
      ...this.#config.headers,
      'content-type': 'application/x-protobuf',
      'content-length': body.length,
    };
    if (gzipped) headers['content-encoding'] = 'gzip';
    return withRetries(this.#config.timeoutMillis, (left) => this.#attempt(body, headers, left));
  }

  #attempt(body: Uint8Array, headers: Record<string, string | number>, leftMs: number): Promise<Attempt> {
    return new Promise((resolve) => {
      const req = this.#request(this.#url, { method: 'POST', headers, agent: this.#agent, timeout: leftMs }, (res) => {
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

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      // Only the start of an error body is kept for the message.
      if (size < 4096) chunks.push(c);
      size += c.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

// ---- gRPC ----

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const RETRYABLE_GRPC = new Set([1, 4, 8, 10, 11, 14, 15]);
const GRPC_COMPRESSION_GZIP = 2;

interface GrpcJs {
  Client: new (target: string, credentials: unknown, options: Record<string, unknown>) => GrpcClient;
  credentials: { createInsecure(): unknown; createSsl(): unknown };
  Metadata: new () => { set(key: string, value: string): void };
  status: Record<string, number>;
}
interface GrpcClient {
  makeUnaryRequest(
    path: string,
    serialize: (b: Uint8Array) => Buffer,
    deserialize: (b: Buffer) => Buffer,
    argument: Uint8Array,
    metadata: unknown,
    options: { deadline: number },
    callback: (err: (Error & { code?: number; details?: string }) | null) => void,
  ): unknown;
  getChannel(): { getConnectivityState(tryToConnect: boolean): number };
}

/** @grpc/grpc-js, resolved from this package (an optional peer dependency). */
function loadGrpc(): GrpcJs {
  return createRequire(import.meta.url)('@grpc/grpc-js') as GrpcJs;
}

export class OtlpGrpcSender implements OtlpSender {
  readonly #config: SenderConfig;
  readonly #client: GrpcClient;
  readonly #metadata: unknown;
  readonly #codeNames: Map<number, string>;

  constructor(config: SenderConfig) {
    const grpc = loadGrpc();
    this.#config = config;
    const url = new URL(config.url);
    const credentials = url.protocol === 'https:' ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
    const options: Record<string, unknown> = {};
    if (config.compression === 'gzip') options['grpc.default_compression_algorithm'] = GRPC_COMPRESSION_GZIP;
    this.#client = new grpc.Client(url.host, credentials, options);
    const metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(config.headers)) metadata.set(k, v);
    this.#metadata = metadata;
    this.#codeNames = new Map(Object.entries(grpc.status).map(([name, code]) => [code, name]));
    // Connects now rather than on the first export (grpc-js connects lazily).
    this.#client.getChannel().getConnectivityState(true);
  }

  send(body: Uint8Array): Promise<DestinationOutcome> {
    return withRetries(this.#config.timeoutMillis, (left) => this.#attempt(body, left));
  }

  #attempt(body: Uint8Array, leftMs: number): Promise<Attempt> {
    return new Promise((resolve) => {
      this.#client.makeUnaryRequest(
        EXPORT_PATH,
        (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
        (b) => b,
        body,
        this.#metadata,
        { deadline: Date.now() + leftMs },
        (err) => {
          if (err === null) {
            resolve({ outcome: OK });
            return;
          }
          const code = err.code ?? -1;
          const message = `OTLP/gRPC ${this.#codeNames.get(code) ?? code}: ${err.details ?? err.message}`;
          resolve(RETRYABLE_GRPC.has(code) ? { retry: message } : { outcome: { ok: false, reason: 'exportError', message } });
        },
      );
    });
  }
}
