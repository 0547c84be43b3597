// parseWire() of this build beside another build's, in one process (before/after of a change to
// the wire parsers or to what they share with the wrappers, src/providers/): typical exchanges
// (a ~1 KB chat completion, 50-chunk streams of OpenAI chat, Anthropic and Gemini), with no
// content captured and with all of it. Rounds alternate the two builds in a rotated order; each
// figure is the median over rounds of CPU µs a call (process.cpuUsage), and the ratio after/before.
// Usage: node bench/wire-ab.mjs --baseline <other build>/dist [--rounds 21] [--calls 5000] [--json]
import { pathToFileURL } from 'node:url';
import { parseWire } from '../dist/worker/wire/index.js';
import { jsonOutput, machine, median, print } from './util.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const baselineDir = arg('baseline', undefined);
if (baselineDir === undefined) throw new TypeError('bench/wire-ab.mjs: --baseline <dist directory of the other build> is required');
const before = (await import(pathToFileURL(`${baselineDir}/worker/wire/index.js`).href)).parseWire;
const ROUNDS = Number(arg('rounds', 21));
const CALLS = Number(arg('calls', 5000));

const NONE = { system: false, input: false, output: false, tools: false };
const ALL = { system: true, input: true, output: true, tools: true };
const enc = new TextEncoder();
const sse = (events) => events.map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`).join('');
const words = (n) => Array.from({ length: n }, (_, i) => ` word${i % 97}`);
const ex = (format, request, response, path, isSse) => ({
  format, path, status: 200, sse: isSse, headers: [], request: enc.encode(JSON.stringify(request)), requestCut: false, response: enc.encode(response), responseCut: false,
});

const messages = [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'Summarise the plot of Hamlet in three sentences, please.' }];
const usage = { prompt_tokens: 1200, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 0 } };
const chunk = { id: 'chatcmpl-2', object: 'chat.completion.chunk', model: 'gpt-4o-mini-2024-07-18' };
const chatStream = [...words(47).map((w) => ({ data: { ...chunk, choices: [{ index: 0, delta: { content: w }, finish_reason: null }], usage: null } })),
  { data: { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null } }, { data: { ...chunk, choices: [], usage } }];
const anthropicStream = [{ event: 'message_start', data: { type: 'message_start', message: { id: 'msg_1', role: 'assistant', model: 'claude-sonnet-4-6', usage: { input_tokens: 20, cache_read_input_tokens: 1000, output_tokens: 1 } } } },
  { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
  ...words(45).map((w) => ({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: w } } })),
  { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
  { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 50 } } }];
const geminiStream = words(50).map((w, i) => ({ data: { candidates: [{ content: { role: 'model', parts: [{ text: w }] }, index: 0, ...(i === 49 ? { finishReason: 'STOP' } : {}) }],
  usageMetadata: { promptTokenCount: 1200, candidatesTokenCount: i + 1 }, modelVersion: 'gemini-2.5-flash', responseId: 'r-1' } }));

const CASES = [
  ['openai chat JSON ~1 KB', ex('openai.chat', { model: 'gpt-4o-mini', messages }, JSON.stringify({ id: 'chatcmpl-1', model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'x'.repeat(420), refusal: null } }], usage }), '/v1/chat/completions', false)],
  ['openai chat 50-chunk stream', ex('openai.chat', { model: 'gpt-4o-mini', messages, stream: true }, `${sse(chatStream)}data: [DONE]\n\n`, '/v1/chat/completions', true)],
  ['anthropic 50-event stream', ex('anthropic.messages', { model: 'claude-sonnet-4-6', max_tokens: 1024, stream: true, messages: [{ role: 'user', content: 'Hamlet?' }] }, sse(anthropicStream), '/v1/messages', true)],
  ['gemini 50-chunk stream', ex('google.generate', { contents: [{ role: 'user', parts: [{ text: 'Hamlet?' }] }] }, sse(geminiStream), '/v1beta/models/gemini-2.5-flash:streamGenerateContent', true)],
];

function cpuPerCall(parse, exchange, capture) {
  const t = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) parse(exchange, capture);
  const d = process.cpuUsage(t);
  return (d.user + d.system) / CALLS;
}

const rows = [];
for (const [name, exchange] of CASES) {
  for (const [label, capture] of [['none', NONE], ['all', ALL]]) {
    for (let i = 0; i < 3; i++) { cpuPerCall(before, exchange, capture); cpuPerCall(parseWire, exchange, capture); }
    const a = [];
    const b = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) { a.push(cpuPerCall(before, exchange, capture)); b.push(cpuPerCall(parseWire, exchange, capture)); }
      else { b.push(cpuPerCall(parseWire, exchange, capture)); a.push(cpuPerCall(before, exchange, capture)); }
    }
    rows.push({ exchange: name, capture: label, 'before µs': median(a).toFixed(3), 'after µs': median(b).toFixed(3), 'after / before': (median(b) / median(a)).toFixed(3) });
  }
}
if (jsonOutput) console.log(JSON.stringify({ machine: machine(), rounds: ROUNDS, calls: CALLS, rows }));
else {
  console.log(`wire-ab: ${machine()}; ${ROUNDS} rounds x ${CALLS} calls per build, alternating; baseline ${baselineDir}`);
  print('parseWire CPU per call, this build (after) beside the baseline (before)', rows, ['exchange', 'capture', 'before µs', 'after µs', 'after / before']);
}
