// The providers zone (src/providers/), the one reading of the providers' JSON that the wrappers
// and the wire parsers share: the rules both doors rely on, on plain values. The wrappers' tests
// (test/instrument/) and the wire parity table (test/worker/wire/sdk-parity.test.ts) hold the two
// doors to these readings through the real SDKs; these pin the edge cases the SDKs never send.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messagesUsage } from '../../src/providers/anthropic.js';
import { ChatStreamReader } from '../../src/providers/openai-chat.js';
import { finishListOf, finishReason, streamIndex, urlPart, type AnswerFields, type TokenFields } from '../../src/providers/parts.js';

const fields = (): AnswerFields => ({ responseId: undefined, finishReasons: undefined });
const tokens = (): TokenFields => ({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, toolCalls: 0 });

describe('urlPart', () => {
  it('reads a data: URL as the RFC 2397 grammar does (mime type before the first ; or , and the content after the first ,)', () => {
    // An independent oracle: the grammar as one regular expression.
    const oracle = (url: string): unknown => {
      const m = /^data:([^;,]*)(?:;[^,]*)?,(.*)$/s.exec(url);
      return m === null ? { type: 'uri', modality: 'image', uri: url } : { type: 'blob', modality: 'image', mime_type: m[1] || null, content: m[2] };
    };
    const piece = fc.constantFrom('data:', ';', ',', 'image/png', 'base64', 'a', '\n', '=');
    fc.assert(fc.property(fc.boolean(), fc.array(piece, { maxLength: 8 }), (scheme, pieces) => {
      const url = (scheme ? 'data:' : '') + pieces.join('');
      expect(urlPart(url, 'image')).toEqual(oracle(url));
    }), { seed: 2028, numRuns: 500 });
  });
});

describe('streamIndex', () => {
  it('keeps an integer index in range and falls back for anything else', () => {
    expect([0, 5, 127].map((i) => streamIndex(i, 9))).toEqual([0, 5, 127]);
    expect([1.5, -1, 128, Number.NaN, '1', null].map((i) => streamIndex(i, 9))).toEqual([9, 9, 9, 9, 9, 9]);
  });
});

describe('finish reasons', () => {
  it('names them in the conventions\' words, keeping an unknown one as given', () => {
    expect(['tool_calls', 'end_turn', 'MAX_TOKENS', 'tool-calls', 'made_up', '', 7].map(finishReason)).toEqual(['tool_call', 'stop', 'length', 'tool_call', 'made_up', undefined, undefined]);
  });

  it('gives one answer\'s reasons as one shared list, several in their order without the missing ones', () => {
    const one = finishListOf([{ r: 'stop' }], (x) => x.r);
    expect(one).toEqual(['stop']);
    expect(finishListOf([{ r: 'stop' }], (x) => x.r)).toBe(one);
    expect(Object.isFrozen(one)).toBe(true);
    expect(finishListOf([{ r: 'length' }, { r: undefined }, { r: 'stop' }], (x) => x.r)).toEqual(['length', 'stop']);
  });
});

describe('ChatStreamReader', () => {
  it('passes over a choice or tool call that is not an object and reads the rest', () => {
    const reader = new ChatStreamReader(true);
    reader.chunk({ id: 'c1', choices: [null, { index: 0, delta: { role: 'assistant', content: 'Hel', tool_calls: [null, { index: 0, id: 't', function: { name: 'f', arguments: '{' } }] } }] });
    reader.chunk({ choices: [{ index: 0, delta: { content: 'lo', tool_calls: [{ index: 0, function: { arguments: '}' } }] }, finish_reason: 'tool_calls' }] });
    const into = fields();
    const output = reader.answer(into);
    expect(reader.seen).toBe(true);
    expect(into).toEqual({ responseId: 'c1', finishReasons: ['tool_call'] });
    expect(output).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello' }, { type: 'tool_call', id: 't', name: 'f', arguments: '{}' }], finish_reason: 'tool_call' }]);
  });

  it('returns no messages when output is not captured, and says it read nothing before a chunk', () => {
    const reader = new ChatStreamReader(false);
    expect(reader.seen).toBe(false);
    reader.chunk({ id: 'c2', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] });
    const into = fields();
    expect(reader.answer(into)).toBeUndefined();
    expect(into).toEqual({ responseId: 'c2', finishReasons: ['stop'] });
  });
});

describe('messagesUsage', () => {
  it('counts cache reads and writes as input and keeps what a later event leaves out', () => {
    const t = tokens();
    let fresh = messagesUsage(t, 0, { input_tokens: 10, cache_read_input_tokens: 30, cache_creation_input_tokens: 5, output_tokens: 1 });
    fresh = messagesUsage(t, fresh, { output_tokens: 42 });
    expect(fresh).toBe(10);
    expect(t).toMatchObject({ inputTokens: 45, cachedInputTokens: 30, cacheWriteTokens: 5, outputTokens: 42 });
    expect(messagesUsage(t, fresh, undefined)).toBe(10);
  });
});
