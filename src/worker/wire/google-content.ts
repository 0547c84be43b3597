// Gemini content on the wire, put into the WireCall: the request's systemInstruction, contents
// and tools; a generation's candidates; a stream's candidates accumulated chunk by chunk. Worker
// thread. The mapping is the wrappers' own (src/providers/google.ts), which reads the SDK's
// parameters: on the wire they are already the REST shapes (contents a list of Content,
// systemInstruction a Content) the SDK turns them into, at the body's top level.

import { contents, generateAnswer as readGenerateAnswer, GenerateStreamReader, systemParts, tools } from '../../providers/google.js';
import type { WireCall, WireCapture } from '../../shared/wire.js';
import { contentOf } from './call.js';

/** A generation request's system instruction, contents and tools, as `capture` asks. */
export function generateRequest(call: WireCall, capture: WireCapture, body: any): void {
  if (capture.system && body?.systemInstruction != null) contentOf(call).system = systemParts(body.systemInstruction);
  if (capture.input) contentOf(call).input = contents(body?.contents);
  if (capture.tools && Array.isArray(body?.tools)) contentOf(call).tools = tools(body.tools);
}

/** A generation's id, finish reasons and (when captured) candidates. */
export function generateAnswer(call: WireCall, capture: WireCapture, response: any): void {
  const output = readGenerateAnswer(call, response, capture.output);
  if (output !== undefined) contentOf(call).output = output;
}

/** A streamed generation, chunk by chunk; a stream of no chunk says nothing. */
export class GenerateStreamAnswer extends GenerateStreamReader {
  into(call: WireCall): void {
    if (!this.seen) return;
    const output = this.answer(call);
    if (output !== undefined) contentOf(call).output = output;
  }
}
