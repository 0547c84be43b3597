// Worker stages: CPU cost per span of each step a worker's drain loop takes for a batch of BATCH
// typical chat spans, run in this process on the built modules (no piscina, no main thread):
//   copy + ids      takeRange(): the range copied out of the ring, ids made (unpriced calls are
//                   counted after the copy, when the batch is released)
//   price lookup    priceOfCall() + costOfRecord() per span, the public way to price a record, for
//                   scale (the encoder resolves a price once per model and batch, and its
//                   per-span arithmetic is inside the encode row)
//   encode          OtlpProtoEncoder.encode(): the ExportTraceServiceRequest bytes
//   encode JSON     requestToJson(): the OTLP/HTTP JSON body made from those bytes (http/json),
//                   beside the OTel SDK's JsonTraceSerializer of the same spans, for scale
//   send            OtlpHttpSender / OtlpGrpcSender .send() of one encoded body to
//                   bench/receiver.mjs (another process), one request at a time
//   whole batch     takeRange + encode + send in a loop: the figure a worker pays per span
// Times are CPU time of this process (process.cpuUsage: all its threads, so the kernel's share
// of the sends and the GC threads count too), not wall time, so the receiver's work and time spent
// waiting for it are not counted. Each row is the median of ROUNDS rounds; other load on the two
// cores still moves them by 10-20%. --json prints one JSON document; --gzip adds gzip sends;
// --response gives every span the response fields the provider wrappers record (the answered
// model, a response id of its own, a finish reason, the server's address and port).
import { takeRange } from '../dist/worker/build.js';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { OtlpProtoEncoder } from '../dist/worker/otlp/request.js';
import { requestToJson } from '../dist/worker/otlp/json.js';
import { toReadableSpan } from '../dist/spans/readable-span.js';
import { createResource } from '../dist/spans/resource.js';
import { OtlpGrpcSender, OtlpHttpSender } from '../dist/worker/otlp/transport.js';
import { createRing } from '../dist/shared/ring.js';
import { decodeRecord, emptyFields, encodeRecord } from '../dist/shared/codec.js';
import { CACHE_MISS, CACHE_SHIFT, FLAG_RESPONSE, OP_CHAT } from '../dist/shared/layout.js';
import { StringTableReader, StringTableWriter } from '../dist/shared/strings.js';
import { PriceResolver } from '../dist/pricing/cost.js';
import { costOfRecord, priceOfCall } from '../dist/spans/record.js';
import { jsonOutput, machine, print, startReceiver } from './util.mjs';

const BATCH = 2048;
const ROUNDS = 5;
/** CPU milliseconds each stage runs for in one round (whole iterations, at least MIN_REPS). */
const ROUND_MS = 150;
const MIN_REPS = 4;
const WARM_UP_REQUESTS = 3000;
const withGzip = process.argv.includes('--gzip');
const withResponse = process.argv.includes('--response');

// --- a ring of typical chat spans -------------------------------------------------------------
// 4 models rotating, input and output tokens, cache miss, 0-2 tool calls, no parent span, no
// usage details, no call attributes. The range read wraps around the end of the ring, as most
// ranges of a busy ring do now and then.
const CAPACITY = 4096;
const START = CAPACITY - BATCH / 2;
const ring = createRing(CAPACITY);
const writer = new StringTableWriter(1024, 64 * 1024);
const models = [
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['anthropic', 'claude-sonnet-4-6'],
  ['google', 'gemini-2.0-flash'],
].map(([p, m]) => ({ providerId: writer.intern(p), modelId: writer.intern(m), answeredId: writer.intern(`${m}-2026-01-01`) }));
const stopId = writer.intern('stop');
const serverId = writer.intern('api.openai.com');
const r = emptyFields();
let seed = 12345;
const rand = (n) => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
};
const now = performance.now();
for (let i = 0; i < BATCH; i++) {
  const m = models[i % models.length];
  r.providerId = m.providerId;
  r.modelId = m.modelId;
  r.flags = OP_CHAT | (CACHE_MISS << CACHE_SHIFT);
  r.latencyMs = 200 + rand(3000) + rand(1000) / 1000;
  r.endMs = now - (BATCH - i) * 0.37;
  r.inputTokens = 200 + rand(4000);
  r.outputTokens = 20 + rand(800);
  r.toolCalls = rand(3);
  if (withResponse) {
    r.flags |= FLAG_RESPONSE;
    r.responseModelId = m.answeredId;
    r.responseId = `chatcmpl-${(0x10000000 + i).toString(36)}AbCdEfGhIjKlMnOpQrSt`;
    r.finishId = stopId;
    r.serverId = serverId;
    r.serverPort = 443;
  }
  encodeRecord(ring, START + i, r);
}
const strings = new StringTableReader(writer.buffer);
const ctx = {
  strings,
  prices: new PriceResolver({}),
  timeOrigin: performance.timeOrigin,
  spanNames: 'seed',
  attributeKeys: [],
};
const encoder = new OtlpProtoEncoder({ 'service.name': 'bench' });
const take = () => takeRange(ring, START, START + BATCH, ctx);
const sample = take();
const body = encoder.encode(sample);
const resource = createResource({ 'service.name': 'bench' });
const readable = sample.data.map((d) => toReadableSpan(d, resource));

// --- measuring -------------------------------------------------------------------------------

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Nanoseconds of CPU per span of `fn` (one call = one batch), over at least ROUND_MS. */
async function perSpan(fn) {
  const t0 = cpuMs();
  let reps = 0;
  while (reps < MIN_REPS || cpuMs() - t0 < ROUND_MS) {
    await fn();
    reps++;
  }
  return ((cpuMs() - t0) * 1e6) / (reps * BATCH);
}

let sink = 0;
const fields = emptyFields();
function priceAll() {
  for (let i = 0; i < BATCH; i++) {
    decodeRecord(sample.records, i, fields);
    sink += costOfRecord(priceOfCall(ctx, fields.providerId, fields.modelId), fields, ctx.timeOrigin);
  }
}

const receiver = await startReceiver();
const senderConfig = (url, compression) => ({ url, headers: {}, compression, timeoutMillis: 10_000, concurrency: 4, giveUp: () => false });
const senders = [
  ['OTLP/HTTP', new OtlpHttpSender(senderConfig(`http://127.0.0.1:${receiver.http}/v1/traces`, 'none'))],
  ['OTLP/gRPC', new OtlpGrpcSender(senderConfig(`http://127.0.0.1:${receiver.grpc}`, 'none'))],
];
if (withGzip) {
  senders.push(['OTLP/HTTP gzip', new OtlpHttpSender(senderConfig(`http://127.0.0.1:${receiver.http}/v1/traces`, 'gzip'))]);
  senders.push(['OTLP/gRPC gzip', new OtlpGrpcSender(senderConfig(`http://127.0.0.1:${receiver.grpc}`, 'gzip'))]);
}
async function send(sender, bytes) {
  const outcome = await sender.send(bytes, BATCH);
  if (!outcome.ok) throw new Error(`send failed: ${outcome.message}`);
}

const stages = [
  ['copy + ids (takeRange)', () => void take()],
  ['decode + price lookup (priceOfCall + costOfRecord)', priceAll],
  ['encode (OtlpProtoEncoder)', () => void encoder.encode(sample)],
  ['encode JSON from the protobuf request (requestToJson)', () => void requestToJson(body)],
  ['for scale: OTel SDK JsonTraceSerializer of the same spans', () => void JsonTraceSerializer.serializeRequest(readable)],
  ...senders.map(([name, s]) => [`send, ${name}`, () => send(s, body)]),
  ...senders.map(([name, s]) => [`whole batch, ${name}`, () => send(s, encoder.encode(take()))]),
];

// Warm-up: every stage runs long enough to be optimised before the first measured round. Node's
// own HTTP and HTTP/2 client code takes thousands of requests to reach its steady state (its CPU
// per request falls 3-4x over the first ~3000), which a worker that exports continuously is in:
// a one-span body warms that path quickly, then full batches warm the large-write path.
const small = encoder.encode(takeRange(ring, START, START + 1, ctx));
for (const [, s] of senders) for (let i = 0; i < WARM_UP_REQUESTS; i++) await send(s, small);
for (const [, fn] of stages) for (let i = 0; i < 50; i++) await fn();
const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  const row = [];
  for (const [, fn] of stages) row.push(await perSpan(fn));
  rounds.push(row);
}
await receiver.stop();

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const results = stages.map(([stage], i) => ({
  stage,
  nsPerSpan: Math.round(median(rounds.map((row) => row[i]))),
  rounds: rounds.map((row) => Math.round(row[i])),
}));
const bytesPerSpan = Math.round(body.length / BATCH);
if (jsonOutput) {
  console.log(JSON.stringify({ suite: 'worker-stages', machine: machine(), batch: BATCH, bytesPerSpan, results }, null, 2));
} else {
  console.log(`worker stages, ${BATCH} typical chat spans a batch${withResponse ? ' with response fields' : ''}, ${bytesPerSpan} protobuf bytes a span; ${machine()}`);
  print('CPU ns per span (median of rounds)', results.map((x) => ({ ...x, rounds: x.rounds.join(' ') })), ['stage', 'nsPerSpan', 'rounds']);
}
if (sink < 0) console.log(sink); // keeps the price loop's results alive
// The senders keep sockets open; the receiver is gone, so nothing else is left to wait for.
process.exit(0);
