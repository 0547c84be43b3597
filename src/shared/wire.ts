// The wire capture's contract (issue 28): what the main thread hands over for one HTTP exchange
// with an LLM provider, and what a worker's parser reads out of it. Pure types and constants;
// both threads import them.
//
//   main thread (src/instrument/fetch*): recognises an exchange by host and path (WireFormat),
//     copies the request and response body bytes as they pass (bounded), notes the status, the
//     times (start, first response byte, end) and records one call when the body ends or fails
//   worker (src/worker/wire/): parseWire(exchange) -> WireCall, a pure function of the bytes
//     that never throws; in-memory mode calls the same function on the calling thread
//
// Times are not the parser's business: latency and time to first token come from the main
// thread's clock and travel in the record itself.

/** The wire formats the capture recognises, in the order of their numeric codes (WIRE_FORMATS.indexOf). */
export const WIRE_FORMATS = [
  'openai.chat', // POST …/chat/completions (OpenAI and every OpenAI-compatible server, Azure's deployments path too)
  'openai.responses', // POST …/responses
  'openai.embeddings', // POST …/embeddings
  'anthropic.messages', // POST …/v1/messages
  'google.generate', // POST …/models/{model}:generateContent or :streamGenerateContent (Gemini API and Vertex AI)
  'google.embed', // POST …/models/{model}:embedContent
  'google.batchEmbed', // POST …/models/{model}:batchEmbedContents
] as const;
export type WireFormat = (typeof WIRE_FORMATS)[number];

/** One HTTP exchange as the parsers see it. */
export interface WireExchange {
  format: WireFormat;
  /** The URL's path without the query (Google names the model and the streaming method in it). */
  path: string;
  /** The HTTP status; 0 when the exchange failed before any response headers arrived. */
  status: number;
  /** The response's content-type was text/event-stream. */
  sse: boolean;
  /**
   * The response headers the worker reads (names lower-case): only those the main thread keeps,
   * the providers' rate-limit headers (x-ratelimit-*, anthropic-ratelimit-*) and retry-after.
   */
  headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** The request body's bytes as sent (the first bytes only, when requestCut). */
  request: Uint8Array;
  requestCut: boolean;
  /** The response body's bytes as received (the first bytes only, when responseCut). */
  response: Uint8Array;
  responseCut: boolean;
}

/** What could not be read, when something could not (counted by kind, the call still recorded). */
export type WireProblem = 'cut' | 'json' | 'sse' | 'utf8' | 'shape';

/** What the capture asks the parser to keep of the content (the tracer's captured categories). */
export interface WireCapture {
  system: boolean;
  input: boolean;
  output: boolean;
  tools: boolean;
}

/** A call read from an exchange's bytes: the fields of a recorded call that the wire says. */
export interface WireCall {
  operation: 'chat' | 'stream' | 'embed';
  /** The model asked for (request body, or Google's path); undefined when the bytes do not say. */
  model: string | undefined;
  /** The model that answered, when the response says. */
  responseModel: string | undefined;
  responseId: string | undefined;
  finishReasons: string[];
  /** Token counts by each provider's rules, as the wrappers count them (all input, all output). */
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  toolCalls: number;
  /** The failed call's error.type (HTTP error status, error event in a stream); undefined on success. */
  errorType: string | undefined;
  /** Set when part of the exchange could not be read: the call is recorded with what was. */
  problem: WireProblem | undefined;
  /**
   * The captured categories in the GenAI shapes of src/messages.ts (system: parts; input, output:
   * messages; tools: definitions), only those `capture` asked for; undefined when none.
   */
  content: { system?: unknown[]; input?: unknown[]; output?: unknown[]; tools?: unknown[] } | undefined;
}
