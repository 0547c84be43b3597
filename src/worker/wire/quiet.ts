// Which stream chunks can go unparsed: most of an OpenAI chat or Gemini stream is text deltas,
// and when the output is not captured such a chunk says nothing the call keeps (its model and the
// usage so far are repeated by the chunks after it). A chunk is skipped only when one regular
// expression over its text rules out everything that counts (a tool call, a finish reason, usage,
// an error); anything it cannot rule out is parsed. A key inside a JSON string has its quotes
// escaped (\"usage\"), so text that mentions a key is not taken for one. Worker thread.
//
// The readers keep the last skipped chunk and parse it before the next parsed one and at the end:
// whatever "last one wins" field (model, usage) a skipped chunk held, the reading ends as if every
// chunk had been parsed, as long as the chunk just before each parsed one says it.

// One regular expression each (Irregexp scans for the leading quote natively): ~0.1 µs for a
// typical 240-byte chunk where JSON.parse takes ~0.75 µs and five String.includes ~1 µs
// (measured, bench/RESULTS.md). Linear: no nested quantifier, and each \s* run belongs to the
// quote before it.
//   OpenAI chat: a tool call (or the legacy function_call), an error, a finish reason or a usage
//   that is not null. Each key with both its quotes: the same word in a text has them escaped.
const LOUD_CHAT = /"(?:tool_calls"|function_call"|error"|finish_reason"\s*:\s*[^n\s]|usage"\s*:\s*[^n\s])/;
//   Gemini: a function call, a finish reason or an error.
const LOUD_GEMINI = /"(?:functionCall|finishReason|error)"/;

/** An OpenAI chat chunk with no tool call, no finish reason, no usage and no error. */
export function quietChatChunk(data: string): boolean {
  return !LOUD_CHAT.test(data);
}

/** A Gemini chunk with no function call, no finish reason and no error (its usage is repeated by the next). */
export function quietGeminiChunk(data: string): boolean {
  return !LOUD_GEMINI.test(data);
}
