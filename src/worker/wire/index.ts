// The wire parsers' entry: parseWire(exchange, capture) -> WireCall, a pure function of the
// exchange's bytes that never throws. Worker thread (in-memory mode: the calling thread).
//
//   exchange ──> request (model, stream; whole body when content is captured)
//            ├─> status >= 400: errorType from the status and the error body (errors.ts)
//            └─> answer: JSON, SSE (sse.ts) or Gemini's JSON array stream, by format
//                  openai-chat.ts, openai-responses.ts, openai-embeddings.ts,
//                  anthropic-messages.ts, google-generate.ts, google-embed.ts
//
// Whatever the bytes, the call comes back with what could be read and `problem` set for what
// could not (README, "Formats and hosts"). Cost is linear in the bytes: one UTF-8 validation and
// decode per body, one JSON.parse per JSON body or per stream event, nothing per byte beyond that.

import type { WireCall, WireCapture, WireExchange, WireFormat } from '../../shared/wire.js';
import { capturesAny, clamp, modelOf, newCall, noteProblem } from './call.js';
import { readRequest, readResponse } from './body.js';
import { parseJson } from './json.js';
import { bodyText } from './text.js';
import { refineErrorType, statusErrorType } from './errors.js';
import { chatRequest } from './openai-chat-content.js';
import { chatJson, chatStream } from './openai-chat.js';

/** How one format is read: its request's content, its JSON answer, its stream. */
interface FormatReader {
  embed: boolean;
  request(call: WireCall, capture: WireCapture, body: any): void;
  json(call: WireCall, capture: WireCapture, data: any): void;
  stream(call: WireCall, capture: WireCapture, ex: WireExchange): void;
}

const READERS: Partial<Record<WireFormat, FormatReader>> = {
  'openai.chat': { embed: false, request: chatRequest, json: chatJson, stream: chatStream },
};

/** Reads one exchange. Never throws: an unexpected failure becomes problem 'shape' on what was read so far. */
export function parseWire(exchange: WireExchange, capture: WireCapture): WireCall {
  const reader = READERS[exchange.format];
  const call = newCall(reader?.embed === true ? 'embed' : 'chat');
  if (reader === undefined) {
    noteProblem(call, 'shape');
    return call;
  }
  try {
    read(call, reader, exchange, capture);
  } catch {
    noteProblem(call, 'shape');
  }
  clamp(call);
  return call;
}

function read(call: WireCall, reader: FormatReader, ex: WireExchange, capture: WireCapture): void {
  const wantsRequest = capture.system || capture.input || capture.tools;
  const body = readRequest(call, ex.request, ex.requestCut, wantsRequest);
  call.model = modelOf(body.model);
  if (!reader.embed) call.operation = body.stream === true || (body.stream === undefined && ex.sse) ? 'stream' : 'chat';
  if (wantsRequest) reader.request(call, capture, body);
  if (ex.status === 0) return; // no answer: the main thread names the failure
  if (ex.status >= 400) {
    // The error body only refines the type: one that is not JSON (a proxy's HTML page) is no problem.
    const data = parseJson(bodyText(ex.response, ex.responseCut).text);
    call.errorType = refineErrorType(statusErrorType(ex.format, ex.status), data);
    return;
  }
  if (ex.sse) reader.stream(call, capture, ex);
  else {
    const data = readResponse(call, ex.response, ex.responseCut);
    if (data !== undefined) reader.json(call, capture, data);
  }
  if (call.content !== undefined && !capturesAny(capture)) call.content = undefined;
}
