// The OpenAI Chat Completions wire parser on canned answers (the fake provider's payloads as bytes).
import { describe, expect, it } from 'vitest';
import { parseWire } from '../../../src/worker/wire/index.js';
import * as fake from '../../instrument/fakes/openai.js';
import { ALL, exchange, NONE, withResponse } from './exchange.js';

const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const streamed = { ...request, stream: true, stream_options: { include_usage: true } };

describe('openai.chat', () => {
  it('reads a JSON completion: models, usage breakdown, id, finish reason', () => {
    const call = parseWire(exchange('openai.chat', request, fake.chatCompletion()), NONE);
    expect(call).toEqual({
      operation: 'chat', model: 'gpt-4o-mini', responseModel: fake.CHAT_MODEL, responseId: 'chatcmpl-1', finishReasons: ['stop'],
      inputTokens: 1200, outputTokens: 300, cachedInputTokens: 1024, cacheWriteTokens: 0, reasoningTokens: 192, toolCalls: 0,
      errorType: undefined, problem: undefined, content: undefined,
    });
  });

  it('counts the tool calls of a JSON completion and maps its content when captured', () => {
    const call = parseWire(exchange('openai.chat', request, fake.chatCompletion({ tools: true })), ALL);
    expect(call.toolCalls).toBe(2);
    expect(call.finishReasons).toEqual(['tool_call']);
    expect(call.content?.input).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    expect(call.content?.output).toEqual([{ role: 'assistant', finish_reason: 'tool_call', parts: [
      { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool_call', id: 'call_2', name: 'get_time', arguments: '{"tz":"CET"}' },
    ] }]);
  });

  it('reads a stream: usage from the last chunk, tool calls by index, text joined', () => {
    const call = parseWire(exchange('openai.chat', streamed, fake.chatStream(streamed, { tools: true })), ALL);
    expect(call).toMatchObject({ operation: 'stream', responseModel: fake.CHAT_MODEL, responseId: 'chatcmpl-2', inputTokens: 1200, outputTokens: 300, toolCalls: 2, finishReasons: ['tool_call'], problem: undefined });
    const text = parseWire(exchange('openai.chat', streamed, fake.chatStream(streamed)), ALL);
    expect(text.content?.output).toEqual([{ role: 'assistant', finish_reason: 'stop', parts: [{ type: 'text', content: 'Hello from the fake.' }] }]);
  });

  it('fails a stream on its error event with what was read before it', () => {
    const call = parseWire(exchange('openai.chat', streamed, fake.chatStream(streamed, { failAfter: 2 })), NONE);
    expect(call).toMatchObject({ operation: 'stream', errorType: 'APIError', responseId: 'chatcmpl-2', inputTokens: 0, problem: undefined });
  });

  it('names an HTTP error by the SDK class, and keeps the model asked for', () => {
    expect(parseWire(exchange('openai.chat', request, fake.error(429)), NONE)).toMatchObject({ errorType: 'RateLimitError', model: 'gpt-4o-mini', inputTokens: 0 });
    expect(parseWire(exchange('openai.chat', request, fake.error(503)), NONE)).toMatchObject({ errorType: 'InternalServerError' });
    expect(parseWire(exchange('openai.chat', request, { status: 418, json: { error: { type: 'rate_limit_exceeded' } } }), NONE).errorType).toBe('RateLimitError');
  });

  it('reads a cut stream up to its last whole event and says it was cut', () => {
    const ex = exchange('openai.chat', streamed, fake.chatStream(streamed));
    const cut = parseWire(withResponse(ex, ex.response.subarray(0, Math.floor(ex.response.length / 2)), true), NONE);
    expect(cut).toMatchObject({ problem: 'cut', responseId: 'chatcmpl-2', responseModel: fake.CHAT_MODEL, inputTokens: 0 });
  });

  it('reads the model from a request cut before its end', () => {
    const ex = exchange('openai.chat', { ...request, messages: [{ role: 'user', content: 'x'.repeat(1000) }] }, fake.chatCompletion());
    const call = parseWire({ ...ex, request: ex.request.subarray(0, 100), requestCut: true }, NONE);
    expect(call).toMatchObject({ model: 'gpt-4o-mini', inputTokens: 1200, problem: undefined });
    expect(parseWire({ ...ex, request: ex.request.subarray(0, 100), requestCut: true }, ALL).problem).toBe('cut');
  });
});
