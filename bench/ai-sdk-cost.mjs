// What the AI SDK integration costs per call on the main thread, beside the AI SDK's own
// `@ai-sdk/otel` integration on the OpenTelemetry SDK 3.x, in one process and one run (sides and
// calls: bench/ai-sdk-sides.mjs). Node 22+ (the AI SDK 7 needs it), with test/node22's packages.
//
// Paced load: a 5 ms tick starts the calls due at the table's rate (not awaited); a window ends
// when every call settled and the side's flush() resolved, so export work on the main thread
// counts. Each round runs one window per side, in rotating order: none (no integration),
// ractogateway (aiSdkTelemetry; its worker exports over OTLP/HTTP), @ai-sdk/otel (its
// BatchSpanProcessor exports over OTLP/HTTP protobuf), both to bench/receiver.mjs in another
// process, and in the first table an integration with ractogateway's callbacks doing nothing (the
// AI SDK's own work for any integration with those callbacks). Main thread = first field of
// /proc/<pid>/task/<pid>/schedstat; whole process = process.cpuUsage(). Per call, net of `none` in
// the same round; median of the rounds.
//
// Two tables:
// - "integration": the telemetry events one real call dispatched, captured once, replayed per call
//   through the AI SDK's own dispatcher (createTelemetryDispatcher: it copies each event for each
//   integration). What an integration adds to a call, without the ~1-5 ms of CPU the AI SDK spends
//   on the call itself, whose jitter between windows is larger than the integrations' cost.
// - "whole call": the real generateText / streamText calls, the provider answering from memory.
//   What it adds also holds what the replay cannot: a streamText with an integration collects its
//   content. Its figures sit inside the AI SDK's jitter.
import { capture, m, replayer, scenarios, sides } from './ai-sdk-sides.mjs';
import { jsonOutput, machine, median, print, startReceiver, threadCpuNs, wholeNs } from './util.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const ROUNDS = arg('rounds', 9);
const TICK_MS = 5;
const TABLES = [
  // The replay costs tens of µs a call: a rate that loads the main thread like a busy gateway.
  { table: 'integration', rate: { generateText: arg('replay-rate', 2000), 'streamText (8 chunks)': arg('replay-rate', 2000) }, windowMs: arg('replay-window', 1000) },
  // The AI SDK alone costs ~1 ms of CPU per generateText and ~4 ms per streamText on these VMs.
  { table: 'whole call', rate: { generateText: arg('rate', 200), 'streamText (8 chunks)': arg('stream-rate', 100) }, windowMs: arg('window', 2000) },
];


// Both integrations read the active context: an application traced with the OTel SDK has a
// context manager, so every side runs with one.
m.otelApi.context.setGlobalContextManager(new m.otelContext.AsyncLocalStorageContextManager().enable());
globalThis.AI_SDK_LOG_WARNINGS = false;

/** One paced window: `make(telemetry)` gives a call to start (made before the window opens); CPU per call. */
async function window(side, make, rate, windowMs) {
  const telemetry = { integrations: side.integrations };
  const total = Math.round((rate * windowMs) / 1000);
  const calls = Array.from({ length: total }, () => make(telemetry));
  const pending = [];
  const m0 = threadCpuNs();
  const w0 = wholeNs();
  const t0 = performance.now();
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.round(((performance.now() - t0) * rate) / 1000));
      while (pending.length < due) pending.push(calls[pending.length]());
      if (pending.length < total) setTimeout(tick, TICK_MS);
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  await side.flush();
  return { main: (threadCpuNs() - m0) / total, whole: (wholeNs() - w0) / total };
}

const receiver = await startReceiver();
const every = sides(receiver);
const us = (ns) => (ns / 1000).toFixed(1);
const rows = [];
for (const { table, rate, windowMs } of TABLES) {
  // The no-op side only where it can be told from the noise.
  const all = table === 'integration' ? every : every.filter((s) => !s.name.startsWith('no-op'));
  const measured = all.filter((s) => s.name !== 'none');
  for (const scenario of Object.keys(scenarios)) {
    const make = table === 'integration' ? replayer(await capture(scenario)) : (telemetry) => () => scenarios[scenario](telemetry);
    for (const side of all) await window(side, make, rate[scenario], windowMs); // warm-up
    const net = Object.fromEntries(measured.map((s) => [s.name, { main: [], whole: [] }]));
    const base = [];
    for (let r = 0; r < ROUNDS; r++) {
      const got = {};
      for (let i = 0; i < all.length; i++) {
        const side = all[(i + r) % all.length];
        got[side.name] = await window(side, make, rate[scenario], windowMs);
      }
      base.push(got.none.main);
      for (const s of measured) {
        net[s.name].main.push(got[s.name].main - got.none.main);
        net[s.name].whole.push(got[s.name].whole - got.none.whole);
      }
    }
    for (const s of measured) {
      rows.push({ table, scenario, 'rate/s': rate[scenario], integration: s.name, 'main µs/call': us(median(net[s.name].main)),
        rounds: net[s.name].main.map(us).join(' / '), 'whole µs/call': us(median(net[s.name].whole)), 'none: main µs/call': us(median(base)) });
    }
    const ratio = (k) => `${(median(net['@ai-sdk/otel'][k]) / median(net.ractogateway[k])).toFixed(1)}×`;
    rows.push({ table, scenario, 'rate/s': '', integration: '@ai-sdk/otel ÷ ractogateway', 'main µs/call': ratio('main'), rounds: '',
      'whole µs/call': ratio('whole'), 'none: main µs/call': '' });
  }
}
const exported = Object.fromEntries(every.filter((s) => s.name === 'ractogateway' || s.name === '@ai-sdk/otel').map((s) => [s.name, s.spans()]));
for (const side of every) await side.close();
await receiver.stop();

const columns = ['table', 'scenario', 'rate/s', 'integration', 'main µs/call', 'rounds', 'whole µs/call', 'none: main µs/call'];
if (jsonOutput) console.log(JSON.stringify({ suite: 'ai-sdk-cost', machine: machine(), rounds: ROUNDS, tables: TABLES, rows, exported }));
else {
  console.log(`bench/ai-sdk-cost.mjs: ${machine()}; ${ROUNDS} rounds; spans acknowledged by the receiver: ${Object.entries(exported).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  print('AI SDK integrations, CPU per call net of no integration (median of rounds)', rows, columns);
}
