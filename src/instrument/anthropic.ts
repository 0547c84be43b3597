// instrumentAnthropic: records the calls of an `@anthropic-ai/sdk` client instance:
// messages.create, plain and `stream: true`. messages.stream() builds on the same
// messages.create, so its MessageStream is recorded through it (once). Main thread; the SDK is
// never imported.

import type { RactoTracer } from '../index.js';
import { CallRecord } from './call.js';
import { checkClient, checkTracer, clientContext, resolveInstrumentOptions, type InstrumentOptions } from './options.js';
import { MessageStreamContent, messageResponse, messagesRequest } from './anthropic-content.js';
import { observeAPIPromise } from './stainless.js';
import { observeStainlessStream, type StreamObserver } from './stream.js';
import { count, emptyUsage, type Usage } from './usage.js';
import { wrapMethod } from './wrap.js';

/** Wraps `client` in place (and returns it): each call is recorded on `tracer` when it ends. */
export function instrumentAnthropic<C extends object>(client: C, tracer: RactoTracer, options?: InstrumentOptions): C {
  checkClient(client, 'an Anthropic client instance (new Anthropic())', (c) => typeof c.messages?.create === 'function');
  checkTracer(tracer);
  const opts = { ...resolveInstrumentOptions(options, 'anthropic'), ...clientContext(tracer, (client as { baseURL?: unknown }).baseURL) };
  wrapMethod((client as unknown as { messages: object }).messages, 'create', (create) => function (this: unknown, body: any, reqOptions?: unknown) {
    const stream = body?.stream === true;
    const call = new CallRecord(tracer, opts, stream ? 'stream' : 'chat', body?.model, body);
    call.captureRequest(messagesRequest, body);
    return observeAPIPromise(create.call(this, body, reqOptions), call, (data: any) => {
      if (stream) return observeStainlessStream(data, call, eventObserver(call));
      call.answeredBy(data?.model);
      const u = emptyUsage();
      readUsage(u, data?.usage);
      for (const block of Array.isArray(data?.content) ? data.content : []) if (block?.type === 'tool_use') u.toolCalls++;
      call.respond(messageResponse, data);
      call.ok(u);
      return data;
    });
  });
  return client;
}

/**
 * Anthropic reports the uncached input apart from cache reads and writes; the README's
 * convention counts all three as input. Fields absent from `usage` keep their value (the
 * message_delta event repeats only some).
 */
function readUsage(u: Usage & { fresh?: number }, usage: any): void {
  if (usage == null) return;
  if (usage.input_tokens != null) u.fresh = count(usage.input_tokens);
  if (usage.cache_read_input_tokens != null) u.cached = count(usage.cache_read_input_tokens);
  if (usage.cache_creation_input_tokens != null) u.cacheWrite = count(usage.cache_creation_input_tokens);
  if (usage.output_tokens != null) u.output = count(usage.output_tokens);
  u.input = (u.fresh ?? 0) + u.cached + u.cacheWrite;
}

function eventObserver(call: CallRecord): StreamObserver<any> {
  const u: Usage & { fresh?: number } = emptyUsage();
  const content = new MessageStreamContent(call.capture);
  return {
    chunk(event) {
      content.event(event);
      switch (event?.type) {
        case 'message_start':
          call.answeredBy(event.message?.model);
          readUsage(u, event.message?.usage);
          break;
        case 'content_block_start':
          if (event.content_block?.type === 'tool_use') u.toolCalls++;
          break;
        case 'message_delta':
          readUsage(u, event.usage);
          break;
      }
      return true;
    },
    usage: () => ({ input: u.input, output: u.output, cached: u.cached, cacheWrite: u.cacheWrite, reasoning: 0, toolCalls: u.toolCalls }),
    end: () => call.respond(() => content.result(), undefined),
  };
}
