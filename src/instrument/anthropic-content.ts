// Anthropic's Messages request and answer shapes mapped to the semantic conventions' messages,
// and the answers' ids and stop reasons, into the call's fields. Main thread; anthropic.ts's
// reader calls these. The mapping itself is the providers zone's (src/providers/anthropic.ts,
// shared with the wire parser): these put what it returns into the CallRecord. Anthropic gives
// the system prompt apart from the messages (`system`): it is the call's system instructions.

import { blocks, MessageStreamReader, messageAnswer as readMessageAnswer, messagesInput, messagesTools } from '../providers/anthropic.js';
import type { CallRecord, StreamAnswer } from './call.js';

/** A Messages request's system prompt, messages and tools, as `call.capture` asks. */
export function messagesRequest(call: CallRecord, body: any): void {
  const capture = call.capture;
  if (capture.system && body?.system != null) call.system = blocks(body.system);
  if (capture.input) call.input = messagesInput(body?.messages);
  if (capture.tools && Array.isArray(body?.tools)) call.tools = messagesTools(body.tools);
}

/** A message's id, stop reason and (when captured) content. */
export function messageAnswer(call: CallRecord, data: any): void {
  const output = readMessageAnswer(call, data, call.capture.output);
  if (output !== undefined) call.output = output;
}

/** A streamed message, event by event: its id, its stop reason, and (output captured) its content blocks by index. */
export class MessageStreamAnswer extends MessageStreamReader implements StreamAnswer {
  into(call: CallRecord): void {
    const output = this.answer(call);
    if (output !== undefined) call.output = output;
  }
}
