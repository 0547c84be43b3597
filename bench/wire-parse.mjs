// Wire parsing in the workers (issue 28): the CPU cost of parseWire() per call and per KB, and
// the calls per second one thread sustains, on typical answers of every format (a ~1 KB JSON chat
// completion, 50-chunk streams of each provider), on growing answers (per-KB cost, linearity, up to
// 50 MB) and on adversarial bytes. Side by side in the same run, as the peer that sets the floor:
// JSON.parse of the same response text, or of each event's data for a stream, already decoded
// (what any reading of the body costs at least). Each row is
// the median of ROUNDS rounds of CPU time (process.cpuUsage, all threads: the GC's too), run on
// the built module (dist/worker/wire/). capture 'none' is the default tracer (no content); 'all'
// maps every content category as captureContent: true does.
// Usage: node bench/wire-parse.mjs [--json] [--quick]
import { parseWire } from '../dist/worker/wire/index.js';
import { jsonOutput, machine, print } from './util.mjs';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 5 : 11;
const NONE = { system: false, input: false, output: false, tools: false };
const ALL = { system: true, input: true, output: true, tools: true };
const enc = new TextEncoder();
const utf8 = (s) => enc.encode(s);
const sse = (events) => events.map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`).join('');

const words = (n) => Array.from({ length: n }, (_, i) => ` word${i % 97}`);
const chatRequest = (stream) => ({
  model: 'gpt-4o-mini', stream, ...(stream ? { stream_options: { include_usage: true } } : {}),
  messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'Summarise the plot of Hamlet in three sentences, please.' }],
});
const usage = { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 0 } };

function chatJson(contentChars) {
  const content = 'x'.repeat(contentChars);
  return JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1764000000, model: 'gpt-4o-mini-2024-07-18', system_fingerprint: 'fp_1',
    choices: [{ index: 0, logprobs: null, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }], usage });
}

function chatStream(n) {
  const base = { id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1764000000, model: 'gpt-4o-mini-2024-07-18', system_fingerprint: 'fp_1' };
  const ev = [{ data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], usage: null } }];
  for (const w of words(n - 3)) ev.push({ data: { ...base, choices: [{ index: 0, delta: { content: w }, logprobs: null, finish_reason: null }], usage: null } });
  ev.push({ data: { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null } });
  ev.push({ data: { ...base, choices: [], usage } });
  ev.push({ data: '[DONE]' });
  return sse(ev);
}

function responsesStream(n) {
  const resp = (status) => ({ id: 'resp_1', object: 'response', status, model: 'gpt-4.1-2025-04-14', output: status === 'completed' ? [{ type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'output_text', text: words(n - 4).join('') }] }] : [],
    usage: status === 'completed' ? { input_tokens: 2000, input_tokens_details: { cached_tokens: 1500 }, output_tokens: 400, output_tokens_details: { reasoning_tokens: 256 } } : null });
  const ev = [{ event: 'response.created', data: { type: 'response.created', response: resp('in_progress') } }, { event: 'response.in_progress', data: { type: 'response.in_progress', response: resp('in_progress') } }];
  for (const w of words(n - 3)) ev.push({ event: 'response.output_text.delta', data: { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: w } });
  ev.push({ event: 'response.completed', data: { type: 'response.completed', response: resp('completed') } });
  return sse(ev);
}

function anthropicStream(n) {
  const ev = [{ event: 'message_start', data: { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], stop_reason: null, usage: { input_tokens: 20, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 1 } } } },
    { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } }];
  for (const w of words(n - 5)) ev.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: w } } });
  ev.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } });
  ev.push({ event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 50 } } });
  ev.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return sse(ev);
}

function geminiStream(n) {
  return sse(words(n).map((w, i) => ({ data: { candidates: [{ content: { role: 'model', parts: [{ text: w }] }, index: 0, ...(i === n - 1 ? { finishReason: 'STOP' } : {}) }],
    usageMetadata: { promptTokenCount: 1200, cachedContentTokenCount: 1000, candidatesTokenCount: i + 1, totalTokenCount: 1201 + i }, modelVersion: 'gemini-2.5-flash', responseId: 'r-1' } })));
}

const ex = (format, request, response, { sse: isSse = false, path = '/v1/x', status = 200 } = {}) => ({
  format, path, status, sse: isSse, headers: [], request: utf8(typeof request === 'string' ? request : JSON.stringify(request)), requestCut: false, response: utf8(response), responseCut: false,
});
const messagesReq = { model: 'claude-sonnet-4-6', max_tokens: 1024, stream: true, messages: [{ role: 'user', content: 'Summarise Hamlet.' }] };
const geminiPath = '/v1beta/models/gemini-2.5-flash:streamGenerateContent';

const TYPICAL = [
  ['openai chat JSON ~1 KB', ex('openai.chat', chatRequest(false), chatJson(420))],
  ['openai chat 50-chunk stream', ex('openai.chat', chatRequest(true), chatStream(50), { sse: true })],
  ['openai responses 50-event stream', ex('openai.responses', { model: 'gpt-4.1', input: 'Summarise Hamlet.', stream: true }, responsesStream(50), { sse: true })],
  ['anthropic 50-event stream', ex('anthropic.messages', messagesReq, anthropicStream(50), { sse: true })],
  ['gemini 50-chunk stream (sse)', ex('google.generate', { contents: [{ role: 'user', parts: [{ text: 'Summarise Hamlet.' }] }] }, geminiStream(50), { sse: true, path: geminiPath })],
  ['openai embeddings (8 x 1536 floats)', ex('openai.embeddings', { model: 'text-embedding-3-small', input: ['a'] }, JSON.stringify({ object: 'list', model: 'text-embedding-3-small',
    data: Array.from({ length: 8 }, (_, index) => ({ object: 'embedding', index, embedding: Array.from({ length: 1536 }, (_, k) => Math.sin(k + index)) })), usage: { prompt_tokens: 64, total_tokens: 64 } }))],
  ['openai chat 429 error', ex('openai.chat', chatRequest(false), JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }), { status: 429 })],
];

const SIZES = quick ? [1, 100, 10_000] : [1, 10, 100, 1000, 10_000, 51_200];
const SCALING = SIZES.map((kb) => [`openai chat JSON ${kb >= 1024 ? `${kb / 1024} MB` : `${kb} KB`}`, ex('openai.chat', chatRequest(false), chatJson(Math.max(0, kb * 1024 - 420)))]);
const streamKb = quick ? [1, 1000] : [1, 100, 1000, 10_000];
const SCALING_SSE = streamKb.map((kb) => [`openai chat stream ${kb} KB`, ex('openai.chat', chatRequest(true), chatStream(Math.max(4, Math.round(kb * 1024 / 230))), { sse: true })]);
const MB = 1024 * 1024;
const ADVERSARIAL = [
  ['1 MB of \\r line ends (SSE)', ex('openai.chat', chatRequest(true), '\r'.repeat(MB), { sse: true })],
  ['1 MB of "a:b" lines, no blank line (SSE)', ex('anthropic.messages', messagesReq, 'a:b\n'.repeat(MB / 4), { sse: true })],
  ['1 MB data line, one event (SSE)', ex('openai.chat', chatRequest(true), `data: ${'{'.repeat(MB)}\n\n`, { sse: true })],
  ['1 MB of [ nesting, request cut', { ...ex('openai.chat', `{"model":"m","messages":${'['.repeat(MB)}`, chatJson(420)), requestCut: true }],
  ['1 MB of \\" escapes in a cut request', { ...ex('openai.chat', `{"model":"m","messages":[{"content":"${'\\"'.repeat(MB / 2)}`, chatJson(420)), requestCut: true }],
  ['1 MB of invalid UTF-8', { ...ex('openai.chat', chatRequest(false), ''), response: new Uint8Array(MB).fill(0xff) }],
];

/** CPU µs of fn(), once. */
function cpuOnce(fn, n) {
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Median µs per call over ROUNDS rounds, each round long enough (~50 ms) for the 1 µs clock. */
function measure(fn) {
  fn();
  const first = cpuOnce(fn, 1);
  const n = Math.max(1, Math.min(200_000, Math.round(50_000 / Math.max(first, 0.5))));
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(cpuOnce(fn, n));
  return median(rounds);
}

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** The data of every event of an SSE text (the floor's input: what the parser must JSON.parse at least). */
const dataOf = (text) => text.split(/\r\n\r\n|\n\n|\r\r/).map((e) => e.split(/\r\n|\n|\r/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n')).filter((d) => d !== '' && d !== '[DONE]');

function row(name, exchange) {
  const kb = (exchange.response.length + exchange.request.length) / 1024;
  const text = new TextDecoder().decode(exchange.response);
  const events = exchange.sse ? dataOf(text) : [text];
  const none = measure(() => parseWire(exchange, NONE));
  const all = measure(() => parseWire(exchange, ALL));
  // The floor: JSON.parse of the body, or of every event's data, on text already decoded.
  const floor = measure(() => {
    for (const d of events) {
      try {
        JSON.parse(d);
      } catch {
        // A bad body has a floor too.
      }
    }
  });
  return {
    exchange: name, KB: kb.toFixed(1), 'µs none': fmt(none), 'µs all': fmt(all), 'µs/KB none': fmt(none / kb), 'calls/s none': Math.round(1e6 / none),
    'JSON.parse µs': fmt(floor), 'none / JSON.parse': (none / floor).toFixed(2),
    call: parseWire(exchange, NONE),
  };
}

const columns = ['exchange', 'KB', 'µs none', 'µs all', 'µs/KB none', 'calls/s none', 'JSON.parse µs', 'none / JSON.parse'];
// Warm-up: every exchange parsed a few hundred times first, so that no row pays for the JIT.
for (const [, e] of [...TYPICAL, ...SCALING.slice(0, 2), ...SCALING_SSE.slice(0, 1)]) for (let i = 0; i < 300; i++) { parseWire(e, NONE); parseWire(e, ALL); }
const out = { suite: 'wire-parse', machine: machine(), rounds: ROUNDS, typical: [], scaling: [], adversarial: [] };
for (const [name, e] of TYPICAL) out.typical.push(row(name, e));
for (const [name, e] of [...SCALING, ...SCALING_SSE]) out.scaling.push(row(name, e));
for (const [name, e] of ADVERSARIAL) out.adversarial.push(row(name, e));
// The readings are checked, so that a parser that reads nothing cannot look fast.
for (const r of out.typical.slice(0, 5)) if (r.call.inputTokens === 0 || r.call.problem !== undefined) throw new Error(`${r.exchange}: read ${JSON.stringify(r.call)}`);
if (jsonOutput) console.log(JSON.stringify(out, (k, v) => (k === 'call' ? undefined : v), 2));
else {
  console.log(`wire-parse: ${out.machine}; CPU time (all threads), median of ${ROUNDS} rounds`);
  print('Typical answers', out.typical, columns);
  print('Growing answers (per-KB cost: linear when µs/KB stays flat)', out.scaling, columns);
  // The floor is the response's parse, which says nothing of a bad request or a stream's lines: not shown.
  print('Adversarial bytes', out.adversarial.map((r) => ({ ...r, exchange: `${r.exchange} -> problem ${r.call.problem ?? '-'}` })), columns.slice(0, 6));
}
