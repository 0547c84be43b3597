// instrumentOpenAI: records the calls of an `openai` client instance (chat.completions.create,
// responses.create, embeddings.create; plain and streamed). Main thread. The SDK is never
// imported: the client's resource objects get an own `create` that calls the SDK's.

import { markRequests } from './fetch-marker.js';
import type { RactoTracer } from '../index.js';
import { chatUsage } from '../providers/openai-chat.js';
import { responsesUsage } from '../providers/openai-responses.js';
import { callOf, CallRecord, type AnswerReader } from './call.js';
import { ChatStreamAnswer, chatAnswer, chatRequest, RESPONSES_STREAM, responsesAnswer, responsesRequest } from './openai-content.js';
import { checkClient, checkTracer, clientContext, resolveInstrumentOptions, type InstrumentOptions, type ResolvedInstrumentOptions } from './options.js';
import { plainCallOf } from './plain-call.js';
import { observeAPIPromise } from './stainless.js';
import { StreamCall } from './stream.js';
import { arrayOr, count } from './usage.js';
import { wrapMethod } from './wrap.js';

interface OpenAILike {
  chat: { completions: object };
  embeddings?: object;
  responses?: object;
}

/** Wraps `client` in place (and returns it): each call is recorded on `tracer` when it ends. */
export function instrumentOpenAI<C extends object>(client: C, tracer: RactoTracer, options?: InstrumentOptions): C {
  checkClient(client, 'an OpenAI client instance (new OpenAI())', (c) => typeof c.chat?.completions?.create === 'function');
  checkTracer(tracer);
  // Content and response fields: the tracer's capture and the client's server, read once.
  const opts = { ...resolveInstrumentOptions(options, 'openai'), ...clientContext(tracer, (client as { baseURL?: unknown }).baseURL) };
  const c = client as unknown as OpenAILike;
  // One call, one span: the wire capture leaves this client's requests to the wrapper.
  markRequests(client, 'fetch');
  wrapMethod(c.chat.completions, 'create', (create) => function (this: unknown, body: any, reqOptions?: unknown) {
    return chatCompletion(create, this, body, reqOptions, tracer, opts);
  });
  if (c.responses !== undefined) {
    wrapMethod(c.responses, 'create', (create) => function (this: unknown, body: any, reqOptions?: unknown) {
      const call = body?.stream === true ? callOf(StreamCall, tracer, opts, 'stream', RESPONSES, body) : plainCallOf(tracer, opts, 'chat', RESPONSES, body);
      return observeAPIPromise(create.call(this, body, reqOptions), call);
    });
  }
  if (c.embeddings !== undefined) {
    wrapMethod(c.embeddings, 'create', (create) => function (this: unknown, body: any, reqOptions?: unknown) {
      return observeAPIPromise(create.call(this, body, reqOptions), plainCallOf(tracer, opts, 'embed', EMBEDDINGS, body));
    });
  }
  return client;
}

function chatCompletion(create: Function, self: unknown, body: any, reqOptions: unknown, tracer: RactoTracer, opts: ResolvedInstrumentOptions): unknown {
  if (body?.stream !== true) return observeAPIPromise(create.call(self, body, reqOptions), plainCallOf(tracer, opts, 'chat', CHAT, body));
  const call = callOf(StreamCall, tracer, opts, 'stream', CHAT, body);
  // Streams report usage only when asked; ask for it when the caller did not, and keep the
  // answer (a final chunk with no choices, `usage: null` on the others) out of their loop;
  // unless options.streamUsage is false (a server that refuses the option).
  call.addedUsage = opts.streamUsage && body.stream_options?.include_usage !== true;
  const sent = call.addedUsage ? { ...body, stream_options: { ...body.stream_options, include_usage: true } } : body;
  return observeAPIPromise(create.call(self, sent, reqOptions), call);
}

const CHAT: AnswerReader = {
  request: chatRequest,
  answer(call, data) {
    call.answeredBy(data?.model);
    if (data?.usage != null) chatUsage(call, data.usage);
    let tools = 0;
    // Index loops: a for-of here kept an iterator object per call (issue 28).
    const choices = arrayOr(data?.choices);
    for (let i = 0; i < choices.length; i++) tools += arrayOr(choices[i]?.message?.tool_calls).length;
    call.toolCalls = tools;
    chatAnswer(call, data);
  },
  chunk(call, chunk) {
    if (chunk == null) return chunk;
    call.answeredBy(chunk.model);
    ((call.answer ??= new ChatStreamAnswer(call.capture.output)) as ChatStreamAnswer).chunk(chunk);
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      for (let i = 0; i < choices.length; i++) {
        const tools = choices[i]?.delta?.tool_calls;
        if (Array.isArray(tools) && tools.length !== 0) countStreamedTools(call, choices[i], tools);
      }
    }
    const usage = chunk.usage;
    if (usage != null) chatUsage(call, usage);
    if (!call.addedUsage) return chunk;
    // The answer to the usage the wrapper asked for: the usage-only chunk is hidden, and the
    // other chunks reach the caller without their `usage: null` (a copy, so that the object the
    // caller holds stays a fast-mode object, whatever field follows `usage`).
    if (usage != null) return Array.isArray(choices) && choices.length === 0 ? undefined : chunk;
    return usage === null ? withoutUsage(chunk) : chunk;
  },
};

/** Streamed tool calls arrive in pieces; each has an index within its choice, counted once. */
function countStreamedTools(call: CallRecord, choice: any, tools: any[]): void {
  const seen = (call.toolKeys ??= new Set<number>());
  for (const t of tools) seen.add(count(choice.index) * 65536 + count(t?.index));
  call.toolCalls = seen.size;
}

function withoutUsage(chunk: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in chunk) if (key !== 'usage') out[key] = chunk[key];
  return out;
}

const RESPONSES: AnswerReader = {
  request: responsesRequest,
  answer(call, data) {
    call.answeredBy(data?.model);
    responsesUsage(call, data);
    responsesAnswer(call, data);
  },
  chunk(call, event) {
    const response = event?.response;
    if (response != null) {
      call.last = response;
      call.answer = RESPONSES_STREAM;
      call.answeredBy(response.model);
    }
    const type = event?.type;
    if (type === 'response.failed' || type === 'error') call.failure = new ResponseFailed(response?.error?.code ?? event?.code);
    return event;
  },
  end(call) {
    responsesUsage(call, call.last);
  },
};

const EMBEDDINGS: AnswerReader = {
  answer(call, data) {
    call.answeredBy(data?.model);
    call.inputTokens = count(data?.usage?.prompt_tokens);
  },
  chunk: (_call, chunk) => chunk,
};

/** A streamed response that ended with `response.failed` or an `error` event: its errorType. */
class ResponseFailed extends Error {
  constructor(code: unknown) {
    super(typeof code === 'string' ? code : 'response failed');
  }
}
