// OpenAI Chat Completions content on the wire, put into the WireCall: the request's messages and
// tools, a completion's choices, a stream's choices accumulated chunk by chunk (with each
// choice's finish reason and the stream's id). Worker thread. The mapping is the wrappers' own
// (src/providers/openai-chat.ts), on the wire JSON (the SDK sends the caller's body as given).

import { ChatStreamReader, chatAnswer as readChatAnswer, chatInput, chatTools } from '../../providers/openai-chat.js';
import type { WireCall, WireCapture } from '../../shared/wire.js';
import { contentOf } from './call.js';

/** A chat request's input messages and tools, as `capture` asks. */
export function chatRequest(call: WireCall, capture: WireCapture, body: any): void {
  if (capture.input) contentOf(call).input = chatInput(body?.messages);
  if (capture.tools && Array.isArray(body?.tools)) contentOf(call).tools = chatTools(body.tools);
}

/** A chat completion's id, finish reasons and (when captured) messages. */
export function chatAnswer(call: WireCall, capture: WireCapture, data: any): void {
  const output = readChatAnswer(call, data, capture.output);
  if (output !== undefined) contentOf(call).output = output;
}

/** A streamed chat completion, chunk by chunk; a stream of no chunk says nothing. */
export class ChatStreamAnswer extends ChatStreamReader {
  into(call: WireCall): void {
    if (!this.seen) return;
    const output = this.answer(call);
    if (output !== undefined) contentOf(call).output = output;
  }
}
