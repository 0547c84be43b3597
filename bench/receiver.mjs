// A minimal OTLP receiver for the benchmarks, run as a separate process on 127.0.0.1 so that
// it does not share the measured process. Acknowledges every request once its body has arrived.
// Prints {"http": port, "grpc": port} on its first line.
import { createServer } from 'node:http';
import http2 from 'node:http2';

let requests = 0;
const http = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    requests++;
    const json = String(req.headers['content-type']).includes('json');
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
  stream.resume();
  stream.on('end', () => {
    requests++;
    if (headers[':path'] !== '/opentelemetry.proto.collector.trace.v1.TraceService/Export') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' }, { endStream: true });
      return;
    }
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(EMPTY_MESSAGE);
  });
});
await new Promise((resolve) => h2.listen(0, '127.0.0.1', resolve));
const grpcPort = h2.address().port;
console.log(JSON.stringify({ http: http.address().port, grpc: grpcPort }));
process.on('message', () => process.send?.({ requests }));
const t0 = performance.now();
process.stdin.on('end', () => {
  if (process.env.RECEIVER_CPU) {
    const u = process.cpuUsage();
    process.stderr.write(`receiver cpu% ${Math.round(((u.user + u.system) / 1000 / (performance.now() - t0)) * 100)}\n`);
  }
  process.exit(0);
});
process.stdin.resume();
