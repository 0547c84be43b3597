// The instrumented OpenAI client against the plain one, in one process, over real HTTP:
//
//   node bench/client-ab.mjs [--rounds 10] [--calls 400]
//
// Both clients talk to examples/upstream.mjs (another process, answering at once), plain and
// streamed (8 chunks and the usage chunk, which every request asks for, so both receive the same
// bytes). Rounds alternate plain / instrumented, each `calls` sequential calls; the figure is the
// median over rounds of this process's CPU per call (process.cpuUsage(): every thread, so the
// tracer's worker is included; it exports to a discarding SpanExporter loaded in the worker).
// bench/gateway.mjs measures the same wrapper inside a loaded gateway, where a separate process
// per set-up and the two shared cores make ±10 % between cells common; alternating inside one
// process takes that away.
import OpenAI from 'openai';
import { startUpstream } from '../examples/gateway.mjs';
import { RactoTracer } from '../dist/index.js';
import { instrumentOpenAI } from '../dist/instrument/index.js';
import { jsonOutput, machine, print } from './util.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const ROUNDS = arg('rounds', 10);
const CALLS = arg('calls', 400);

const upstream = await startUpstream();
const tracer = new RactoTracer({ workerExporters: [{ module: new URL('./discard-exporter.mjs', import.meta.url).pathname, exportName: 'DiscardExporter' }] });
await tracer.ready();
const options = { apiKey: 'k', baseURL: `${upstream.url}/v1`, maxRetries: 0 };
const plain = new OpenAI(options);
const instrumented = instrumentOpenAI(new OpenAI(options), tracer);
const messages = [{ role: 'user', content: 'Say hello.' }];
const bodies = {
  plain: { model: 'gpt-4o-mini', messages },
  streamed: { model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } },
};

async function round(client, mode) {
  let sink = 0;
  const c0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    if (mode === 'plain') {
      sink += (await client.chat.completions.create(bodies.plain)).choices.length;
    } else {
      const stream = await client.chat.completions.create(bodies.streamed);
      for await (const chunk of stream) sink += chunk.choices.length;
    }
  }
  const c = process.cpuUsage(c0);
  if (sink < 0) console.log(sink);
  return (c.user + c.system) / CALLS;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rows = [];
for (const mode of ['plain', 'streamed']) {
  await round(plain, mode);
  await round(instrumented, mode);
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await round(plain, mode));
    b.push(await round(instrumented, mode));
  }
  const diffs = a.map((x, i) => b[i] - x);
  rows.push({
    mode, 'plain client µs/call': median(a).toFixed(0), 'instrumented µs/call': median(b).toFixed(0),
    'difference µs (median of pairs)': median(diffs).toFixed(1), 'pairs': diffs.map((d) => d.toFixed(0)).join(' '),
  });
}
const stats = tracer.stats();
await tracer.shutdown();
await upstream.stop();
if (jsonOutput) console.log(JSON.stringify({ suite: 'client-ab', machine: machine(), rounds: ROUNDS, calls: CALLS, rows, exported: stats.exported }));
else {
  console.log(`bench/client-ab.mjs: ${machine()}; ${ROUNDS} alternating rounds of ${CALLS} calls; ${stats.exported} spans exported`);
  print('OpenAI client over HTTP to the fake upstream: process CPU per call', rows, Object.keys(rows[0]));
}
