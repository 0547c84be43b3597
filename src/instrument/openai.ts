// instrumentOpenAI: records the calls of an `openai` client instance (chat.completions.create,
// responses.create, embeddings.create; plain and streamed). Main thread. The SDK is never
// imported: the client's resource objects get an own `create` that calls the SDK's.

import type { RactoTracer } from '../index.js';
import { CallRecord } from './call.js';
import { checkClient, checkTracer, clientContext, resolveInstrumentOptions, type InstrumentOptions, type ResolvedInstrumentOptions } from './options.js';
import { ChatStreamContent, chatRequest, chatResponse, responsesRequest, responsesResponse } from './openai-content.js';
import { wrapMethod } from './wrap.js';
import { observeAPIPromise } from './stainless.js';
import { observeStainlessStream, type StreamObserver } from './stream.js';
import { count, emptyUsage, type Usage } from './usage.js';

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
  wrapMethod(c.chat.completions, 'create', (create) => function (this: unknown, body: any, reqOptions?: unknown) {
    return chatCompletion(create, this, body, reqOptions, tracer, opts);
  });
  if (c.responses !== undefined) {
    wrapMethod(c.responses, 'create', (create) => function (this: unknown, body: any, reqOptions?: unknown) {
      const stream = body?.stream === true;
      const call = new CallRecord(tracer, opts, stream ? 'stream' : 'chat', body?.model, body);
      call.captureRequest(responsesRequest, body);
      return observeAPIPromise(create.call(this, body, reqOptions), call, (data: any) => {
        if (stream) return observeStainlessStream(data, call, responsesObserver(call));
        call.answeredBy(data?.model);
        call.respond(responsesResponse, data);
        call.ok(responsesUsage(data));
        return data;
      });
    });
  }
  if (c.embeddings !== undefined) {
    wrapMethod(c.embeddings, 'create', (create) => function (this: unknown, body: any, reqOptions?: unknown) {
      const call = new CallRecord(tracer, opts, 'embed', body?.model, body);
      return observeAPIPromise(create.call(this, body, reqOptions), call, (data: any) => {
        call.answeredBy(data?.model);
        const u = emptyUsage();
        u.input = count(data?.usage?.prompt_tokens);
        call.ok(u);
        return data;
      });
    });
  }
  return client;
}

function chatCompletion(create: Function, self: unknown, body: any, reqOptions: unknown, tracer: RactoTracer, opts: ResolvedInstrumentOptions): unknown {
  const stream = body?.stream === true;
  const call = new CallRecord(tracer, opts, stream ? 'stream' : 'chat', body?.model, body);
  call.captureRequest(chatRequest, body);
  // Streams report usage only when asked; ask for it when the caller did not, and keep the
  // answer (a final chunk with no choices, `usage: null` on the others) out of their loop;
  // unless options.streamUsage is false (a server that refuses the option).
  const addUsage = stream && opts.streamUsage && body.stream_options?.include_usage !== true;
  const sent = addUsage ? { ...body, stream_options: { ...body.stream_options, include_usage: true } } : body;
  return observeAPIPromise(create.call(self, sent, reqOptions), call, (data: any) => {
    if (stream) return observeStainlessStream(data, call, chatChunkObserver(call, addUsage));
    call.answeredBy(data?.model);
    const u = chatUsage(data?.usage);
    for (const choice of arrayOr(data?.choices)) u.toolCalls += arrayOr(choice?.message?.tool_calls).length;
    call.respond(chatResponse, data);
    call.ok(u);
    return data;
  });
}

/** Chat Completions usage: prompt_tokens include the cached ones, completion_tokens the reasoning ones. */
function chatUsage(usage: any): Usage {
  const u = emptyUsage();
  if (usage == null) return u;
  u.input = count(usage.prompt_tokens);
  u.output = count(usage.completion_tokens);
  u.cached = count(usage.prompt_tokens_details?.cached_tokens);
  u.reasoning = count(usage.completion_tokens_details?.reasoning_tokens);
  return u;
}

function chatChunkObserver(call: CallRecord, addedUsage: boolean): StreamObserver<any> {
  let usage = emptyUsage();
  // Tool calls arrive in pieces; each has an index within its choice.
  const tools = new Set<number>();
  const content = new ChatStreamContent(call.capture);
  return {
    chunk(chunk) {
      if (chunk?.model) call.answeredBy(chunk.model);
      content.chunk(chunk);
      const choices = arrayOr(chunk?.choices);
      for (const choice of choices) {
        for (const t of arrayOr(choice?.delta?.tool_calls)) tools.add(count(choice.index) * 65536 + count(t?.index));
      }
      if (chunk?.usage != null) usage = chatUsage(chunk.usage);
      if (!addedUsage) return true;
      if (choices.length === 0 && chunk?.usage != null) return false;
      if (chunk?.usage === null) delete chunk.usage;
      return true;
    },
    usage() {
      usage.toolCalls = tools.size;
      return usage;
    },
    end: () => call.respond(() => content.result(), undefined),
  };
}

/** Responses API usage: input_tokens include the cached ones, output_tokens the reasoning ones. */
function responsesUsage(response: any): Usage {
  const u = emptyUsage();
  const usage = response?.usage;
  if (usage != null) {
    u.input = count(usage.input_tokens);
    u.output = count(usage.output_tokens);
    u.cached = count(usage.input_tokens_details?.cached_tokens);
    u.reasoning = count(usage.output_tokens_details?.reasoning_tokens);
  }
  for (const item of arrayOr(response?.output)) if (item?.type === 'function_call') u.toolCalls++;
  return u;
}

function responsesObserver(call: CallRecord): StreamObserver<any> {
  let last: any;
  let failure: unknown;
  return {
    chunk(event) {
      const response = event?.response;
      if (response != null) {
        last = response;
        call.answeredBy(response.model);
      }
      if (event?.type === 'response.failed' || event?.type === 'error') failure = new ResponseFailed(response?.error?.code ?? event?.code);
      return true;
    },
    usage: () => responsesUsage(last),
    failure: () => failure,
    end: () => call.respond(responsesResponse, last),
  };
}

/** A streamed response that ended with `response.failed` or an `error` event: its errorType. */
class ResponseFailed extends Error {
  constructor(code: unknown) {
    super(typeof code === 'string' ? code : 'response failed');
  }
}

function arrayOr(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}
