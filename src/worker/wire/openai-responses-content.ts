// OpenAI Responses content on the wire, put into the WireCall: the request's instructions
// (system), input items and tools; a response's id, why it ended, and one output message of all
// its items. Worker thread. The mapping is the wrappers' own (src/providers/openai-responses.ts).

import { responsesAnswer as readResponsesAnswer, responsesInput, responsesSystem, responsesTools } from '../../providers/openai-responses.js';
import type { WireCall, WireCapture } from '../../shared/wire.js';
import { contentOf, putOutput } from './call.js';

/** A Responses request's instructions, input items and tools, as `capture` asks. */
export function responsesRequest(call: WireCall, capture: WireCapture, body: any): void {
  if (capture.system) {
    const system = responsesSystem(body);
    if (system !== undefined) contentOf(call).system = system;
  }
  if (capture.input) contentOf(call).input = responsesInput(body);
  if (capture.tools && Array.isArray(body?.tools)) contentOf(call).tools = responsesTools(body.tools);
}

/** A whole response (plain, or the last one a stream carried): its id, why it ended, one output message of all its items. */
export function responsesAnswer(call: WireCall, capture: WireCapture, r: any): void {
  putOutput(call, readResponsesAnswer(call, r, capture.output));
}
