// Cold start: a fresh process makes a tracer, awaits ready(), and from the next millisecond offers
// RATE calls/s for SECONDS (every millisecond the calls due by then, as bench/e2e.mjs drives),
// exported over OTLP (HTTP and gRPC) to bench/receiver.mjs in another process.
//
//   node bench/cold-start.mjs [--rate 600000] [--seconds 1] [--runs 4] [--json]
//
// Each run is its own child process (nothing warm from a previous run). Reported per run: how
// long the tracer took to be ready, the calls refused (record calls that returned false) in the
// first 100 ms, the first 200 ms and the whole window, the tracer's own counts once flushed
// (recorded == exported + dropped + failed + pending), and the calls refused when the same window
// is offered again in the same process, warm: a rate this machine cannot sustain at all shows there.
import { spawn } from 'node:child_process';
import { jsonOutput, machine, print, startReceiver } from './util.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
// The child gets them through --child (its own argv has only that).
const childArg = process.argv.indexOf('--child');
const childConfig = childArg < 0 ? {} : JSON.parse(process.argv[childArg + 1]);
const RATE = childConfig.rate ?? Number(arg('rate', 600_000));
const SECONDS = childConfig.seconds ?? Number(arg('seconds', 1));
const RUNS = Number(arg('runs', 4));
const MODELS = [['openai', 'gpt-4o'], ['openai', 'gpt-4o-mini'], ['anthropic', 'claude-sonnet-4-6'], ['google', 'gemini-2.5-pro']];

async function main() {
  const receiver = await startReceiver();
  const rows = [];
  for (const transport of ['http', 'grpc']) {
    for (let run = 1; run <= RUNS; run++) {
      const out = await new Promise((resolve, reject) => {
        const p = spawn(process.execPath, [new URL(import.meta.url).pathname, '--child', JSON.stringify({ transport, ports: receiver, rate: RATE, seconds: SECONDS })], { stdio: ['ignore', 'pipe', 'inherit'] });
        let text = '';
        p.stdout.on('data', (d) => (text += d));
        p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`run exited ${code}`))));
      });
      rows.push({ transport, run, ...out });
    }
  }
  await receiver.stop();
  const table = rows.map((r) => ({
    transport: r.transport, run: r.run, 'ready ms': r.readyMs.toFixed(0), 'refused, first 100 ms': r.refused100, 'first 200 ms': r.refused200,
    'whole window': r.refused, 'same window again, warm': r.warmRefused, recorded: r.stats.recorded, exported: r.stats.exported, dropped: r.stats.dropped, failed: r.stats.failed, pending: r.stats.pending,
  }));
  if (jsonOutput) console.log(JSON.stringify({ suite: 'cold-start', machine: machine(), rate: RATE, seconds: SECONDS, rows }));
  else {
    console.log(`bench/cold-start.mjs: ${machine()}; ${RATE.toLocaleString('en')} calls/s offered for ${SECONDS} s from the first millisecond after ready(), a fresh process per run`);
    print('Cold start (calls refused by a full ring)', table, Object.keys(table[0]));
  }
}

async function child({ transport, ports }) {
  const { RactoTracer } = await import('../dist/index.js');
  const t0 = performance.now();
  const tracer = new RactoTracer(transport === 'grpc' ? { otlpEndpoint: `http://127.0.0.1:${ports.grpc}` } : { otlpHttpEndpoint: `http://127.0.0.1:${ports.http}` });
  await tracer.ready();
  const start = performance.now();
  const readyMs = start - t0;
  const cold = await window(tracer, start);
  await tracer.flush();
  const s = tracer.stats();
  // The same load again, now that everything is warm: what this machine sustains at this rate.
  const warm = await window(tracer, performance.now());
  await tracer.shutdown();
  process.stdout.write(JSON.stringify({ readyMs, ...cold, warmRefused: warm.refused,
    stats: { recorded: s.recorded, exported: s.exported, dropped: s.dropped, failed: s.failed, pending: s.pending } }));
}

async function window(tracer, start) {
  const total = Math.round(RATE * SECONDS);
  const calls = MODELS.map(([provider, model]) => ({ provider, model, latencyMs: 200, inputTokens: 1200, outputTokens: 300, cacheHit: 'miss', toolCalls: 0 }));
  let done = 0;
  let refused = 0;
  let refused100 = 0;
  let refused200 = 0;
  while (done < total) {
    const now = performance.now() - start;
    const due = Math.min(total, Math.floor((now * RATE) / 1000) + 1);
    for (; done < due; done++) if (!tracer.recordChatSpan(calls[done & 3])) refused++;
    if (now < 100) refused100 = refused;
    if (now < 200) refused200 = refused;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return { refused, refused100, refused200 };
}

if (childArg >= 0) await child(childConfig);
else await main();
