// A minimal OTLP receiver for the benchmarks, run as a separate process on 127.0.0.1 so that
// it does not share the measured thread. Acknowledges every request at once, counting requests.
// Prints {"http": port, "grpc": port} on its first line.
import { createServer } from 'node:http';
import * as grpc from '@grpc/grpc-js';

let requests = 0;
const http = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    requests++;
    const json = String(req.headers['content-type']).includes('json');
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
  });
});
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));

const server = new grpc.Server();
const passthrough = (b) => b;
server.addService(
  {
    Export: {
      path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      requestStream: false,
      responseStream: false,
      requestSerialize: passthrough,
      requestDeserialize: passthrough,
      responseSerialize: passthrough,
      responseDeserialize: passthrough,
    },
  },
  {
    Export: (_call, callback) => {
      requests++;
      callback(null, Buffer.alloc(0));
    },
  },
);
const grpcPort = await new Promise((resolve, reject) =>
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
);
console.log(JSON.stringify({ http: http.address().port, grpc: grpcPort }));
process.on('message', () => process.send?.({ requests }));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
