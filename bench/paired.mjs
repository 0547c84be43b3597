// Paired windows: the tracer's CPU per call, net of the driver, measured inside one process.
//
//   node bench/paired.mjs [--pairs N] [--rates 2000,20000] [--json]
//
// bench/cpu.mjs subtracts a driver-only process from a tracer process. At 20,000 calls/s the
// driver's own cost (~2 µs a call, mostly its timer wake-ups on this VM) moves by ±10 % from one
// process to the next, which is more than the ~100 ns being measured. Here one process runs the
// same paced driver in alternating windows, A recording each call through the tracer (and ending
// with `await flush()`, so export work counts) and B passing it to a no-op, and reports the median
// over N pairs of (A - B) per call: the driver, the JIT state, the process and the machine's
// mood are shared by both sides of each difference. Main thread = first field of
// /proc/self/task/<pid>/schedstat; whole process = process.cpuUsage(). Same driver as cpu.mjs: a
// 5 ms tick records the calls due, each a fresh object kept in a 1,024-slot array.
import { spawn } from 'node:child_process';
import { sdkSide } from './sdk-side.mjs';
import { jsonOutput, machine, median, print, startReceiver, threadCpuNs, wholeNs } from './util.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const PAIRS = Number(arg('pairs', 7));
// --rates 2000: only the scenarios at these rates (comma-separated).
const RATES = arg('rates', undefined)?.split(',').map(Number);
const ALL = [
  { impl: 'ractogateway', transport: 'http', rate: 20_000 },
  { impl: 'ractogateway', transport: 'grpc', rate: 20_000 },
  { impl: 'otel-sdk', transport: 'http', rate: 20_000 },
  { impl: 'ractogateway', transport: 'http', rate: 200_000 },
  { impl: 'ractogateway', transport: 'grpc', rate: 200_000 },
  { impl: 'otel-sdk', transport: 'http', rate: 200_000 },
  { impl: 'ractogateway', transport: 'http', rate: 2_000 },
  { impl: 'ractogateway', transport: 'grpc', rate: 2_000 },
  // Metrics aggregated in the worker and served on a /metrics port, with tail sampling at 10%.
  { impl: 'ractogateway+metrics', transport: 'http', rate: 20_000 },
  { impl: 'ractogateway+metrics', transport: 'http', rate: 200_000 },
];
const SCENARIOS = RATES === undefined ? ALL : ALL.filter((s) => RATES.includes(s.rate));
const MODELS = [['openai', 'gpt-4o'], ['openai', 'gpt-4o-mini'], ['anthropic', 'claude-sonnet-4-6'], ['google', 'gemini-2.5-pro']];

async function main() {
  const receiver = await startReceiver();
  const rows = [];
  for (const s of SCENARIOS) {
    const out = await new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [new URL(import.meta.url).pathname, '--pairs', String(PAIRS), '--scenario', JSON.stringify({ ...s, ports: receiver })], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      p.stdout.on('data', (d) => (text += d));
      p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`scenario exited ${code}`))));
    });
    rows.push({ ...s, ...out });
  }
  await receiver.stop();
  const f = (x, d = 0) => x.toFixed(d);
  const table = rows.map((r) => ({
    impl: r.impl, transport: r.transport, 'rate/s': r.rate.toLocaleString('en'),
    'net main ns/call (median)': f(r.mainNs), 'pairs (main ns)': r.mainPairs.map((x) => f(x)).join(' / '),
    'net whole µs/span (median)': f(r.wholeUs, 2), 'driver alone main ns/call': f(r.driverMainNs),
    dropped: r.dropped,
  }));
  if (jsonOutput) console.log(JSON.stringify({ bench: 'paired', machine: machine(), pairs: PAIRS, rows }, null, 2));
  else {
    console.log(`machine: ${machine()}`);
    print(`Paired windows in one process (tracer A, no-op B), median of ${PAIRS} pairs of (A - B)`, table, Object.keys(table[0]));
  }
}

async function scenario({ impl, transport, rate, ports }) {
  const side = impl.startsWith('ractogateway') ? await racto(transport, ports, impl.endsWith('+metrics')) : await sdkSide({ transport, ports });
  const noop = { record: () => true, flush: async () => undefined };
  const held = new Array(1024);
  let k = 0;
  // Windows of 1 s at 200,000/s, 2 s at 20,000/s, 5 s at 2,000/s.
  const windowCalls = rate * (rate >= 200_000 ? 1 : rate >= 20_000 ? 2 : 5);
  async function window(s) {
    const m0 = threadCpuNs();
    const w0 = wholeNs();
    const start = performance.now();
    let done = 0;
    while (done < windowCalls) {
      const due = Math.min(windowCalls, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      for (; done < due; done++, k++) {
        const [provider, model] = MODELS[k & 3];
        const c = { provider, model, latencyMs: 200 + (k & 255), inputTokens: 1200, outputTokens: 300, cacheHit: 'miss', toolCalls: k & 1 };
        held[k & 1023] = c;
        s.record(c);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await s.flush();
    return { main: (threadCpuNs() - m0) / windowCalls, whole: (wholeNs() - w0) / windowCalls };
  }
  await window(side); // warm-up, both sides
  await window(noop);
  const main = [];
  const whole = [];
  const driver = [];
  for (let i = 0; i < PAIRS; i++) {
    const a = await window(side);
    const b = await window(noop);
    main.push(a.main - b.main);
    whole.push((a.whole - b.whole) / 1000);
    driver.push(b.main);
  }
  const { dropped } = side.counts();
  await side.close();
  process.stdout.write(JSON.stringify({ mainNs: median(main), mainPairs: main, wholeUs: median(whole), driverMainNs: median(driver), dropped }));
}

async function racto(transport, ports, metrics) {
  const { RactoTracer } = await import('../dist/index.js');
  const tracer = new RactoTracer({
    ...(transport === 'grpc' ? { otlpEndpoint: `http://127.0.0.1:${ports.grpc}` } : { otlpHttpEndpoint: `http://127.0.0.1:${ports.http}` }),
    ...(metrics ? { prometheusPort: 0, sampling: { ratio: 0.1 } } : {}),
  });
  await tracer.ready();
  return { record: (c) => tracer.recordChatSpan(c), flush: () => tracer.flush(), counts: () => ({ dropped: tracer.stats().droppedByReason.ringFull }), close: () => tracer.shutdown() };
}


if (process.argv.includes('--scenario')) await scenario(JSON.parse(arg('scenario')));
else await main();
