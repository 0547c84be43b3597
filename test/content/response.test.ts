// The response fields of a call (the answered model, the response id, the finish reasons, the
// server), read back in memory; the OTLP side is in test/e2e/content.test.ts.
import { describe, expect, it } from 'vitest';
import { expectThrows } from '../helpers.js';
import { RactoTracer } from '../pkg.js';

const base = { provider: 'azure', model: 'my-deployment', latencyMs: 5, inputTokens: 1_000_000, outputTokens: 0 };

describe('response fields', () => {
  it('are on the SpanRecord beside the model asked for', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...base, responseModel: 'gpt-4o-2024-08-06', responseId: 'chatcmpl-9x', finishReasons: ['stop', 'length'],
      serverAddress: 'my.openai.azure.com', serverPort: 443 });
    expect(t.spans[0]).toMatchObject({ model: 'my-deployment', responseModel: 'gpt-4o-2024-08-06', responseId: 'chatcmpl-9x',
      finishReasons: ['stop', 'length'], serverAddress: 'my.openai.azure.com', serverPort: 443 });
  });

  it('are null (and no finish reason) when the call has none', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...base, responseModel: null, responseId: null, finishReasons: [], serverAddress: null, serverPort: null });
    expect(t.spans[0]).toMatchObject({ responseModel: null, responseId: null, finishReasons: [], serverAddress: null, serverPort: null });
  });

  it('price the call by the model that answered (a deployment name has no price)', () => {
    const t = new RactoTracer({ inMemory: true, priceTable: { 'answering-model': { inputPerMillion: 2, outputPerMillion: 8 } } });
    t.recordChatSpan(base);
    t.recordChatSpan({ ...base, responseModel: 'answering-model' });
    expect(t.spans.map((s) => [s.priceSource, s.costUsd])).toEqual([['unpriced', 0], ['custom', 2]]);
  });

  it('carry the answered model and the server on embedding calls', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordEmbedSpan({ provider: 'openai', model: 'text-embedding-3-small', latencyMs: 2, responseModel: 'text-embedding-3-small-v2',
      serverAddress: 'api.openai.com', serverPort: 443 });
    expect(t.spans[0]).toMatchObject({ responseModel: 'text-embedding-3-small-v2', serverAddress: 'api.openai.com', serverPort: 443, responseId: null });
  });

  it('keep every response id whole: ids never go through the bounded string table', () => {
    const t = new RactoTracer({ inMemory: true, maxStrings: 16 });
    for (let i = 0; i < 200; i++) t.recordChatSpan({ ...base, responseId: `resp_${i.toString(16).padStart(48, '0')}` });
    expect(t.spans.map((s) => s.responseId)).toEqual(Array.from({ length: 200 }, (_, i) => `resp_${i.toString(16).padStart(48, '0')}`));
    expect(t.stats().stringsFolded).toBe(0);
  });

  it('take a response id of up to 96 bytes of UTF-8, in any script', () => {
    const t = new RactoTracer({ inMemory: true });
    for (const id of ['x'.repeat(96), 'é'.repeat(48), '日'.repeat(32), '🎉'.repeat(24)]) t.recordChatSpan({ ...base, responseId: id });
    expect(t.spans.map((s) => s.responseId)).toEqual(['x'.repeat(96), 'é'.repeat(48), '日'.repeat(32), '🎉'.repeat(24)]);
  });

  it.each([
    ['call.responseModel must be a non-empty string (received 4)', { responseModel: 4 }, TypeError],
    ['call.responseModel must be a string of 1 to 256 characters (received "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm…" (257 chars))', { responseModel: 'm'.repeat(257) }, RangeError],
    ['call.responseId must be a string (received 12)', { responseId: 12 }, TypeError],
    ['call.responseId must be a string of 1 to 96 bytes (UTF-8) (received "")', { responseId: '' }, RangeError],
    ['call.responseId must be a string of 1 to 96 bytes (UTF-8) (received "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" (97 chars))', { responseId: 'x'.repeat(97) }, RangeError],
    ['call.responseId must be a string of 1 to 96 bytes (UTF-8) (received "日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日日")', { responseId: '日'.repeat(33) }, RangeError],
    ['call.finishReasons must be an array of strings (received "stop")', { finishReasons: 'stop' }, TypeError],
    ['call.finishReasons[1] must be a non-empty string (received 3)', { finishReasons: ['stop', 3] }, TypeError],
    ['call.finishReasons[0] must be a string without U+001F (received "a\\u001fb")', { finishReasons: ['a\u001fb'] }, RangeError],
    ['call.finishReasons must be at most 16 reasons (received 17)', { finishReasons: new Array(17).fill('stop') }, RangeError],
    ['call.serverAddress must be a non-empty string (received false)', { serverAddress: false }, TypeError],
    ['call.serverPort must be a port number (received "443")', { serverPort: '443' }, TypeError],
    ['call.serverPort must be an integer between 1 and 65535 (received 70000)', { serverPort: 70_000 }, RangeError],
  ])('refuses the call and records nothing: %s', (message, fields, Type) => {
    const t = new RactoTracer({ inMemory: true });
    expectThrows(() => t.recordChatSpan({ ...base, ...fields } as never), Type, message);
    expect(t.stats().recorded).toBe(0);
  });

  it('checks the response fields of an embedding call too', () => {
    const t = new RactoTracer({ inMemory: true });
    expectThrows(() => t.recordEmbedSpan({ provider: 'openai', model: 'e', latencyMs: 1, serverPort: 0 }), RangeError,
      'call.serverPort must be an integer between 1 and 65535 (received 0)');
  });
});
