// Gemini embedContent / batchEmbedContents on the wire. Worker thread. Tokens as
// instrumentGoogleGenAI reads the SDK's answer: the Gemini API reports none; Vertex AI's
// embedContent reports usageMetadata.promptTokenCount (which the SDK hands over as the
// embedding's statistics.tokenCount), a batch its embeddings' statistics.tokenCount.

import type { WireCall, WireCapture, WireExchange } from '../../shared/wire.js';
import { arrayOr, count, noteProblem } from './call.js';

export function embedJson(call: WireCall, _capture: WireCapture, data: any): void {
  let input = 0;
  for (const e of arrayOr(data?.embeddings)) input += count(e?.statistics?.tokenCount);
  if (data?.embedding != null) input += count(data.usageMetadata?.promptTokenCount) || count(data.embedding.statistics?.tokenCount);
  call.inputTokens = input;
}

/** Embeddings never stream: an event stream here is not the format's. */
export function embedStream(call: WireCall, _capture: WireCapture, _ex: WireExchange): void {
  noteProblem(call, 'shape');
}
