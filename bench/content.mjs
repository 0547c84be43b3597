// Content capture (captureContent): what it costs the main thread and the worker, in one
// process and one run. Main thread: the record call of a 4 KB exchange (system prompt, a
// four-turn history, the answer, two tool definitions) against the same call without content on
// the same tracer, and against a bare call on a tracer without captureContent; tight loops of
// LOOP calls drained by a discarding worker exporter, rounds alternating, medians of ROUNDS. The
// wrappers' mapping of an OpenAI request and answer to the same messages is timed apart.
// Worker: ContentBuilder.build() (decode, redaction, truncation, JSON) per span, for the 4 KB
// exchange and for a 64 KB one that is truncated to maxContentBytes. `CONTENT_ROUNDS` sets the rounds.
import { fileURLToPath } from 'node:url';
import { RactoTracer } from '../dist/index.js';
import { chatAnswer, chatRequest } from '../dist/instrument/openai-content.js';
import { ContentBuilder } from '../dist/worker/content/builder.js';
import { ContentWriter } from '../dist/main/content-writer.js';
import { createArena } from '../dist/shared/arena.js';
import { SECRET_RULES } from '../dist/shared/content-config.js';
import { jsonOutput, machine, print } from './util.mjs';

const LOOP = 1000;
const ROUNDS = Number(process.env.CONTENT_ROUNDS ?? 9);
const discard = fileURLToPath(new URL('./discard-exporter.mjs', import.meta.url));
const words = 'the quick brown fox jumps over the lazy dog while the gateway records every call '.split(' ');
const prose = (n, seed) => {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `${words[(i * 7 + seed) % words.length]} `;
  return s.slice(0, n);
};

/** A chat exchange of about `kb` KB of text, as recordChatSpan takes it, and as OpenAI's SDK takes it. */
function exchange(kb) {
  const turn = Math.round((kb * 1024 - 1000) / 5);
  const system = prose(400, 1);
  const history = [prose(turn, 2), prose(turn, 3), prose(turn, 4), prose(turn, 5)];
  const answer = prose(turn, 6);
  const schemas = [
    { type: 'function', name: 'get_weather', description: 'Current weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    { type: 'function', name: 'get_time', description: 'Local time of a time zone', parameters: { type: 'object', properties: { tz: { type: 'string' } }, required: ['tz'] } },
  ];
  // What the wrappers record of a tool (its type and name: the conventions advise against the rest by default).
  const tools = schemas.map((t) => ({ type: t.type, name: t.name }));
  const input = [{ role: 'system', parts: [{ type: 'text', content: system }] }, ...history.map((t, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', parts: [{ type: 'text', content: t }] }))];
  const content = { input, output: [{ role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' }], tools };
  const openaiBody = {
    model: 'gpt-4o', messages: [{ role: 'system', content: system }, ...history.map((t, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: t }))],
    tools: schemas.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })),
  };
  const openaiAnswer = { id: 'chatcmpl-1', model: 'gpt-4o-2024-08-06', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer } }] };
  const bytes = Buffer.byteLength(JSON.stringify([content.input, content.output, content.tools]));
  return { content, openaiBody, openaiAnswer, bytes };
}

const base = { provider: 'openai', model: 'gpt-4o', latencyMs: 812.5, inputTokens: 1200, outputTokens: 310 };
const small = exchange(4);
const withContent = { ...base, ...small.content };
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function loop(tracer, call) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < LOOP; i++) tracer.recordChatSpan(call);
  const ns = Number(process.hrtime.bigint() - start) / LOOP;
  await tracer.flush();
  return ns;
}

const capturing = new RactoTracer({ captureContent: true, workerExporters: [{ module: discard, exportName: 'DiscardExporter' }] });
const plain = new RactoTracer({ workerExporters: [{ module: discard, exportName: 'DiscardExporter' }] });
await Promise.all([capturing.ready(), plain.ready()]);
const tasks = {
  'record call with a 4 KB exchange, captureContent on': () => loop(capturing, withContent),
  'the same call without content, captureContent on': () => loop(capturing, base),
  'bare call, captureContent off': () => loop(plain, base),
};
const samples = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
for (let r = 0; r < ROUNDS + 2; r++) {
  for (let k = 0; k < 20; k++) {
    for (const [name, run] of Object.entries(tasks)) {
      const ns = await run();
      if (r >= 2) samples[name].push(ns);
    }
  }
}
const stats = capturing.stats();
await Promise.all([capturing.shutdown(), plain.shutdown()]);

// The wrappers' mapping, and the copy alone (a ContentWriter over its own arena, no record).
const capture = { system: true, input: true, output: true, tools: true };
const time = (fn, n = 20_000) => {
  for (let i = 0; i < 2000; i++) fn();
  const out = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    out.push(Number(process.hrtime.bigint() - start) / n);
  }
  return median(out);
};
// The readers write into the call's fields (a CallRecord's; here an object with the same ones).
const target = { capture, system: undefined, input: undefined, tools: undefined, output: undefined, responseId: undefined, finishReasons: undefined };
const mapping = time(() => {
  chatRequest(target, small.openaiBody);
  chatAnswer(target, small.openaiAnswer);
});
const arena = createArena(1 << 24);
const writer = new ContentWriter(arena, capture, 16_384, 1 << 16, () => Infinity, () => undefined);
let n = 0;
const copy = time(() => {
  const len = writer.encode(small.content, 'stop');
  writer.commit(n++, len);
});

// The worker's side: build() of one blob.
const config = { capture, maxContentBytes: 16_384, arenaBytes: 1 << 24, rules: [...SECRET_RULES], patterns: [], scrub: undefined };
const builder = new ContentBuilder(config);
function blobOf(content) {
  const a = createArena(1 << 20);
  const w = new ContentWriter(a, capture, 1 << 20, 16, () => 0, () => undefined);
  const len = w.encode(content, 'stop');
  return { data: a.data, len };
}
const big = exchange(64);
const builds = [['4 KB exchange', small], ['64 KB exchange (truncated to 16 KiB per attribute)', big]].map(([name, ex]) => {
  const b = blobOf(ex.content);
  return { name, bytes: ex.bytes, us: time(() => builder.build(b.data, 0, b.len), 500) / 1000 };
});

const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const names = Object.keys(tasks);
const extra = m[names[0]] - m[names[1]];
const budget = 2000 + small.bytes;
const rows = [
  ...names.map((task) => ({ task, 'ns a call (median)': m[task].toFixed(0) })),
  { task: `content's own cost on the record call (${small.bytes} B of JSON)`, 'ns a call (median)': `${extra.toFixed(0)} (${(extra / small.bytes).toFixed(2)} ns a byte; budget 2 µs + 1 ns a byte = ${budget} ns)` },
  { task: 'of which: the copy into the arena alone (ContentWriter.encode + commit)', 'ns a call (median)': copy.toFixed(0) },
  { task: 'the OpenAI wrapper mapping the request and answer (chatRequest + chatAnswer)', 'ns a call (median)': mapping.toFixed(0) },
];
const workerRows = builds.map((b) => ({ blob: b.name, 'JSON bytes': b.bytes, 'µs a span (median)': b.us.toFixed(1) }));
const result = { bench: 'content', machine: machine(), loop: LOOP, rounds: ROUNDS, rows, workerRows,
  capturingStats: { recorded: stats.recorded, exported: stats.exported, contentDropped: stats.contentDropped } };
if (jsonOutput) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`machine: ${result.machine}`);
  print(`Main thread, content capture (tight loops of ${LOOP}, drained by a worker; medians of ${ROUNDS * 20} alternating samples)`, rows, Object.keys(rows[0]));
  print('Worker, ContentBuilder.build() per span (decode, redaction with the default rules, truncation, JSON)', workerRows, Object.keys(workerRows[0]));
  console.log(`\ncapturing tracer: recorded ${stats.recorded}, exported ${stats.exported}, contentDropped ${JSON.stringify(stats.contentDropped)}`);
}
