// OpenAI's request and answer shapes (Chat Completions, Responses) mapped to the semantic
// conventions' messages, for the content the tracer captures, and the answers' ids and finish
// reasons, into the call's fields. Main thread; openai.ts's readers call these. The mapping itself
// is the providers zone's (src/providers/openai-*.ts, shared with the wire parsers): these put
// what it returns into the CallRecord. System messages of a chat stay in its input, as the
// conventions ask for instructions that are part of the chat history; the Responses API's
// `instructions` are its system instructions.

import { ChatStreamReader, chatAnswer as readChatAnswer, chatInput, chatTools } from '../providers/openai-chat.js';
import { responsesAnswer as readResponsesAnswer, responsesInput, responsesSystem, responsesTools } from '../providers/openai-responses.js';
import type { CallRecord, StreamAnswer } from './call.js';

// ---- Chat Completions ----

/** A chat request's input messages and tools, as `call.capture` asks. */
export function chatRequest(call: CallRecord, body: any): void {
  if (call.capture.input) call.input = chatInput(body?.messages);
  if (call.capture.tools && Array.isArray(body?.tools)) call.tools = chatTools(body.tools);
}

/** A chat completion's id, finish reasons and (when captured) messages. */
export function chatAnswer(call: CallRecord, data: any): void {
  const output = readChatAnswer(call, data, call.capture.output);
  if (output !== undefined) call.output = output;
}

/** A streamed chat completion, chunk by chunk: its id, each choice's finish reason, and (output captured) its text and tool calls. */
export class ChatStreamAnswer extends ChatStreamReader implements StreamAnswer {
  into(call: CallRecord): void {
    const output = this.answer(call);
    if (output !== undefined) call.output = output;
  }
}

// ---- Responses ----

/** A Responses request's instructions, input items and tools, as `call.capture` asks. */
export function responsesRequest(call: CallRecord, body: any): void {
  const capture = call.capture;
  if (capture.system) {
    const system = responsesSystem(body);
    if (system !== undefined) call.system = system;
  }
  if (capture.input) call.input = responsesInput(body);
  if (capture.tools && Array.isArray(body?.tools)) call.tools = responsesTools(body.tools);
}

/** A whole response (non-streamed, or the last one a stream carried): its id, why it ended, one output message of all its items. */
export function responsesAnswer(call: CallRecord, r: any): void {
  const output = readResponsesAnswer(call, r, call.capture.output);
  if (output !== undefined) call.output = output;
}

/** A Responses stream's answer: the last response its events carried (call.last), whatever way it ended. */
export const RESPONSES_STREAM: StreamAnswer = Object.freeze({ into: (call: CallRecord) => responsesAnswer(call, call.last) });
