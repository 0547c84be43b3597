// The wrappers' own CPU per call, without a network: the real `openai` client with a `fetch`
// that answers from memory (a chat.completion body, or its SSE stream of 8 chunks), called
// through the SDK's own method and through instrumentOpenAI on the same client, alternating in
// rounds (median of the rounds). process.cpuUsage() counts every thread, so the tracer's worker
// (exporting over OTLP/HTTP to bench/receiver.mjs in another process) is included.
import OpenAI from 'openai';
import { RactoTracer } from '../dist/index.js';
import { instrumentOpenAI } from '../dist/instrument/index.js';
import { jsonOutput, machine, print, startReceiver } from './util.mjs';

// INSTRUMENT_OBFUSCATION=1: the chunks end with the `obfuscation` padding field, after `usage`,
// as OpenAI's chat chunks do since 2025.
const OBFUSCATION = process.env.INSTRUMENT_OBFUSCATION === '1';
const CALLS = 2000;
const ROUNDS = 10;

const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18' };
const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
const JSON_BODY = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: head.model,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from memory.' }, logprobs: null, finish_reason: 'stop' }], usage });
const pad = OBFUSCATION ? { obfuscation: 'Xk3q' } : {};
function sse(withUsage) {
  const chunk = (choices) => `data: ${JSON.stringify(withUsage ? { ...head, choices, usage: null, ...pad } : { ...head, choices, ...pad })}\n\n`;
  let out = chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  for (const w of ['Hello', ' from', ' memory', '.', ' Bye', '.']) out += chunk([{ index: 0, delta: { content: w }, finish_reason: null }]);
  out += chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
  if (withUsage) out += `data: ${JSON.stringify({ ...head, choices: [], usage, ...pad })}\n\n`;
  return `${out}data: [DONE]\n\n`;
}
const SSE = sse(false);
const SSE_USAGE = sse(true);

async function memoryFetch(_url, init) {
  const body = JSON.parse(init.body);
  if (body.stream) return new Response(body.stream_options?.include_usage ? SSE_USAGE : SSE, { headers: { 'content-type': 'text/event-stream' } });
  return new Response(JSON_BODY, { headers: { 'content-type': 'application/json' } });
}

const receiver = await startReceiver();
const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${receiver.http}` });
const client = instrumentOpenAI(new OpenAI({ apiKey: 'k', maxRetries: 0, fetch: memoryFetch }), tracer);
const sdkCreate = Object.getPrototypeOf(client.chat.completions).create;

async function round(create, stream) {
  const body = { model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hi' }] };
  const t = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    const r = await create.call(client.chat.completions, body);
    if (stream) for await (const _ of r);
  }
  const u = process.cpuUsage(t);
  return (u.user + u.system) / CALLS;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rows = [];
for (const stream of [false, true]) {
  const sdk = [];
  const wrapped = [];
  await round(client.chat.completions.create, stream); // warm-up
  for (let k = 0; k < ROUNDS; k++) {
    sdk.push(await round(sdkCreate, stream));
    wrapped.push(await round(client.chat.completions.create, stream));
  }
  const a = median(sdk);
  const b = median(wrapped);
  rows.push({ call: stream ? 'streamed (8 chunks)' : 'plain', 'SDK µs/call': a.toFixed(1), 'instrumented µs/call': b.toFixed(1),
    'wrapper + record µs': (b - a).toFixed(1), 'vs SDK': `${((b / a - 1) * 100).toFixed(1)} %` });
}
await tracer.shutdown();
const s = tracer.stats();
await receiver.stop();
if (jsonOutput) console.log(JSON.stringify({ suite: 'instrument-cost', machine: machine(), rows, exported: s.exported, recorded: s.recorded }));
else {
  console.log(`bench/instrument-cost.mjs: ${machine()}; ${ROUNDS} rounds x ${CALLS} calls each way; ${s.exported} of ${s.recorded} spans exported${OBFUSCATION ? '; chunks with obfuscation' : ''}`);
  print('instrumentOpenAI on the real client, fetch answered from memory (whole-process CPU, median of rounds)', rows,
    ['call', 'SDK µs/call', 'instrumented µs/call', 'wrapper + record µs', 'vs SDK']);
}
