// OpenAI Responses on the wire (POST …/responses): a JSON response, or named events
// (response.created … response.completed / failed / incomplete) whose last `response` holds the
// usage and the output items. Worker thread. Read as instrumentOpenAI reads the SDK's objects:
// input_tokens include the cached ones, output_tokens the reasoning ones; function_call items are
// the tool calls; a `response.failed` or `error` event fails the call ('ResponseFailed', what the
// wrapper records). Only the events that can carry a response (a name with one dot, or none) and
// `error` are parsed: the deltas, most of a stream, are skipped unread.

import { responsesUsage } from '../../providers/openai-responses.js';
import type { WireCall, WireCapture, WireExchange } from '../../shared/wire.js';
import { answeredBy, noteProblem } from './call.js';
import { NOT_JSON, parseJson } from './json.js';
import { responsesAnswer } from './openai-responses-content.js';
import { splitSse } from './sse.js';
import { bodyText } from './text.js';

/** errorType of a Responses stream that ended with `response.failed` or `error` (the wrapper's ResponseFailed). */
const RESPONSE_FAILED = 'ResponseFailed';

export function responsesJson(call: WireCall, capture: WireCapture, data: any): void {
  answeredBy(call, data?.model);
  responsesUsage(call, data);
  responsesAnswer(call, capture, data);
}

/** Whether an event of this name may carry a whole response (response.created, .completed, …), or is an error. */
function mayCarryResponse(name: string): boolean {
  if (name === '' || name === 'error') return true;
  const dot = name.indexOf('.');
  return dot >= 0 && name.indexOf('.', dot + 1) < 0;
}

export function responsesStream(call: WireCall, capture: WireCapture, ex: WireExchange): void {
  const { text, utf8 } = bodyText(ex.response, ex.responseCut);
  if (!utf8) noteProblem(call, 'utf8');
  let last: unknown;
  let failed = false;
  const end = splitSse(text, (name, data) => {
    if (!mayCarryResponse(name) || data.startsWith('[DONE]')) return;
    const event: any = parseJson(data);
    if (event === NOT_JSON) return noteProblem(call, 'json');
    if (event?.error) {
      // An `{"error": …}` payload: the SDK throws its APIError, the stream ends.
      call.errorType ??= 'APIError';
      return;
    }
    const response = event?.response;
    if (response != null) {
      last = response;
      answeredBy(call, response.model);
    }
    if (event?.type === 'response.failed' || event?.type === 'error') failed = true;
  });
  if (ex.responseCut) noteProblem(call, 'cut');
  else if (end === 'open') noteProblem(call, 'sse');
  if (failed) call.errorType ??= RESPONSE_FAILED;
  if (last === undefined) return;
  responsesUsage(call, last);
  responsesAnswer(call, capture, last);
}
