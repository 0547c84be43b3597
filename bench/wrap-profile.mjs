// One variant of a plain OpenAI chat call, alone in its process, to profile with perf:
//
//   node --perf-basic-prof bench/wrap-profile.mjs --variant sdk|ractogateway|noop|observe [--calls 20000] [--dist dir]
//   node bench/wrap-profile.mjs --variant sdk,ractogateway [--calls 6000]   (alternating in one process)
//   perf record -g -k CLOCK_MONOTONIC -o sdk.data -- node --perf-basic-prof bench/wrap-profile.mjs --variant sdk
//   perf report -i sdk.data --time <window printed> --tid <main thread> --no-children --sort sym
//
// The real `openai` client with bench/canned.mjs's fetch (no network), `calls` sequential
// chat.completions.create() calls after as many again to warm up:
//   sdk           the plain client;
//   ractogateway  instrumentOpenAI on a RactoTracer exporting to a discarding SpanExporter in its
//                 worker (bench/discard-exporter.mjs);
//   noop          instrumentOpenAI on an object whose record methods do nothing
//                 (the wrapper's own work, without the record);
//   observe       the plain client, each APIPromise given the same own properties the wrapper
//                 sets (a symbol-keyed one, parseResponse replaced, asResponse) with functions
//                 that only forward: the shape change alone, no async step of ours.
// Printed: this thread's own CPU per measured call (schedstat, util.mjs threadCpuNs), so two
// profiles of the same number of calls can be compared sample for sample.
import OpenAI from 'openai';
import { pathToFileURL } from 'node:url';
import { openaiFetch } from './canned.mjs';
import { threadCpuNs } from './util.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const VARIANT = arg('variant', 'sdk');
const CALLS = Number(arg('calls', 20000));
const dist = pathToFileURL(`${arg('dist', new URL('../dist', import.meta.url).pathname)}/`);
const { RactoTracer } = await import(new URL('index.js', dist).href);
const { instrumentOpenAI } = await import(new URL('instrument/index.js', dist).href);

const options = { apiKey: 'k', maxRetries: 0, fetch: openaiFetch() };
let tracer;
async function clientOf(VARIANT) {
  let client;
  if (VARIANT === 'sdk') client = new OpenAI(options);
  else if (VARIANT === 'ractogateway') {
    tracer ??= new RactoTracer({ workerExporters: [{ module: new URL('./discard-exporter.mjs', import.meta.url).pathname, exportName: 'DiscardExporter' }] });
    await tracer.ready();
    client = instrumentOpenAI(new OpenAI(options), tracer);
  } else if (VARIANT === 'noop') {
    client = instrumentOpenAI(new OpenAI(options), { recordChatSpan: () => true, recordEmbedSpan: () => true });
  } else if (VARIANT === 'observe') {
    client = new OpenAI(options);
    const create = client.chat.completions.create;
    const TAG = Symbol('tag');
    function forwardParse(c, props) {
      return this[TAG].call(this, c, props);
    }
    function forwardAsResponse() {
      return Object.getPrototypeOf(this).asResponse.call(this);
    }
    Object.defineProperty(client.chat.completions, 'create', {
      configurable: true, writable: true,
      value(body, reqOptions) {
        const p = create.call(this, body, reqOptions);
        p[TAG] = p.parseResponse;
        p.parseResponse = forwardParse;
        p.asResponse = forwardAsResponse;
        return p;
      },
    });
  } else throw new RangeError(`--variant: sdk, ractogateway, noop or observe, not ${VARIANT}`);
  return client;
}

const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] };
let sink = 0;
async function run(client, n) {
  for (let i = 0; i < n; i++) sink += (await client.chat.completions.create(body)).choices.length;
}
const variants = VARIANT.split(',');
if (variants.length === 1) {
  const client = await clientOf(VARIANT);
  await run(client, CALLS);
  const t = threadCpuNs();
  const from = process.hrtime.bigint();
  await run(client, CALLS);
  const to = process.hrtime.bigint();
  const us = (threadCpuNs() - t) / CALLS / 1000;
  // The measured window on CLOCK_MONOTONIC (perf record -k CLOCK_MONOTONIC; perf report --time from,to).
  const sec = (ns) => (Number(ns / 1000n) / 1e6).toFixed(6);
  console.log(`${VARIANT}: ${us.toFixed(1)} µs/call main-thread CPU over ${CALLS} calls (${sink} choices); window ${sec(from)},${sec(to)}`);
} else {
  // Several variants (a client each, the same variant twice for a control) alternating in rounds
  // of 300 calls in this one process, as bench/instrument-cost.mjs runs them.
  const clients = [];
  for (const v of variants) clients.push(await clientOf(v));
  const rounds = Math.max(1, Math.round(CALLS / 300));
  const us = clients.map(() => []);
  for (let r = -2; r < rounds; r++) {
    for (let k = 0; k < clients.length; k++) {
      const i = (k + Math.max(r, 0)) % clients.length;
      const t = threadCpuNs();
      await run(clients[i], 300);
      if (r >= 0) us[i].push((threadCpuNs() - t) / 300 / 1000);
    }
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  console.log(variants.map((v, i) => `${v} ${median(us[i]).toFixed(1)}`).join(', '),
    `µs/call; paired vs the first: ${variants.slice(1).map((v, j) => `${v} +${median(us[j + 1].map((x, r) => x - us[0][r])).toFixed(1)}`).join(', ')} (${rounds} rounds)`);
}
await tracer?.shutdown();
