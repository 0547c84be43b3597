// OpenAI wire formats (Chat Completions, Responses, Embeddings), as the API reference documents
// them: JSON bodies, `data: {chunk}` server-sent events ending with `data: [DONE]`, and the
// error body `{ error: { message, type, code } }`.

import type { Answer, SseEvent } from './server.js';

export const CHAT_MODEL = 'gpt-4o-mini-2024-07-18';

/** prompt 1200 (1024 cached), completion 300 (192 reasoning). */
export const CHAT_USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 300,
  total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

const TOOL_CALLS = [
  { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
  { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } },
];

/** `content`: the assistant's text (default 'Hello from the fake.'), e.g. the JSON of a structured answer. */
export function chatCompletion(opts: { tools?: boolean; content?: string } = {}): Answer {
  return {
    headers: { 'x-request-id': 'req_chat_1' },
    json: {
      id: 'chatcmpl-1', object: 'chat.completion', created: 1_764_000_000, model: CHAT_MODEL, system_fingerprint: 'fp_1',
      choices: [{
        index: 0, logprobs: null, finish_reason: opts.tools ? 'tool_calls' : 'stop',
        message: opts.tools ? { role: 'assistant', content: null, refusal: null, tool_calls: TOOL_CALLS }
          : { role: 'assistant', content: opts.content ?? 'Hello from the fake.', refusal: null },
      }],
      usage: CHAT_USAGE,
    },
  };
}

const chunk = (choices: unknown[], withUsageField: boolean, obfuscation?: string): Record<string, unknown> => ({
  id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1_764_000_000, model: CHAT_MODEL, system_fingerprint: 'fp_1',
  choices, ...(withUsageField ? { usage: null } : {}), ...(obfuscation === undefined ? {} : { obfuscation }),
});

/**
 * A streamed chat completion as OpenAI sends it for `request` (its stream_options decide the
 * usage chunk). `stopAfter`: send that many content chunks, then hold the connection open.
 * `obfuscation`: each chunk ends with OpenAI's padding field, after `usage`. `words`: the content
 * chunks. `failAfter`: after that many content chunks, the error event OpenAI sends when a
 * stream fails midway (`data: {"error": …}`), then the end of the stream.
 */
export function chatStream(request: any, opts: { tools?: boolean; stopAfter?: number; obfuscation?: boolean; words?: string[]; failAfter?: number } = {}): Answer {
  const usage = request?.stream_options?.include_usage === true;
  const events: SseEvent[] = [];
  const pad = (): string | undefined => (opts.obfuscation === true ? 'x'.repeat(1 + (events.length % 7)) : undefined);
  const push = (choices: unknown[]): void => void events.push({ data: chunk(choices, usage, pad()) });
  push([{ index: 0, delta: { role: 'assistant', content: opts.tools ? null : '', refusal: null }, logprobs: null, finish_reason: null }]);
  if (opts.tools) {
    TOOL_CALLS.forEach((t, i) => {
      push([{ index: 0, delta: { tool_calls: [{ index: i, id: t.id, type: 'function', function: { name: t.function.name, arguments: '' } }] }, logprobs: null, finish_reason: null }]);
      push([{ index: 0, delta: { tool_calls: [{ index: i, function: { arguments: t.function.arguments } }] }, logprobs: null, finish_reason: null }]);
    });
  } else {
    for (const word of opts.words ?? ['Hello', ' from', ' the', ' fake.']) push([{ index: 0, delta: { content: word }, logprobs: null, finish_reason: null }]);
  }
  if (opts.stopAfter !== undefined) return { sse: events.slice(0, 1 + opts.stopAfter), hold: true };
  if (opts.failAfter !== undefined) {
    return { sse: [...events.slice(0, 1 + opts.failAfter), { data: { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } } }] };
  }
  push([{ index: 0, delta: {}, logprobs: null, finish_reason: opts.tools ? 'tool_calls' : 'stop' }]);
  if (usage) {
    const padding = pad();
    events.push({ data: { ...chunk([], false), usage: CHAT_USAGE, ...(padding === undefined ? {} : { obfuscation: padding }) } });
  }
  events.push({ data: '[DONE]' });
  return { sse: events };
}

export const RESPONSES_MODEL = 'gpt-4.1-2025-04-14';

/** input 2000 (1500 cached), output 400 (256 reasoning), one function call. */
export function responseObject(status: 'completed' | 'in_progress' = 'completed'): Record<string, unknown> {
  const done = status === 'completed';
  return {
    id: 'resp_1', object: 'response', created_at: 1_764_000_000, status, model: RESPONSES_MODEL, error: null,
    output: done ? [
      { type: 'reasoning', id: 'rs_1', summary: [] },
      { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hi there.', annotations: [] }] },
      { type: 'function_call', id: 'fc_1', call_id: 'call_9', name: 'lookup', arguments: '{}', status: 'completed' },
    ] : [],
    usage: done ? {
      input_tokens: 2000, input_tokens_details: { cached_tokens: 1500 },
      output_tokens: 400, output_tokens_details: { reasoning_tokens: 256 }, total_tokens: 2400,
    } : null,
  };
}

export function responsesStream(opts: { stopAfter?: number } = {}): Answer {
  const events: SseEvent[] = [
    { event: 'response.created', data: { type: 'response.created', sequence_number: 0, response: responseObject('in_progress') } },
  ];
  ['Hi', ' there.'].forEach((delta, i) => events.push({ event: 'response.output_text.delta',
    data: { type: 'response.output_text.delta', sequence_number: i + 1, item_id: 'msg_1', output_index: 1, content_index: 0, delta } }));
  if (opts.stopAfter !== undefined) return { sse: events.slice(0, 1 + opts.stopAfter), hold: true };
  events.push({ event: 'response.completed', data: { type: 'response.completed', sequence_number: 3, response: responseObject() } });
  return { sse: events };
}

export const EMBED_MODEL = 'text-embedding-3-small';
export const EMBEDDING = [0.25, -0.5, 0.125];

/** An embeddings answer for `request`: base64 float32 when the SDK asks for base64 (its default). */
export function embeddings(request: any): Answer {
  const inputs = Array.isArray(request?.input) ? request.input : [request?.input];
  const encode = request?.encoding_format === 'base64'
    ? (): string => Buffer.from(new Float32Array(EMBEDDING).buffer).toString('base64')
    : (): number[] => EMBEDDING;
  return {
    json: {
      object: 'list', model: EMBED_MODEL,
      data: inputs.map((_: unknown, index: number) => ({ object: 'embedding', index, embedding: encode() })),
      usage: { prompt_tokens: 8 * inputs.length, total_tokens: 8 * inputs.length },
    },
  };
}

export function error(status: number, headers?: Record<string, string>): Answer {
  const type = status === 429 ? 'rate_limit_exceeded' : 'server_error';
  return { status, headers, json: { error: { message: `fake ${status}`, type, param: null, code: type } } };
}
