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
import { clamp, modelOf, newCall, noteProblem } from './call.js';
import { readRequest, readResponse } from './body.js';
import { parseJson } from './json.js';
import { bodyText } from './text.js';
import { refineErrorType, statusErrorType } from './errors.js';
import { messagesRequest } from './anthropic-content.js';
import { messagesJson, messagesStream } from './anthropic-messages.js';
import { generateRequest } from './google-content.js';
import { embedJson, embedStream } from './google-embed.js';
import { generateJson, generateStream } from './google-generate.js';
import { googlePath } from './google-path.js';
import { chatRequest } from './openai-chat-content.js';
import { chatJson, chatStream } from './openai-chat.js';
import { embeddingsJson, embeddingsStream } from './openai-embeddings.js';
import { responsesRequest } from './openai-responses-content.js';
import { responsesJson, responsesStream } from './openai-responses.js';

/** How one format is read: its request's content, its JSON answer, its stream. */
interface FormatReader {
  embed: boolean;
  /** Gemini: the model and whether it streams are in the path, not in the body. */
  google: boolean;
  request(call: WireCall, capture: WireCapture, body: any): void;
  json(call: WireCall, capture: WireCapture, data: any): void;
  stream(call: WireCall, capture: WireCapture, ex: WireExchange): void;
}

const noContent = (): void => undefined;
const reader = (embed: boolean, google: boolean, request: FormatReader['request'], json: FormatReader['json'], stream: FormatReader['stream']): FormatReader =>
  Object.freeze({ embed, google, request, json, stream });

const READERS: Readonly<Record<WireFormat, FormatReader>> = Object.freeze({
  'openai.chat': reader(false, false, chatRequest, chatJson, chatStream),
  'openai.responses': reader(false, false, responsesRequest, responsesJson, responsesStream),
  'openai.embeddings': reader(true, false, noContent, embeddingsJson, embeddingsStream),
  'anthropic.messages': reader(false, false, messagesRequest, messagesJson, messagesStream),
  'google.generate': reader(false, true, generateRequest, generateJson, generateStream),
  'google.embed': reader(true, true, noContent, embedJson, embedStream),
  'google.batchEmbed': reader(true, true, noContent, embedJson, embedStream),
});

/** Reads one exchange. Never throws: an unexpected failure becomes problem 'shape' on what was read so far. */
export function parseWire(exchange: WireExchange, capture: WireCapture): WireCall {
  const reader = Object.hasOwn(READERS, exchange?.format) ? READERS[exchange.format] : undefined;
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
  const wantsBody = wantsRequest && !reader.embed;
  // Gemini names the model in the path: its body is read only for content.
  const body = reader.google && !wantsBody ? {} : readRequest(call, ex.request, ex.requestCut, wantsBody);
  let streamed: boolean;
  if (reader.google) {
    const { model, method } = googlePath(ex.path);
    call.model = model;
    streamed = method === 'streamGenerateContent';
  } else {
    call.model = modelOf(body.model);
    streamed = body.stream === true || (body.stream === undefined && ex.sse);
  }
  if (!reader.embed) call.operation = streamed ? 'stream' : 'chat';
  if (wantsBody) reader.request(call, capture, body);
  if (ex.status === 0) return; // no answer: the main thread names the failure
  if (ex.status >= 400) {
    // The error body only refines the type: one that is not JSON (a proxy's HTML page) is no problem.
    const data = parseJson(bodyText(ex.response, ex.responseCut).text);
    call.errorType = refineErrorType(statusErrorType(ex.format, ex.status), data);
    return;
  }
  // Gemini streams without ?alt=sse as one JSON array, read element by element.
  if (ex.sse || (reader.google && streamed)) reader.stream(call, capture, ex);
  else {
    const data = readResponse(call, ex.response, ex.responseCut);
    if (data !== undefined) reader.json(call, capture, data);
  }
}
