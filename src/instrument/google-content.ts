// Gemini's (@google/genai) request and answer shapes mapped to the semantic conventions'
// messages, and the answers' ids and finish reasons, into the call's fields. Main thread;
// google.ts's reader calls these. The mapping itself is the providers zone's
// (src/providers/google.ts, shared with the wire parser): these put what it returns into the
// CallRecord. `config.systemInstruction` is the call's system instructions; the SDK's `contents`
// is any ContentListUnion.

import { contents, generateAnswer as readGenerateAnswer, GenerateStreamReader, systemParts, tools } from '../providers/google.js';
import type { CallRecord, StreamAnswer } from './call.js';

/** A generation's system instruction, contents and tools, as `call.capture` asks. */
export function generateRequest(call: CallRecord, params: any): void {
  const capture = call.capture;
  if (capture.system && params?.config?.systemInstruction != null) call.system = systemParts(params.config.systemInstruction);
  if (capture.input) call.input = contents(params?.contents);
  if (capture.tools && Array.isArray(params?.config?.tools)) call.tools = tools(params.config.tools);
}

/** A generation's id, finish reasons and (when captured) candidates. */
export function generateAnswer(call: CallRecord, response: any): void {
  const output = readGenerateAnswer(call, response, call.capture.output);
  if (output !== undefined) call.output = output;
}

/** A streamed generation, chunk by chunk: its id, each candidate's finish reason, and (output captured) its parts (texts joined). */
export class GenerateStreamAnswer extends GenerateStreamReader implements StreamAnswer {
  into(call: CallRecord): void {
    const output = this.answer(call);
    if (output !== undefined) call.output = output;
  }
}
