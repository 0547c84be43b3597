// OpenAI Embeddings on the wire (POST …/embeddings): the answered model and usage.prompt_tokens,
// as instrumentOpenAI reads them. Worker thread. No content: the conventions record none for
// embeddings, and neither do the wrappers.

import type { WireCall, WireCapture, WireExchange } from '../../shared/wire.js';
import { answeredBy, count, noteProblem } from './call.js';

export function embeddingsJson(call: WireCall, _capture: WireCapture, data: any): void {
  answeredBy(call, data?.model);
  call.inputTokens = count(data?.usage?.prompt_tokens);
}

/** Embeddings never stream: an event stream here is not the format's. */
export function embeddingsStream(call: WireCall, _capture: WireCapture, _ex: WireExchange): void {
  noteProblem(call, 'shape');
}
