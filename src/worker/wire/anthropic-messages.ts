// Anthropic Messages on the wire (POST …/v1/messages): a JSON message, or named events
// (message_start with the input usage, content_block_start for each tool_use, message_delta with
// the output usage and stop reason, `event: error`). Worker thread. Read as instrumentAnthropic
// reads the SDK's objects: input = input_tokens + cache_read_input_tokens +
// cache_creation_input_tokens (the README's convention), a field absent from a later usage keeps
// its value. As the SDK does, events without a name are skipped, `ping` too; `error` fails the
// call (APIError, refined by its error.type). Text deltas are parsed only when output is captured.

import { MessageStreamReader, messagesUsage, messageToolCalls } from '../../providers/anthropic.js';
import type { WireCall, WireCapture, WireExchange } from '../../shared/wire.js';
import { answeredBy, noteProblem, streamInto } from './call.js';
import { messageAnswer } from './anthropic-content.js';
import { refineErrorType } from './errors.js';
import { NOT_JSON, parseJson } from './json.js';
import { splitSse } from './sse.js';
import { bodyText } from './text.js';

export function messagesJson(call: WireCall, capture: WireCapture, data: any): void {
  answeredBy(call, data?.model);
  messagesUsage(call, 0, data?.usage);
  call.toolCalls = messageToolCalls(data);
  messageAnswer(call, capture, data);
}

export function messagesStream(call: WireCall, capture: WireCapture, ex: WireExchange): void {
  const { text, utf8 } = bodyText(ex.response, ex.responseCut);
  if (!utf8) noteProblem(call, 'utf8');
  const answer = new MessageStreamReader(capture.output);
  // The uncached input so far (message_start says it, message_delta may repeat it).
  let fresh = 0;
  let failed = false;
  const end = splitSse(text, (name, data) => {
    if (failed || name === '' || name === 'ping' || (data === '' && name !== 'error')) return;
    // The text of a stream is most of it: its deltas are left unparsed unless output is captured.
    if (!capture.output && (name === 'content_block_delta' || name === 'content_block_stop')) return;
    const e: any = parseJson(data);
    if (name === 'error') {
      failed = true;
      call.errorType = refineErrorType('APIError', e === NOT_JSON ? undefined : e);
      return;
    }
    if (e === NOT_JSON) return noteProblem(call, 'json');
    answer.event(e);
    switch (e?.type) {
      case 'message_start':
        answeredBy(call, e.message?.model);
        fresh = messagesUsage(call, fresh, e.message?.usage);
        break;
      case 'content_block_start':
        if (e.content_block?.type === 'tool_use') call.toolCalls++;
        break;
      case 'message_delta':
        fresh = messagesUsage(call, fresh, e.usage);
        break;
    }
  });
  if (ex.responseCut) noteProblem(call, 'cut');
  else if (end === 'open') noteProblem(call, 'sse');
  streamInto(call, answer);
}
