// An OTLP/HTTP JSON span receiver on 127.0.0.1 for scripts/test-prometheus.mjs (node:http,
// JSON.parse, never the tracer's own code): the trace ids it got, so that the exemplars Prometheus
// returns can be checked to point at spans a collector received.
import { createServer } from 'node:http';

/** Resolves to { url, traceIds: Set<string>, close() }. */
export async function startJsonReceiver() {
  const traceIds = new Set();
  const server = createServer((req, res) => {
    const parts = [];
    req.on('data', (b) => parts.push(b));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
        for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) traceIds.add(s.traceId);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    traceIds,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
