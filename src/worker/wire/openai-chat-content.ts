// OpenAI Chat Completions content on the wire, put into the WireCall: the request's messages and
// tools, a completion's choices (a stream's are built up by the providers zone's
// ChatStreamReader, which openai-chat.ts feeds). Worker thread. The mapping is the wrappers' own
// (src/providers/openai-chat.ts), on the wire JSON (the SDK sends the caller's body as given).

import { chatAnswer as readChatAnswer, chatInput, chatTools } from '../../providers/openai-chat.js';
import type { WireCall, WireCapture } from '../../shared/wire.js';
import { contentOf, putOutput } from './call.js';

/** A chat request's input messages and tools, as `capture` asks. */
export function chatRequest(call: WireCall, capture: WireCapture, body: any): void {
  if (capture.input) contentOf(call).input = chatInput(body?.messages);
  if (capture.tools && Array.isArray(body?.tools)) contentOf(call).tools = chatTools(body.tools);
}

/** A chat completion's id, finish reasons and (when captured) messages. */
export function chatAnswer(call: WireCall, capture: WireCapture, data: any): void {
  putOutput(call, readChatAnswer(call, data, capture.output));
}
