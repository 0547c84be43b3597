// An OpenAI-compatible gateway on node:http, recorded by ractogateway: `npm run gateway`.
//
//   client ──POST /v1/chat/completions──> this gateway ──instrumented OpenAI client──> upstream
//                                            │  exact-match cache (plain requests): a hit answers
//                                            │  at once and records cacheHit 'exact', 0 tokens
//                                            └─ RactoTracer: OTLP/HTTP when an endpoint is set,
//                                               else each span printed to stdout (console)
//
// The upstream is a fake OpenAI server (examples/upstream.mjs) started by this script in a
// child process, unless UPSTREAM_URL names a real one (then OPENAI_API_KEY is sent to it).
// Environment: PORT (default 8787), UPSTREAM_URL, OPENAI_API_KEY, and the OTel variables
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT (an OTLP/HTTP collector,
// e.g. http://localhost:4318). Stop it with Ctrl-C: it flushes the tracer and prints its stats.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { RactoTracer } from '../dist/index.js';
import { instrumentOpenAI } from '../dist/instrument/index.js';

const CACHE_ENTRIES = 1000;

/**
 * The gateway's request handler around an OpenAI client (instrumented or not). `tracer`, when
 * given, records the cache hits (the client's wrapper records everything else); `cache: false`
 * turns the exact-match cache off.
 */
export function createGateway(client, { tracer, cache = true } = {}) {
  // Exact match on the request body's bytes; oldest entry evicted first.
  const answers = new Map();
  return createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return sendError(res, 404, `no route ${req.method} ${req.url}`);
    const start = performance.now();
    const raw = await readBody(req);
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendError(res, 400, 'the body is not JSON');
    }
    const key = cache && body.stream !== true ? raw : undefined;
    const hit = key === undefined ? undefined : answers.get(key);
    if (hit !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-cache': 'exact' });
      res.end(hit);
      const end = performance.now();
      tracer?.recordChatSpan({ provider: 'openai', model: String(body.model), latencyMs: end - start, endTime: end, cacheHit: 'exact' });
      return;
    }
    // A client that goes away mid-stream aborts the upstream call (recorded as 'cancelled').
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    try {
      if (body.stream === true) {
        const stream = await client.chat.completions.create(body, { signal: abort.signal });
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for await (const chunk of stream) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        res.end('data: [DONE]\n\n');
      } else {
        const text = JSON.stringify(await client.chat.completions.create(body, { signal: abort.signal }));
        if (key !== undefined) {
          if (answers.size >= CACHE_ENTRIES) answers.delete(answers.keys().next().value);
          answers.set(key, text);
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-cache': 'miss' });
        res.end(text);
      }
    } catch (err) {
      if (res.headersSent) res.destroy();
      else sendError(res, typeof err?.status === 'number' ? err.status : 502, err?.message ?? String(err));
    }
  });
}

async function readBody(req) {
  const parts = [];
  for await (const b of req) parts.push(b);
  return Buffer.concat(parts).toString('utf8');
}

function sendError(res, status, message) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type: 'gateway_error', code: null } }));
}

/** Starts examples/upstream.mjs in a child process; resolves to its URL and a stop function. */
export async function startUpstream() {
  const child = spawn(process.execPath, [new URL('./upstream.mjs', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout, 'data');
  const { port } = JSON.parse(String(line).split('\n')[0]);
  return { url: `http://127.0.0.1:${port}`, stop: () => { child.stdin.end(); return once(child, 'exit'); } };
}

async function main() {
  const upstream = process.env.UPSTREAM_URL ? { url: process.env.UPSTREAM_URL, stop: async () => {} } : await startUpstream();
  const otlp = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracer = new RactoTracer({
    serviceName: 'example-gateway',
    ...(otlp ? { otlpHttpEndpoint: otlp } : { console: true }),
    // Prometheus /metrics from a worker thread (METRICS_PORT=0 picks a free port).
    prometheusPort: Number(process.env.METRICS_PORT ?? 9464),
  });
  const client = instrumentOpenAI(new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'fake-key', baseURL: `${upstream.url}/v1` }), tracer);
  const server = createGateway(client, { tracer });
  server.listen(Number(process.env.PORT ?? 8787), '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${server.address().port}/v1`;
  await tracer.ready();
  console.log(`gateway: forwarding to ${upstream.url}${process.env.UPSTREAM_URL ? '' : ' (fake upstream, child process)'}; spans to ${otlp ?? 'stdout'}`);
  console.log(`gateway: metrics at http://127.0.0.1:${tracer.prometheusPort}/metrics`);
  console.log(`gateway: point an OpenAI client at baseURL ${base}, e.g.`);
  console.log(`  curl -s ${base}/chat/completions -H 'content-type: application/json' -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'`);
  console.log(`  curl -sN ${base}/chat/completions -H 'content-type: application/json' -d '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}'`);
  const stop = async () => {
    server.close();
    await tracer.shutdown();
    await upstream.stop();
    console.log('gateway: stopped;', JSON.stringify(tracer.stats()));
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
