// OpenAI Chat Completions on the wire (POST …/chat/completions, every OpenAI-compatible server
// too): a JSON completion, or `data: {chunk}` events ending with `data: [DONE]`. Worker thread.
// Read as instrumentOpenAI reads the SDK's objects (instrument/openai.ts): the usage from the
// JSON or from the stream's last chunk (include_usage), tool calls counted per choice and index
// (streamed in pieces), the answered model from each chunk, an `{"error": …}` event failing the
// stream as the SDK's APIError does.

import { ChatStreamReader, chatUsage } from '../../providers/openai-chat.js';
import type { WireCall, WireCapture, WireExchange } from '../../shared/wire.js';
import { answeredBy, arrayOr, count, noteProblem, streamInto } from './call.js';
import { refineErrorType } from './errors.js';
import { NOT_JSON, parseJson } from './json.js';
import { chatAnswer } from './openai-chat-content.js';
import { quietChatChunk } from './quiet.js';
import { splitSse } from './sse.js';
import { bodyText } from './text.js';

/** A plain completion's JSON. */
export function chatJson(call: WireCall, capture: WireCapture, data: any): void {
  answeredBy(call, data?.model);
  if (data?.usage != null) chatUsage(call, data.usage);
  let tools = 0;
  for (const choice of arrayOr(data?.choices)) tools += arrayOr(choice?.message?.tool_calls).length;
  call.toolCalls = tools;
  chatAnswer(call, capture, data);
}

/** A stream's events, as the SDK yields them to the wrapper. */
export function chatStream(call: WireCall, capture: WireCapture, ex: WireExchange): void {
  const { text, utf8 } = bodyText(ex.response, ex.responseCut);
  if (!utf8) noteProblem(call, 'utf8');
  const answer = new ChatStreamReader(capture.output);
  // Streamed tool calls arrive in pieces; each (choice, index) pair is one call.
  const tools = new Set<number>();
  let done = false;
  let first = true;
  let skipped: string | undefined;
  const read = (event: string, data: string): void => {
    const chunk: any = parseJson(data);
    if (chunk === NOT_JSON) return noteProblem(call, 'json');
    if (chunk?.error) {
      // The SDK throws its APIError here, and the stream ends for its caller.
      call.errorType = refineErrorType('APIError', chunk);
      done = true;
      return;
    }
    if (chunk == null || event.startsWith('thread.')) return;
    answeredBy(call, chunk.model);
    answer.chunk(chunk);
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      for (const choice of choices) {
        const deltas = choice?.delta?.tool_calls;
        if (!Array.isArray(deltas)) continue;
        for (const t of deltas) tools.add(count(choice.index) * 65536 + count(t?.index));
      }
    }
    if (tools.size !== 0) call.toolCalls = tools.size;
    if (chunk.usage != null) chatUsage(call, chunk.usage);
  };
  const flush = (): void => {
    if (skipped !== undefined && !done) read('', skipped);
    skipped = undefined;
  };
  const end = splitSse(text, (event, data) => {
    if (done) return;
    if (data.startsWith('[DONE]')) {
      flush();
      done = true;
      return;
    }
    // Output not captured: a text delta is left unparsed (quiet.ts), but for the first chunk (the id).
    if (!first && !capture.output && event === '' && quietChatChunk(data)) {
      skipped = data;
      return;
    }
    first = false;
    flush();
    if (!done) read(event, data);
  });
  flush();
  if (ex.responseCut) noteProblem(call, 'cut');
  else if (end === 'open') noteProblem(call, 'sse');
  streamInto(call, answer);
}
