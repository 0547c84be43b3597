// Canned provider answers for the client benchmarks (bench/instrument-cost.mjs): a `fetch` per
// provider that answers from memory with the provider's real wire format (JSON bodies, SSE
// streams of 8 events), so the real SDK clients run their whole request and parse path without a
// network. Each answer is a fresh Response over a prebuilt string.

const json = (text) => new Response(text, { headers: { 'content-type': 'application/json' } });
const sse = (text) => new Response(text, { headers: { 'content-type': 'text/event-stream' } });
const dataLines = (events) => `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')}`;

// --- OpenAI: chat.completions (plain, 8 chunks), responses, embeddings --------------------------
const OPENAI_MODEL = 'gpt-4o-mini-2024-07-18';
const CHAT_USAGE = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
const CHAT_BODY = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: OPENAI_MODEL,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from memory.' }, logprobs: null, finish_reason: 'stop' }], usage: CHAT_USAGE });
const RESPONSE_BODY = JSON.stringify({ id: 'resp_1', object: 'response', created_at: 1, status: 'completed', model: 'gpt-4.1-2025-04-14',
  output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello from memory.', annotations: [] }] }],
  usage: { input_tokens: 12, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 17 } });
const EMBEDDING_BODY = JSON.stringify({ object: 'list', model: 'text-embedding-3-small',
  data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5, 0.125, 0.0625] }], usage: { prompt_tokens: 4, total_tokens: 4 } });

/**
 * The chat stream: 8 chunks (role, 6 words, finish), and with `usage` the `usage: null` field on
 * each and the final usage-only chunk, as OpenAI sends when asked (stream_options.include_usage).
 * `obfuscation`: OpenAI's padding field after `usage`, as its chunks carry since 2025.
 */
function chatSse(usage, obfuscation) {
  const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: OPENAI_MODEL };
  const pad = obfuscation ? { obfuscation: 'Xk3q' } : {};
  const chunk = (choices) => (usage ? { ...head, choices, usage: null, ...pad } : { ...head, choices, ...pad });
  const chunks = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])];
  for (const w of ['Hello', ' from', ' memory', '.', ' Bye', '.']) chunks.push(chunk([{ index: 0, delta: { content: w }, finish_reason: null }]));
  chunks.push(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
  if (usage) chunks.push({ ...head, choices: [], usage: CHAT_USAGE, ...pad });
  return `${dataLines(chunks)}data: [DONE]\n\n`;
}

export function openaiFetch({ obfuscation = false } = {}) {
  const plainSse = chatSse(false, obfuscation);
  const usageSse = chatSse(true, obfuscation);
  return async (url, init) => {
    const path = String(url);
    const body = JSON.parse(init.body);
    if (path.endsWith('/embeddings')) return json(EMBEDDING_BODY);
    if (path.endsWith('/responses')) return json(RESPONSE_BODY);
    if (body.stream) return sse(body.stream_options?.include_usage ? usageSse : plainSse);
    return json(CHAT_BODY);
  };
}

// --- Anthropic: messages (plain, 8 events) -------------------------------------------------------
const ANTHROPIC_MODEL = 'claude-sonnet-4-5-20250929';
const ANTHROPIC_USAGE = { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 5 };
const MESSAGE_BODY = JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: ANTHROPIC_MODEL,
  content: [{ type: 'text', text: 'Hello from memory.' }], stop_reason: 'end_turn', stop_sequence: null, usage: ANTHROPIC_USAGE });
const ev = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const MESSAGE_SSE = [
  ev('message_start', { message: { id: 'msg_2', type: 'message', role: 'assistant', model: ANTHROPIC_MODEL, content: [], stop_reason: null,
    stop_sequence: null, usage: { ...ANTHROPIC_USAGE, output_tokens: 1 } } }),
  ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ...['Hello', ' from', ' memory.'].map((text) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } })),
  ev('content_block_stop', { index: 0 }),
  ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } }),
  ev('message_stop', {}),
].join('');

export function anthropicFetch() {
  return async (_url, init) => (JSON.parse(init.body).stream ? sse(MESSAGE_SSE) : json(MESSAGE_BODY));
}

// --- Google GenAI: generateContent, streamGenerateContent (8 chunks), embedContent ---------------
const GEMINI_MODEL = 'gemini-2.5-flash';
const GEMINI_USAGE = { promptTokenCount: 12, candidatesTokenCount: 5, totalTokenCount: 17 };
const candidate = (text, finishReason) => ({ content: { role: 'model', parts: [{ text }] }, index: 0, ...(finishReason ? { finishReason } : {}) });
const GENERATE_BODY = JSON.stringify({ candidates: [candidate('Hello from memory.', 'STOP')], usageMetadata: GEMINI_USAGE, modelVersion: GEMINI_MODEL, responseId: 'r1' });
const WORDS = ['Hello', ' from', ' memory', '.', ' Bye', '.', ' See', ' you.'];
const GENERATE_SSE = dataLines(WORDS.map((w, i) => ({
  candidates: [candidate(w, i === WORDS.length - 1 ? 'STOP' : undefined)],
  usageMetadata: { ...GEMINI_USAGE, candidatesTokenCount: i + 1, totalTokenCount: 13 + i }, modelVersion: GEMINI_MODEL, responseId: 'r2',
})));
const EMBED_BODY = JSON.stringify({ embeddings: [{ values: [0.25, -0.5, 0.125, 0.0625] }] });

export function googleFetch() {
  return async (url) => {
    const path = String(url);
    if (path.includes(':streamGenerateContent')) return sse(GENERATE_SSE);
    if (path.includes('mbed')) return json(EMBED_BODY);
    return json(GENERATE_BODY);
  };
}
