// A minimal OTLP receiver for the benchmarks, run as a separate process on 127.0.0.1 so that
// it does not share the measured process. Acknowledges every request once its body has arrived.
// Prints {"http": port, "grpc": port} on its first line. Answers an IPC message with
// {requests, spans}; spans are counted only with --count-spans (protobuf bodies, gzip or not;
// JSON bodies are not counted), so that the benchmarks' receiver does no decoding.
import { createServer } from 'node:http';
import http2 from 'node:http2';
import { gunzipSync } from 'node:zlib';

let requests = 0;
let spans = 0;
const COUNT_SPANS = process.argv.includes('--count-spans');

/** Calls fn(start, end) for each length-delimited field `want` of the message in buf[start, end). */
function eachField(buf, start, end, want, fn) {
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = buf[start++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  while (start < end) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) start += 8;
    else if (wire === 5) start += 4;
    else if (wire === 2) {
      const len = varint();
      if (tag >>> 3 === want) fn(start, start + len);
      start += len;
    } else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
}

/** Adds the spans of an ExportTraceServiceRequest (resource_spans 1 > scope_spans 2 > spans 2). */
function countSpans(message, gzip) {
  try {
    const body = gzip ? gunzipSync(message) : message;
    let n = 0;
    eachField(body, 0, body.length, 1, (a, b) => eachField(body, a, b, 2, (c, d) => eachField(body, c, d, 2, () => n++)));
    spans += n;
  } catch {
    // Not a request this receiver can read: acknowledged, its spans not counted.
  }
}

/** The body's chunks when counting, else nothing kept. */
function collect(stream) {
  const chunks = [];
  if (COUNT_SPANS) stream.on('data', (c) => chunks.push(c));
  else stream.resume();
  return chunks;
}

const http = createServer((req, res) => {
  const chunks = collect(req);
  req.on('end', () => {
    requests++;
    const json = String(req.headers['content-type']).includes('json');
    if (COUNT_SPANS && !json) countSpans(Buffer.concat(chunks), req.headers['content-encoding'] === 'gzip');
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
  });
});
// --http-port P: listen on a given port (the soak script restarts the receiver on the same one).
const portArg = process.argv.indexOf('--http-port');
const httpPort = portArg < 0 ? 0 : Number(process.argv[portArg + 1]);
await new Promise((resolve) => http.listen(httpPort, '127.0.0.1', resolve));

// gRPC on node:http2 directly: a unary TraceService/Export that acknowledges every request.
// Not @grpc/grpc-js's server, which keeps HTTP/2's 64 KiB flow-control window (every ~150 KB
// request would wait for window updates); collectors built on grpc-go grow their window by
// bandwidth-delay estimation, so this receiver opens a large window from the start.
const WINDOW = 16 * 2 ** 20;
const EMPTY_MESSAGE = Buffer.from([0, 0, 0, 0, 0]); // uncompressed, length 0
const h2 = http2.createServer({ settings: { initialWindowSize: WINDOW } });
h2.on('session', (session) => session.setLocalWindowSize(WINDOW));
h2.on('stream', (stream, headers) => {
  const chunks = collect(stream);
  stream.on('end', () => {
    requests++;
    if (COUNT_SPANS) {
      const body = Buffer.concat(chunks); // gRPC framing: compressed flag, 4-byte length, message
      countSpans(body.subarray(5), body[0] === 1);
    }
    if (headers[':path'] !== '/opentelemetry.proto.collector.trace.v1.TraceService/Export') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' }, { endStream: true });
      return;
    }
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(EMPTY_MESSAGE);
  });
});
// --grpc-port P: likewise for gRPC (bench/outage.mjs restarts it on the same one).
const grpcArg = process.argv.indexOf('--grpc-port');
await new Promise((resolve) => h2.listen(grpcArg < 0 ? 0 : Number(process.argv[grpcArg + 1]), '127.0.0.1', resolve));
const grpcPort = h2.address().port;
console.log(JSON.stringify({ http: http.address().port, grpc: grpcPort }));
process.on('message', () => process.send?.({ requests, spans }));
const t0 = performance.now();
process.stdin.on('end', () => {
  if (process.env.RECEIVER_CPU) {
    const u = process.cpuUsage();
    process.stderr.write(`receiver cpu% ${Math.round(((u.user + u.system) / 1000 / (performance.now() - t0)) * 100)}\n`);
  }
  process.exit(0);
});
process.stdin.resume();
