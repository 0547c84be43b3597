// Gemini generateContent / streamGenerateContent on the wire (the Gemini API and Vertex AI): a
// JSON response; with ?alt=sse (what @google/genai asks for) `data: {chunk}` events; without it
// one JSON array whose elements are the chunks, read element by element as far as it goes.
// Worker thread. Read as instrumentGoogleGenAI reads the SDK's objects: the usage so far from
// each chunk's usageMetadata (promptTokenCount includes cachedContentTokenCount; output =
// candidatesTokenCount + thoughtsTokenCount), functionCall parts counted in every chunk, the
// answered model from modelVersion, a chunk `{"error": {code}}` failing the stream (ApiError, as
// the SDK throws, refined by its status).

import { functionCalls, GenerateStreamReader, generateUsage } from '../../providers/google.js';
import type { WireCall, WireCapture, WireExchange } from '../../shared/wire.js';
import { answeredBy, noteProblem, streamInto } from './call.js';
import { GOOGLE_GENERIC, refineErrorType } from './errors.js';
import { generateAnswer } from './google-content.js';
import { arrayElements, NOT_JSON, parseJson } from './json.js';
import { quietGeminiChunk } from './quiet.js';
import { splitSse } from './sse.js';
import { bodyText } from './text.js';

export function generateJson(call: WireCall, capture: WireCapture, data: any): void {
  // A streamed method answered with one JSON array (no ?alt=sse): its elements are the chunks.
  if (Array.isArray(data)) {
    const answer = new GenerateStreamReader(capture.output);
    for (const chunk of data) if (!chunkOf(call, answer, chunk)) break;
    streamInto(call, answer);
    return;
  }
  answeredBy(call, data?.modelVersion);
  generateUsage(call, data?.usageMetadata);
  call.toolCalls = functionCalls(data);
  generateAnswer(call, capture, data);
}

/** One chunk of a stream; false when it was the error that ends it. */
function chunkOf(call: WireCall, answer: GenerateStreamReader, chunk: any): boolean {
  const error = chunk?.error;
  if (error != null && typeof error === 'object' && typeof error.code === 'number' && error.code >= 400 && error.code < 600) {
    call.errorType = refineErrorType(GOOGLE_GENERIC, chunk);
    return false;
  }
  answeredBy(call, chunk?.modelVersion);
  answer.chunk(chunk);
  generateUsage(call, chunk?.usageMetadata);
  call.toolCalls += functionCalls(chunk);
  return true;
}

export function generateStream(call: WireCall, capture: WireCapture, ex: WireExchange): void {
  const { text, utf8 } = bodyText(ex.response, ex.responseCut);
  if (!utf8) noteProblem(call, 'utf8');
  const answer = new GenerateStreamReader(capture.output);
  let failed = false;
  let first = true;
  let skipped: string | undefined;
  const read = (json: string): void => {
    if (failed) return;
    const chunk = parseJson(json);
    if (chunk === NOT_JSON) return noteProblem(call, 'json');
    failed = !chunkOf(call, answer, chunk);
  };
  const flush = (): void => {
    if (skipped !== undefined) read(skipped);
    skipped = undefined;
  };
  const each = (json: string): void => {
    // Output not captured: a text chunk is left unparsed (quiet.ts), but for the first (the id).
    if (!first && !capture.output && quietGeminiChunk(json)) {
      skipped = json;
      return;
    }
    first = false;
    flush();
    read(json);
  };
  if (ex.sse) {
    const end = splitSse(text, (_name, data) => each(data));
    if (end === 'open' && !ex.responseCut) noteProblem(call, 'sse');
  } else if (text.trimStart().startsWith('{')) {
    // One object where an array was expected (a server that does not stream): one chunk.
    if (!ex.responseCut) each(text);
  } else if (!arrayElements(text, each) && !ex.responseCut) noteProblem(call, 'json');
  flush();
  if (ex.responseCut) noteProblem(call, 'cut');
  streamInto(call, answer);
}
