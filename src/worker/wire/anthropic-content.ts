// Anthropic Messages content on the wire, put into the WireCall: the request's system prompt,
// messages and tools; a message's id, stop reason and content; a stream's content blocks
// accumulated by index. Worker thread. The mapping is the wrappers' own (src/providers/anthropic.ts).

import { blocks, MessageStreamReader, messageAnswer as readMessageAnswer, messagesInput, messagesTools } from '../../providers/anthropic.js';
import type { WireCall, WireCapture } from '../../shared/wire.js';
import { contentOf } from './call.js';

/** A Messages request's system prompt, messages and tools, as `capture` asks. */
export function messagesRequest(call: WireCall, capture: WireCapture, body: any): void {
  if (capture.system && body?.system != null) contentOf(call).system = blocks(body.system);
  if (capture.input) contentOf(call).input = messagesInput(body?.messages);
  if (capture.tools && Array.isArray(body?.tools)) contentOf(call).tools = messagesTools(body.tools);
}

/** A message's id, stop reason and (when captured) content. */
export function messageAnswer(call: WireCall, capture: WireCapture, data: any): void {
  const output = readMessageAnswer(call, data, capture.output);
  if (output !== undefined) contentOf(call).output = output;
}

/** A streamed message, event by event; a stream of no event says nothing. */
export class MessageStreamAnswer extends MessageStreamReader {
  into(call: WireCall): void {
    if (!this.seen) return;
    const output = this.answer(call);
    if (output !== undefined) contentOf(call).output = output;
  }
}
