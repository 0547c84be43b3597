// Gemini content on the wire, put into the WireCall: the request's systemInstruction, contents
// and tools; a generation's candidates (a stream's are built up by the providers zone's
// GenerateStreamReader, which google-generate.ts feeds). Worker thread. The mapping is the wrappers' own (src/providers/google.ts), which reads the SDK's
// parameters: on the wire they are already the REST shapes (contents a list of Content,
// systemInstruction a Content) the SDK turns them into, at the body's top level.

import { contents, generateAnswer as readGenerateAnswer, systemParts, tools } from '../../providers/google.js';
import type { WireCall, WireCapture } from '../../shared/wire.js';
import { contentOf, putOutput } from './call.js';

/** A generation request's system instruction, contents and tools, as `capture` asks. */
export function generateRequest(call: WireCall, capture: WireCapture, body: any): void {
  if (capture.system && body?.systemInstruction != null) contentOf(call).system = systemParts(body.systemInstruction);
  if (capture.input) contentOf(call).input = contents(body?.contents);
  if (capture.tools && Array.isArray(body?.tools)) contentOf(call).tools = tools(body.tools);
}

/** A generation's id, finish reasons and (when captured) candidates. */
export function generateAnswer(call: WireCall, capture: WireCapture, response: any): void {
  putOutput(call, readGenerateAnswer(call, response, capture.output));
}
