// instrumentAnthropic: records the calls of an `@anthropic-ai/sdk` client instance:
// messages.create, plain and `stream: true`. messages.stream() builds on the same
// messages.create, so its MessageStream is recorded through it (once). Main thread; the SDK is
// never imported.

import { markRequests } from './fetch-marker.js';
import type { RactoTracer } from '../index.js';
import { callOf, CallRecord, type AnswerReader } from './call.js';
import { MessageStreamAnswer, messageAnswer, messagesRequest } from './anthropic-content.js';
import { checkClient, checkTracer, clientContext, resolveInstrumentOptions, type InstrumentOptions } from './options.js';
import { plainCallOf } from './plain-call.js';
import { observeAPIPromise } from './stainless.js';
import { StreamCall } from './stream.js';
import { arrayOr, count } from './usage.js';
import { wrapMethod } from './wrap.js';

/** Wraps `client` in place (and returns it): each call is recorded on `tracer` when it ends. */
export function instrumentAnthropic<C extends object>(client: C, tracer: RactoTracer, options?: InstrumentOptions): C {
  checkClient(client, 'an Anthropic client instance (new Anthropic())', (c) => typeof c.messages?.create === 'function');
  checkTracer(tracer);
  const opts = { ...resolveInstrumentOptions(options, 'anthropic'), ...clientContext(tracer, (client as { baseURL?: unknown }).baseURL) };
  // One call, one span: the wire capture leaves this client's requests to the wrapper.
  markRequests(client, 'fetch');
  wrapMethod((client as unknown as { messages: object }).messages, 'create', (create) => function (this: unknown, body: any, reqOptions?: unknown) {
    const call = body?.stream === true ? callOf(StreamCall, tracer, opts, 'stream', MESSAGES, body) : plainCallOf(tracer, opts, 'chat', MESSAGES, body);
    return observeAPIPromise(create.call(this, body, reqOptions), call);
  });
  return client;
}

/**
 * Anthropic reports the uncached input apart from cache reads and writes; the README's
 * convention counts all three as input. Fields absent from `usage` keep their value (the
 * message_delta event repeats only some).
 */
function readUsage(call: CallRecord, usage: any): void {
  if (usage == null) return;
  if (usage.input_tokens != null) call.freshInput = count(usage.input_tokens);
  if (usage.cache_read_input_tokens != null) call.cachedInputTokens = count(usage.cache_read_input_tokens);
  if (usage.cache_creation_input_tokens != null) call.cacheWriteTokens = count(usage.cache_creation_input_tokens);
  if (usage.output_tokens != null) call.outputTokens = count(usage.output_tokens);
  call.inputTokens = call.freshInput + count(call.cachedInputTokens) + count(call.cacheWriteTokens);
}

const MESSAGES: AnswerReader = {
  request: messagesRequest,
  answer(call, data) {
    call.answeredBy(data?.model);
    readUsage(call, data?.usage);
    let tools = 0;
    // An index loop: a for-of here kept an iterator object per call (issue 28).
    const blocks = arrayOr(data?.content);
    for (let i = 0; i < blocks.length; i++) if (blocks[i]?.type === 'tool_use') tools++;
    call.toolCalls = tools;
    messageAnswer(call, data);
  },
  chunk(call, event) {
    ((call.answer ??= new MessageStreamAnswer(call.capture.output)) as MessageStreamAnswer).event(event);
    switch (event?.type) {
      case 'message_start':
        call.answeredBy(event.message?.model);
        readUsage(call, event.message?.usage);
        break;
      case 'content_block_start':
        if (event.content_block?.type === 'tool_use') call.toolCalls++;
        break;
      case 'message_delta':
        readUsage(call, event.usage);
        break;
    }
    return event;
  },
};
