// Anthropic Messages content on the wire, put into the WireCall: the request's system prompt,
// messages and tools; a message's id, stop reason and content (a stream's are built up by the
// providers zone's MessageStreamReader, which anthropic-messages.ts feeds). Worker thread. The mapping is the wrappers' own (src/providers/anthropic.ts).

import { blocks, messageAnswer as readMessageAnswer, messagesInput, messagesTools } from '../../providers/anthropic.js';
import type { WireCall, WireCapture } from '../../shared/wire.js';
import { contentOf, putOutput } from './call.js';

/** A Messages request's system prompt, messages and tools, as `capture` asks. */
export function messagesRequest(call: WireCall, capture: WireCapture, body: any): void {
  if (capture.system && body?.system != null) contentOf(call).system = blocks(body.system);
  if (capture.input) contentOf(call).input = messagesInput(body?.messages);
  if (capture.tools && Array.isArray(body?.tools)) contentOf(call).tools = messagesTools(body.tools);
}

/** A message's id, stop reason and (when captured) content. */
export function messageAnswer(call: WireCall, capture: WireCapture, data: any): void {
  putOutput(call, readMessageAnswer(call, data, capture.output));
}
