// A body's JSON as the wire parsers read it: the request (whole when its content is captured,
// else only its top-level scalars, which name the model and whether it streams) and a plain
// JSON response. Worker thread; problems are noted on the call, nothing throws.

import type { WireCall } from '../../shared/wire.js';
import { noteProblem } from './call.js';
import { NOT_JSON, parseJson, scanTop } from './json.js';
import { bodyText } from './text.js';

/** The request fields every format reads without parsing the whole body. */
const REQUEST_KEYS: readonly string[] = Object.freeze(['model', 'stream']);

/**
 * The request body: parsed whole when `whole` (content to capture), else its top-level `model`
 * and `stream` only, scanned; scanned too when it was cut or does not parse. An object, never null.
 */
export function readRequest(call: WireCall, bytes: Uint8Array, cut: boolean, whole: boolean): Record<string, any> {
  if (bytes.length === 0) return {};
  const { text, utf8 } = bodyText(bytes, cut);
  if (!utf8) noteProblem(call, 'utf8');
  if (whole && !cut) {
    const body = parseJson(text);
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, any>;
    noteProblem(call, body === NOT_JSON ? 'json' : 'shape');
  } else if (whole) noteProblem(call, 'cut');
  const scanned = scanTop(text, REQUEST_KEYS);
  if (scanned.model === undefined && cut) noteProblem(call, 'cut');
  return scanned;
}

/** The top-level answer fields a cut response may still say (its id and model come first with OpenAI and Anthropic). */
const ANSWER_KEYS: readonly string[] = Object.freeze(['id', 'model', 'responseId', 'modelVersion']);

/**
 * A plain (not streamed) JSON response body, or undefined when it is not JSON (the problem
 * noted). A cut body gives its top-level scalars only (no usage: it comes last).
 */
export function readResponse(call: WireCall, bytes: Uint8Array, cut: boolean): unknown {
  const { text, utf8 } = bodyText(bytes, cut);
  if (!utf8) noteProblem(call, 'utf8');
  if (cut) {
    noteProblem(call, 'cut');
    return scanTop(text, ANSWER_KEYS);
  }
  const data = parseJson(text);
  if (data === NOT_JSON) {
    noteProblem(call, 'json');
    return undefined;
  }
  return data;
}
