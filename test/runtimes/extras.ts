// Runtime checks, part 4: what a gateway on Bun or Deno uses beside the tracer itself. The
// provider wrappers (`ractogateway/instrument`) on the real SDK clients (the root's majors)
// against the fake providers of test/instrument/fakes/, GET /metrics served from a worker, and
// the disk spool keeping spans while the collector is down.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { RactoTracer } from '../pkg.js';
import { instrumentAnthropic, instrumentGoogleGenAI, instrumentOpenAI } from '../../dist/instrument/index.js';
import { startHttpReceiver } from '../e2e/receivers.js';
import * as fakeAnthropic from '../instrument/fakes/anthropic.js';
import * as fakeGoogle from '../instrument/fakes/google.js';
import * as fakeOpenAI from '../instrument/fakes/openai.js';
import { refusedUrl, startFakeProvider } from '../instrument/fakes/server.js';
import { check, waitFor } from './harness.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

async function instrumentChecks(): Promise<void> {
  const server = await startFakeProvider();
  const tracer = new RactoTracer({ inMemory: true });
  try {
    const openai = instrumentOpenAI(new OpenAI({ apiKey: 'k', baseURL: `${server.url}/v1`, maxRetries: 0 }), tracer);
    await check('instrument: an openai chat completion is recorded with its usage', async () => {
      server.answer(fakeOpenAI.chatCompletion());
      const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
      assert.equal(res.choices[0]!.message.content, 'Hello from the fake.');
      const s = tracer.spans.at(-1)!;
      assert.deepEqual([s.provider, s.model, s.operation, s.inputTokens, s.outputTokens, s.cachedInputTokens], ['openai', fakeOpenAI.CHAT_MODEL, 'chat', 1200, 300, 1024]);
    });
    await check('instrument: an openai stream passes every chunk on and is recorded once at its end, usage included', async () => {
      server.answer((body) => fakeOpenAI.chatStream(body));
      let text = '';
      for await (const c of await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })) text += c.choices[0]?.delta?.content ?? '';
      assert.equal(text, 'Hello from the fake.');
      const s = tracer.spans.at(-1)!;
      assert.deepEqual([tracer.spans.length, s.operation, s.inputTokens, s.outputTokens, s.status], [2, 'stream', 1200, 300, 'ok']);
    });
    const anthropic = instrumentAnthropic(new Anthropic({ apiKey: 'k', baseURL: server.url, maxRetries: 0 }), tracer);
    await check('instrument: an anthropic MessageStream is recorded once, its helpers still work', async () => {
      server.answer(fakeAnthropic.messageStream());
      const final = await anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 64, messages }).finalMessage();
      assert.equal(final.usage.output_tokens, 50);
      const s = tracer.spans.at(-1)!;
      const input = fakeAnthropic.USAGE.input_tokens + fakeAnthropic.USAGE.cache_read_input_tokens + fakeAnthropic.USAGE.cache_creation_input_tokens;
      assert.deepEqual([tracer.spans.length, s.provider, s.operation, s.inputTokens, s.outputTokens], [3, 'anthropic', 'stream', input, 50]);
    });
    const google = instrumentGoogleGenAI(new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server.url } }), tracer);
    await check('instrument: a @google/genai call that fails with HTTP 429 is recorded as ApiError and rethrown', async () => {
      server.answer(fakeGoogle.error(429));
      await assert.rejects(google.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }), (err: Error) => err.constructor.name === 'ApiError');
      assert.ok(await waitFor(() => tracer.spans.length === 4, 2_000));
      assert.deepEqual([tracer.spans[3]!.provider, tracer.spans[3]!.status, tracer.spans[3]!.errorType], ['google', 'error', 'ApiError']);
    });
  } finally {
    await tracer.shutdown();
    await server.close();
  }
}

async function prometheusCheck(): Promise<void> {
  const tracer = new RactoTracer({ prometheusPort: 0, scheduledDelayMillis: 20 });
  try {
    await check('metrics: GET /metrics, served by a worker thread, counts the calls', async () => {
      assert.equal(await tracer.ready(), true);
      for (let i = 0; i < 3; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 5 });
      await tracer.flush();
      const res = await fetch(`http://127.0.0.1:${tracer.prometheusPort}/metrics`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /^ractogateway_requests_total\{provider="openai",model="gpt-4o",operation="chat",status="ok"\} 3$/m);
    });
  } finally {
    await tracer.shutdown();
  }
}

async function spoolCheck(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'racto-runtime-spool-'));
  // A port with nothing listening yet: the collector is down, then starts there.
  const port = Number(new URL(await refusedUrl()).port);
  const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, spoolDir: dir, exportTimeoutMillis: 300, scheduledDelayMillis: 20 });
  try {
    await tracer.ready();
    for (let i = 0; i < 500; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, inputTokens: i });
    await tracer.flush();
    const down = tracer.stats();
    await check('spool: while the collector is down, the spans wait on disk (spooled, pending), none failed', () => {
      assert.deepEqual([down.recorded, down.exported, down.failed, down.spooled, down.pending], [500, 0, 0, 500, 500]);
      assert.ok(readdirSync(dir).some((f) => f.endsWith('.seg')), 'no segment file');
    });
    const receiver = await startHttpReceiver({ port });
    await check('spool: once the collector is back, each spooled span is delivered once and the disk emptied', async () => {
      assert.ok(await waitFor(() => tracer.stats().exported === 500 && tracer.stats().spool.bytes === 0, 30_000), JSON.stringify(tracer.stats()));
      const got = receiver.spans.map((s) => Number(s.attributes['llm.input_tokens'])).sort((a, b) => a - b);
      assert.deepEqual(got, Array.from({ length: 500 }, (_, i) => i));
      const st = tracer.stats();
      assert.deepEqual([st.spooled, st.pending, st.failed], [0, 0, 0]);
    });
    await tracer.shutdown();
    await receiver.close();
  } finally {
    await tracer.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function extraChecks(): Promise<void> {
  await instrumentChecks();
  await prometheusCheck();
  await spoolCheck();
}
