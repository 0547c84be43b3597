// Real OTLP receivers on 127.0.0.1 for the tests: gRPC on @grpc/grpc-js, HTTP on node:http.
// Payloads are decoded with protobufjs (from test/fixtures/otlp/trace.proto) or JSON.parse,
// never with the exporters' own code.
import { createServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

const root = protobuf.loadSync(fileURLToPath(new URL('../fixtures/otlp/trace.proto', import.meta.url)));
const Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const Response = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

export type AttrValue = string | number | boolean | (string | number | boolean)[];

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttrValue>;
  status: { code: number; message: string };
  resource: Record<string, AttrValue>;
  scope: { name: string; version: string };
}

export interface Receiver {
  url: string;
  spans: ReceivedSpan[];
  /** Requests answered, refused ones included. */
  requests: number;
  refused: number;
  /** Requests left without an answer (hangWhile). */
  hung: number;
  headers: Record<string, string | string[] | undefined>[];
  encodings: string[];
  /** OTLP/HTTP JSON requests as JSON.parse read them, in arrival order (accepted ones). */
  jsonBodies: unknown[];
  close(): Promise<void>;
}

interface Options {
  /** Refuse this many requests first (gRPC UNAVAILABLE, HTTP 503). */
  refuse?: number;
  /** Listen on this port; default: any free port. */
  port?: number;
  /** Answer each request this many ms late (HTTP only): a slow collector. */
  delayMs?: number;
  /**
   * Refuse this many spans of every request as an OTLP partial success, with this message: the
   * last `rejected` spans of the request are not kept.
   */
  partial?: { rejected: number; message: string };
  /**
   * Largest request accepted: HTTP answers 413 to a larger body, gRPC sets the server's
   * grpc.max_receive_message_length (it answers RESOURCE_EXHAUSTED).
   */
  maxRequestBytes?: number;
  /** Reset the connection of every request without an answer (HTTP only). */
  reset?: boolean;
  /** Refuse every request (HTTP 503 with Retry-After 0, gRPC UNAVAILABLE) while this says so. */
  refuseWhile?: () => boolean;
  /** Answer no request (keep it open, its spans not taken) while this says so (HTTP only). */
  hangWhile?: () => boolean;
}

/**
 * The ExportTraceServiceResponse for a request of `n` spans, in protobuf or in OTLP JSON (int64 as
 * a string, as proto3's JSON mapping writes it), and the spans to keep.
 */
function answer(opts: Options, n: number, json: boolean): { body: Buffer; keep: number } {
  const p = opts.partial;
  const rejected = p === undefined ? 0 : Math.min(p.rejected, n);
  const message = p === undefined ? {} : { partialSuccess: { rejectedSpans: rejected, errorMessage: p.message } };
  const body = json
    ? Buffer.from(JSON.stringify(p === undefined ? {} : { partialSuccess: { rejectedSpans: String(rejected), errorMessage: p.message } }))
    : Buffer.from(Response.encode(Response.create(message)).finish());
  return { body, keep: n - rejected };
}

/** Collects a request's spans into `into`, keeping the first `answer` says; returns the answer. */
function take(opts: Options, req: PlainRequest, into: ReceivedSpan[], json = false): Buffer {
  const got: ReceivedSpan[] = [];
  const a = answer(opts, collect(req, got), json);
  into.push(...got.slice(0, a.keep));
  return a.body;
}

// --- normalising decoded payloads -------------------------------------------------------------

interface Any {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: Any[] };
}

function value(v: Any): AttrValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map((x) => value(x) as string | number | boolean);
  throw new Error(`unexpected attribute value ${JSON.stringify(v)}`);
}

function attrs(list: { key: string; value: Any }[] | undefined): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of list ?? []) out[kv.key] = value(kv.value);
  return out;
}

interface PlainRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: Any }[] };
    scopeSpans?: {
      scope?: { name?: string; version?: string };
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        startTimeUnixNano: string | number;
        endTimeUnixNano: string | number;
        attributes?: { key: string; value: Any }[];
        status?: { code?: number; message?: string };
      }[];
    }[];
  }[];
}

/** Ids arrive as hex (OTLP JSON, and protobufjs toObject with bytes: hex converter below). */
export function collect(req: PlainRequest, into: ReceivedSpan[]): number {
  let n = 0;
  for (const rs of req.resourceSpans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        n++;
        into.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ? s.parentSpanId : undefined,
          name: s.name,
          kind: s.kind ?? 0,
          startNs: BigInt(s.startTimeUnixNano),
          endNs: BigInt(s.endTimeUnixNano),
          attributes: attrs(s.attributes),
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
          resource,
          scope: { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' },
        });
      }
    }
  }
  return n;
}

export function decodeProto(buf: Uint8Array): PlainRequest {
  const msg = Request.decode(buf);
  const obj = Request.toObject(msg, { longs: String, enums: Number, bytes: Array, defaults: false }) as Record<string, unknown>;
  return hexIds(obj) as PlainRequest;
}

/** Turns the byte arrays of trace_id, span_id and parent_span_id into hex strings. */
function hexIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(hexIds);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = (k === 'traceId' || k === 'spanId' || k === 'parentSpanId') && Array.isArray(v)
      ? Buffer.from(v as number[]).toString('hex')
      : hexIds(v);
  }
  return out;
}

// --- receivers -------------------------------------------------------------------------------

/** OTLP's TraceService/Export with raw bytes in and out: handlers decode with protobufjs. */
export const TRACE_SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (v: Buffer) => v,
    requestDeserialize: (b: Buffer) => b,
    // Handlers answer with an encoded ExportTraceServiceResponse.
    responseSerialize: (v: Buffer) => v,
    responseDeserialize: (b: Buffer) => b,
  },
};

/** A receiver with nothing received yet. */
function emptyReceiver(close: () => Promise<void>): Receiver {
  return { url: '', spans: [], requests: 0, refused: 0, hung: 0, headers: [], encodings: [], jsonBodies: [], close };
}

export async function startGrpcReceiver(opts: Options = {}): Promise<Receiver> {
  let toRefuse = opts.refuse ?? 0;
  const server = new grpc.Server(opts.maxRequestBytes === undefined ? {} : { 'grpc.max_receive_message_length': opts.maxRequestBytes });
  const receiver = emptyReceiver(() => new Promise((resolve) => server.tryShutdown(() => resolve())));
  server.addService(TRACE_SERVICE, {
    Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      receiver.requests++;
      receiver.headers.push(call.metadata.getMap() as Record<string, string>);
      receiver.encodings.push(String(call.metadata.get('grpc-encoding')[0] ?? 'identity'));
      if (toRefuse > 0 || opts.refuseWhile?.() === true) {
        if (toRefuse > 0) toRefuse--;
        receiver.refused++;
        callback({ code: grpc.status.UNAVAILABLE, details: 'receiver warming up' });
        return;
      }
      callback(null, take(opts, decodeProto(call.request), receiver.spans));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${opts.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  receiver.url = `http://127.0.0.1:${port}`;
  return receiver;
}

export async function startHttpReceiver(opts: Options = {}): Promise<Receiver> {
  let toRefuse = opts.refuse ?? 0;
  const receiver = emptyReceiver(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const server: HttpServer = createServer((req, res) => {
    if (opts.reset === true) {
      receiver.requests++;
      req.socket.destroy();
      return;
    }
    if (opts.hangWhile?.() === true) {
      receiver.requests++;
      receiver.hung++;
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => setTimeout(() => {
      receiver.requests++;
      receiver.headers.push({ ...(req.headers as IncomingHttpHeaders) });
      const encoding = String(req.headers['content-encoding'] ?? 'identity');
      receiver.encodings.push(encoding);
      if (req.url !== '/v1/traces' && req.url !== '/custom/path') {
        res.writeHead(404).end();
        return;
      }
      if (toRefuse > 0 || opts.refuseWhile?.() === true) {
        if (toRefuse > 0) toRefuse--;
        receiver.refused++;
        res.writeHead(503, { 'retry-after': '0' }).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (opts.maxRequestBytes !== undefined && body.length > opts.maxRequestBytes) {
        receiver.refused++;
        res.writeHead(413).end('request too large');
        return;
      }
      if (encoding === 'gzip') body = gunzipSync(body);
      const type = String(req.headers['content-type']);
      if (type.includes('json')) {
        const request = JSON.parse(body.toString('utf8')) as PlainRequest;
        receiver.jsonBodies.push(request);
        res.writeHead(200, { 'content-type': 'application/json' }).end(take(opts, request, receiver.spans, true));
      } else {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(take(opts, decodeProto(body), receiver.spans));
      }
    }, opts.delayMs ?? 0));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  receiver.url = `http://127.0.0.1:${address.port}`;
  return receiver;
}
