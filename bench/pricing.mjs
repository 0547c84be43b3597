// Worker pricing with many distinct models: spans/s of the worker's path from a drained range to
// its OTLP bytes (takeRange: copy, ids; unpriced counts; encode: a Shape and its price per
// provider and model, the cost arithmetic per span) over batches whose 2,048 chat spans name
// 1,000 distinct (provider, model) pairs, and the public per-span price of a decoded record.
// Run in this process on the built modules (no piscina, no sends); CPU time of this process.
//   warm            every model's price already resolved (the steady state of a worker), with
//                   no price table: before issue 13 most of these models were unpriced (cost 0)
//   warm, table     the same with a user price table holding all 1,000 models, so every span
//                   is priced both before and after issue 13 (the like-for-like comparison)
//   cold            a fresh context per batch: every model resolved again (a worker's first
//                   batches; genai-prices' own lookups stay cached per thread)
// The model ids are genai-prices' own (OpenAI, Anthropic, Google, Mistral, DeepSeek, xAI, Groq,
// AWS, Azure), then dated and `provider/` variants of them up to 1,000. Median of ROUNDS rounds.
import { createRequire } from 'node:module';
import { takeRange } from '../dist/worker/build.js';
import { OtlpProtoEncoder } from '../dist/worker/otlp/request.js';
import { createRing } from '../dist/shared/ring.js';
import { decodeRecord, emptyFields, encodeRecord } from '../dist/shared/codec.js';
import { CACHE_MISS, CACHE_SHIFT, OP_CHAT } from '../dist/shared/layout.js';
import { StringTableReader, StringTableWriter } from '../dist/shared/strings.js';
import * as cost from '../dist/pricing/cost.js';
import * as record from '../dist/spans/record.js';
import { jsonOutput, machine, print } from './util.mjs';

const BATCH = 2048;
const MODELS = 1000;
const ROUNDS = 7;
const ROUND_MS = 300;

// --- 1,000 (provider, model) pairs ------------------------------------------------------------
const gp = createRequire(import.meta.url)('@pydantic/genai-prices');
const data = await gp.waitForUpdate();
const PROVIDERS = ['openai', 'anthropic', 'google', 'mistral', 'deepseek', 'x-ai', 'groq', 'aws', 'azure'];
const base = [];
for (const id of PROVIDERS) for (const m of data.find((p) => p.id === id)?.models ?? []) base.push([id, m.id]);
const pairs = base.slice(0, MODELS);
for (let i = 0; pairs.length < MODELS; i++) {
  const [p, m] = base[i % base.length];
  pairs.push(i % 2 === 0 ? [p, `${m}-2025-0${1 + (i % 9)}-15`] : [p, `${p}/${m}`]);
}

// --- a ring of chat spans over those models ---------------------------------------------------
const CAPACITY = 4096;
const START = CAPACITY - BATCH / 2;
const ring = createRing(CAPACITY);
const writer = new StringTableWriter(4096, 256 * 1024);
const ids = pairs.map(([p, m]) => ({ providerId: writer.intern(p), modelId: writer.intern(m) }));
const r = emptyFields();
let seed = 12345;
const rand = (n) => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
};
const now = performance.now();
for (let i = 0; i < BATCH; i++) {
  const m = ids[rand(MODELS)];
  r.providerId = m.providerId;
  r.modelId = m.modelId;
  r.flags = OP_CHAT | (CACHE_MISS << CACHE_SHIFT);
  r.latencyMs = 200 + rand(3000);
  r.endMs = now - (BATCH - i) * 0.37;
  r.inputTokens = 200 + rand(4000);
  r.cachedInputTokens = rand(4) === 0 ? rand(200) : 0;
  r.outputTokens = 20 + rand(800);
  r.toolCalls = rand(3);
  encodeRecord(ring, START + i, r);
}
const strings = new StringTableReader(writer.buffer);
// The price table a tracer with no priceTable option hands its workers: before issue 13 the
// default table itself, since then only the user's entries (none here).
const newApi = typeof record.costOfRecord === 'function';
const { DEFAULT_COST_TABLE } = await import('../dist/pricing/default-table.js');
const { priceTableToData } = await import('../dist/pricing/model-pricing.js');
const table = newApi ? {} : priceTableToData(DEFAULT_COST_TABLE);
const makeCtx = (t = table) => ({ strings, prices: new cost.PriceResolver(t), timeOrigin: performance.timeOrigin, spanNames: 'seed', attributeKeys: [] });
const fullTable = newApi ? {} : { ...table };
for (const [, m] of pairs) fullTable[m] = { inputPerMillion: 1 + (m.length % 7), outputPerMillion: 3, cachedInputPerMillion: 0.5 };
const tableCtx = makeCtx(fullTable);
const encoder = new OtlpProtoEncoder({ 'service.name': 'bench' });
const warmCtx = makeCtx();
const sample = takeRange(ring, START, START + BATCH, warmCtx);

let sink = 0;
const fields = emptyFields();
/** The public way to price one decoded record. */
const priceRecord = newApi
  ? (ctx, f) => record.costOfRecord(record.priceOfCall(ctx, f.providerId, f.modelId), f, ctx.timeOrigin)
  : (ctx, f) => cost.costOf(record.priceOfModel(ctx, f.modelId).pricing, f);
function priceAll() {
  for (let i = 0; i < BATCH; i++) {
    decodeRecord(sample.records, i, fields);
    sink += priceRecord(warmCtx, fields);
  }
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function perSpan(fn) {
  const t0 = cpuMs();
  let reps = 0;
  while (reps < 3 || cpuMs() - t0 < ROUND_MS) {
    fn();
    reps++;
  }
  return ((cpuMs() - t0) * 1e6) / (reps * BATCH);
}

// What a worker does with a batch: copy it, encode it, count its unpriced calls (inside
// takeRange before issue 13; since then on first use, after the ring's slots are released).
const batch = (ctx) => {
  const range = takeRange(ring, START, START + BATCH, ctx);
  encoder.encode(range);
  sink += range.unpricedIds.size;
};
const stages = [
  ['takeRange + encode, warm', () => batch(warmCtx)],
  ['takeRange + encode, warm, table', () => batch(tableCtx)],
  ['takeRange + encode, cold', () => batch(makeCtx())],
  ['decode + price a record (public functions)', priceAll],
];
for (const [, fn] of stages) for (let i = 0; i < 20; i++) fn();
const rounds = [];
for (let round = 0; round < ROUNDS; round++) rounds.push(stages.map(([, fn]) => perSpan(fn)));

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const results = stages.map(([stage], i) => {
  const ns = median(rounds.map((row) => row[i]));
  return { stage, nsPerSpan: Math.round(ns), spansPerSec: Math.round(1e9 / ns), rounds: rounds.map((row) => Math.round(row[i])).join(' ') };
});
const sources = {};
for (const d of sample.data) sources[d.record.priceSource] = (sources[d.record.priceSource] ?? 0) + 1;
if (jsonOutput) {
  console.log(JSON.stringify({ suite: 'pricing', machine: machine(), batch: BATCH, models: MODELS, sources, results }, null, 2));
} else {
  console.log(`worker pricing, ${BATCH} chat spans a batch over ${MODELS} distinct models (price sources of a batch: ${JSON.stringify(sources)}); ${machine()}`);
  print('CPU per span (median of rounds)', results, ['stage', 'nsPerSpan', 'spansPerSec', 'rounds']);
}
if (sink < 0) console.log(sink);
