// `npm run gateway` end to end: examples/gateway.mjs in its own process (with its fake upstream
// in a child process), a real OpenAI client pointed at it, spans exported over OTLP/HTTP to a
// real receiver.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type Receiver } from '../e2e/receivers.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startHttpReceiver();
});
afterAll(() => receiver.close());

describe('examples/gateway.mjs', () => {
  it('proxies plain and streamed chat completions, answers repeats from its cache, and exports a span for each', async () => {
    const child = spawn(process.execPath, ['examples/gateway.mjs'], {
      env: { ...process.env, PORT: '0', METRICS_PORT: '0', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url, UPSTREAM_URL: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      await run(child, () => out);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

/** Drives the running gateway `child` whose stdout so far is `out()`. */
async function run(child: ReturnType<typeof spawn>, out: () => string): Promise<void> {
  while (!/baseURL (http\S+\/v1)/.test(out())) await once(child.stdout!, 'data');
  const baseURL = /baseURL (http\S+\/v1)/.exec(out())![1]!;
  const client = new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0 });
  const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

  const first = await client.chat.completions.create(body).withResponse();
  const second = await client.chat.completions.create(body).withResponse();
  expect(first.response.headers.get('x-cache')).toBe('miss');
  expect(second.response.headers.get('x-cache')).toBe('exact');
  expect(second.data).toEqual(first.data);
  const stream = await client.chat.completions.create({ ...body, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  expect(text).toBe('Hello from the fake upstream.');

  // The metrics endpoint the gateway printed counts the three calls, one answered from the cache.
  const metricsUrl = /metrics at (http\S+\/metrics)/.exec(out())![1]!;
  let metrics = '';
  const deadline = Date.now() + 5_000;
  while (!metrics.includes('ractogateway_cache_hits_total{cache_type="exact"} 1') && Date.now() < deadline) {
    metrics = await (await fetch(metricsUrl)).text();
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(metrics).toContain('ractogateway_cache_hits_total{cache_type="exact"} 1');
  expect(metrics).toContain('ractogateway_requests_total{provider="openai",model="gpt-4o-mini",operation="stream",status="ok"} 1');

  child.kill('SIGTERM');
  await once(child, 'exit');
  expect(out()).toMatch(/gateway: stopped; .*"exported":3/);
  const spans = receiver.spans.map((s) => [s.attributes['llm.operation'], s.attributes['llm.cache_hit'], s.attributes['llm.input_tokens']]);
  expect(spans).toEqual([['chat', 'miss', first.data.usage!.prompt_tokens], ['chat', 'exact', 0], ['stream', 'miss', first.data.usage!.prompt_tokens]]);
}
