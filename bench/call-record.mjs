// The provider wrappers' own per-call work on the main thread, without the SDK and without the
// tracer: a CallRecord made at the call's start (it captures the parent) and ended with its answer
// (a reader copies the usage into it; it is the record call's input), on a tracer whose record
// methods do nothing. 200,000 calls a
// round, 3 warm-up rounds, the median of 9. argv[2]: the context set-up, 'none' (no OTel context
// manager), 'als' (an AsyncLocalStorage manager, no active span) or 'span' (one, with a sampled
// span active); argv[3]: the built package to load (default ../dist), to compare two builds.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { pathToFileURL } from 'node:url';

const setup = process.argv[2] ?? 'none';
const dist = process.argv[3] === undefined ? new URL('../dist/', import.meta.url) : pathToFileURL(`${process.argv[3]}/`);
const { CallRecord } = await import(new URL('instrument/call.js', dist).href);
if (setup !== 'none') context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

let records = 0;
const tracer = { recordChatSpan: () => ++records > 0, recordEmbedSpan: () => ++records > 0 };
const options = { provider: 'openai', attributes: undefined, streamUsage: true };
const answer = { model: 'gpt-4o-mini-2024-07-18', usage: { prompt_tokens: 12, completion_tokens: 5 } };
const reader = {
  answer(call, data) {
    call.answeredBy(data.model);
    call.inputTokens = data.usage.prompt_tokens;
    call.outputTokens = data.usage.completion_tokens;
  },
  chunk: (_call, chunk) => chunk,
};
const body = { model: 'gpt-4o-mini' };
const parent = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
const N = 200_000;

const calls = () => {
  for (let i = 0; i < N; i++) new CallRecord(tracer, options.provider, 'chat', reader, body.model, options.attributes).answered(answer);
};
const round = () => {
  const t = process.hrtime.bigint();
  if (setup === 'span') context.with(trace.setSpanContext(context.active(), parent), calls);
  else calls();
  return Number(process.hrtime.bigint() - t) / N;
};
for (let i = 0; i < 3; i++) round();
const ns = Array.from({ length: 9 }, round).sort((a, b) => a - b);
if (records !== 12 * N) throw new Error(`expected ${12 * N} records, saw ${records}`);
console.log(`bench/call-record.mjs ${setup} (${process.argv[3] ?? 'dist'}): ${ns[4].toFixed(0)} ns a call (median of 9; min ${ns[0].toFixed(0)}, max ${ns[8].toFixed(0)})`);
