// Runtime checks, part 4: the provider wrappers (`ractogateway/instrument`) on the real SDK
// clients (the root's majors) against the fake providers of test/instrument/fakes/.
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { instrumentAnthropic, instrumentGoogleGenAI, instrumentOpenAI, RactoTracer } from './pkg.js';
import * as fakeAnthropic from '../instrument/fakes/anthropic.js';
import * as fakeGoogle from '../instrument/fakes/google.js';
import * as fakeOpenAI from '../instrument/fakes/openai.js';
import { startFakeProvider } from '../instrument/fakes/server.js';
import { check, waitFor } from './harness.js';

const messages = [{ role: 'user' as const, content: 'hi' }];

export async function instrumentChecks(): Promise<void> {
  const server = await startFakeProvider();
  const tracer = new RactoTracer({ inMemory: true });
  try {
    const openai = instrumentOpenAI(new OpenAI({ apiKey: 'k', baseURL: `${server.url}/v1`, maxRetries: 0 }), tracer);
    await check('instrument: an openai chat completion is recorded with its usage', async () => {
      server.answer(fakeOpenAI.chatCompletion());
      const res = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
      assert.equal(res.choices[0]!.message.content, 'Hello from the fake.');
      const s = tracer.spans.at(-1)!;
      assert.deepEqual([s.provider, s.model, s.responseModel, s.operation, s.inputTokens, s.outputTokens, s.cachedInputTokens],
        ['openai', 'gpt-4o-mini', fakeOpenAI.CHAT_MODEL, 'chat', 1200, 300, 1024]);
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
