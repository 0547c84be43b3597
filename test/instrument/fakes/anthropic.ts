// Anthropic Messages wire formats, as the API reference documents them: the message JSON, the
// named server-sent events (message_start … message_stop, with `ping`), and the error body
// `{ type: 'error', error: { type, message } }`.

import type { Answer, SseEvent } from './server.js';

export const MODEL = 'claude-sonnet-4-6-20260101';

/** 20 uncached + 1000 cache read + 100 cache write input tokens; 50 output tokens. */
export const USAGE = { input_tokens: 20, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 50 };

const TOOL = { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } };

export function message(opts: { tools?: boolean } = {}): Answer {
  return {
    headers: { 'request-id': 'req_anthropic_1' },
    json: {
      id: 'msg_1', type: 'message', role: 'assistant', model: MODEL,
      content: opts.tools ? [{ type: 'text', text: 'Let me look.' }, TOOL] : [{ type: 'text', text: 'Hello from the fake.' }],
      stop_reason: opts.tools ? 'tool_use' : 'end_turn', stop_sequence: null, usage: USAGE,
    },
  };
}

const ev = (type: string, data: Record<string, unknown>): SseEvent => ({ event: type, data: { type, ...data } });

/** `stopAfter`: send message_start and that many text deltas, then hold the connection open. */
export function messageStream(opts: { tools?: boolean; stopAfter?: number } = {}): Answer {
  const events: SseEvent[] = [
    ev('message_start', { message: { id: 'msg_2', type: 'message', role: 'assistant', model: MODEL, content: [], stop_reason: null,
      stop_sequence: null, usage: { ...USAGE, output_tokens: 1 } } }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ev('ping', {}),
  ];
  const words = ['Hello', ' from', ' the', ' fake.'];
  if (opts.stopAfter !== undefined) {
    for (const text of words.slice(0, opts.stopAfter)) events.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }));
    return { sse: events, hold: true };
  }
  for (const text of words) events.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }));
  events.push(ev('content_block_stop', { index: 0 }));
  if (opts.tools) {
    events.push(ev('content_block_start', { index: 1, content_block: { ...TOOL, input: {} } }));
    events.push(ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": "Paris"}' } }));
    events.push(ev('content_block_stop', { index: 1 }));
  }
  events.push(ev('message_delta', { delta: { stop_reason: opts.tools ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: USAGE.output_tokens } }));
  events.push(ev('message_stop', {}));
  return { sse: events };
}

export function error(status: number, headers?: Record<string, string>): Answer {
  const type = status === 429 ? 'rate_limit_error' : 'api_error';
  return { status, headers, json: { type: 'error', error: { type, message: `fake ${status}` } } };
}
