// instrumentAnthropic: records the calls of an `@anthropic-ai/sdk` client instance:
// messages.create, plain and `stream: true`. messages.stream() builds on the same
// messages.create, so its MessageStream is recorded through it (once). Main thread; the SDK is
// never imported.

import { markRequests } from './fetch-marker.js';
import type { RactoTracer } from '../index.js';
import { messagesUsage, messageToolCalls } from '../providers/anthropic.js';
import { callOf, type AnswerReader } from './call.js';
import { MessageStreamAnswer, messageAnswer, messagesRequest } from './anthropic-content.js';
import { checkClient, checkTracer, clientContext, resolveInstrumentOptions, type InstrumentOptions } from './options.js';
import { plainCallOf } from './plain-call.js';
import { observeAPIPromise } from './stainless.js';
import { StreamCall } from './stream.js';
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

const MESSAGES: AnswerReader = {
  request: messagesRequest,
  answer(call, data) {
    call.answeredBy(data?.model);
    call.freshInput = messagesUsage(call, call.freshInput, data?.usage);
    call.toolCalls = messageToolCalls(data);
    messageAnswer(call, data);
  },
  chunk(call, event) {
    ((call.answer ??= new MessageStreamAnswer(call.capture.output)) as MessageStreamAnswer).event(event);
    switch (event?.type) {
      case 'message_start':
        call.answeredBy(event.message?.model);
        call.freshInput = messagesUsage(call, call.freshInput, event.message?.usage);
        break;
      case 'content_block_start':
        if (event.content_block?.type === 'tool_use') call.toolCalls++;
        break;
      case 'message_delta':
        call.freshInput = messagesUsage(call, call.freshInput, event.usage);
        break;
    }
    return event;
  },
};
