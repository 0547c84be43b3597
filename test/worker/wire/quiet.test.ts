// Which stream chunks the parsers may leave unparsed when output is not captured (quiet.ts).
import { describe, expect, it } from 'vitest';
import { quietChatChunk, quietGeminiChunk } from '../../../src/worker/wire/quiet.js';

const chunk = (choice: object, extra: object = {}): string =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, logprobs: null, ...choice }], ...extra });

describe('quietChatChunk', () => {
  it('takes a text delta with null finish reason and usage (or none) as quiet, whatever its text says', () => {
    expect(quietChatChunk(chunk({ delta: { content: 'hi' }, finish_reason: null }, { usage: null }))).toBe(true);
    expect(quietChatChunk(chunk({ delta: { content: 'hi' } }))).toBe(true);
    // Keys named inside the text have their quotes escaped.
    expect(quietChatChunk(chunk({ delta: { content: 'say "usage": {} and "tool_calls": [1]' }, finish_reason: null }))).toBe(true);
  });

  it('takes a tool call, a finish reason, usage or an error as loud, with the spacing of any server', () => {
    expect(quietChatChunk(chunk({ delta: { tool_calls: [{ index: 0 }] }, finish_reason: null }))).toBe(false);
    expect(quietChatChunk(chunk({ delta: {}, finish_reason: 'stop' }))).toBe(false);
    expect(quietChatChunk('{"choices": [{"delta": {}, "finish_reason": "length"}], "usage": null}')).toBe(false);
    expect(quietChatChunk('{"choices": [], "usage" :\n {"prompt_tokens": 3}}')).toBe(false);
    expect(quietChatChunk('{"error": {"message": "x"}}')).toBe(false);
    expect(quietChatChunk(chunk({ delta: { function_call: { name: 'f' } }, finish_reason: null }))).toBe(false);
  });
});

describe('quietGeminiChunk', () => {
  it('takes a text chunk as quiet and a function call, a finish reason or an error as loud', () => {
    const text = { candidates: [{ content: { role: 'model', parts: [{ text: 'a "functionCall"' }] }, index: 0 }], usageMetadata: { promptTokenCount: 3 } };
    expect(quietGeminiChunk(JSON.stringify(text))).toBe(true);
    expect(quietGeminiChunk(JSON.stringify({ candidates: [{ content: { parts: [{ functionCall: { name: 'f' } }] } }] }))).toBe(false);
    expect(quietGeminiChunk(JSON.stringify({ candidates: [{ content: { parts: [] }, finishReason: 'STOP' }] }))).toBe(false);
    expect(quietGeminiChunk('{"error": {"code": 429}}')).toBe(false);
  });
});
