// The gateway end to end (issue 12): examples/gateway.mjs's proxy under load from autocannon,
// forwarding to a fake OpenAI upstream that answers at once, measured side by side in one run:
// no instrumentation, instrumentOpenAI exporting over OTLP/HTTP, and OpenLLMetry's
// @traceloop/instrumentation-openai on the OTel SDK (BatchSpanProcessor + OTLP/HTTP exporter).
// Plain and streamed requests. Each set-up is its own gateway process (bench/gateway-server.mjs);
// the upstream, the OTLP receiver (bench/receiver.mjs, counting spans) and autocannon (this
// process) run apart from it. Per cell: warm-up, then a measured window; ROUNDS rounds with
// the set-ups interleaved, each round in a rotated order, so drift on a shared machine hits them alike.
//
// Reported: requests/s (2xx), p50/p99 latency (ms), the gateway's main thread's own CPU per
// request (the first field of its /proc/<pid>/task/<pid>/schedstat, read by the gateway itself
// before and after the window: util.mjs threadCpuNs) and against none, the gateway process's CPU
// per request (process.cpuUsage() over the window, every thread, in µs), and the spans that
// reached the receiver per request. Env: GATEWAY_SECONDS (default 10), GATEWAY_ROUNDS (3), GATEWAY_CONNECTIONS (10),
// GATEWAY_MODES, GATEWAY_ASK_USAGE (below).
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import autocannon from 'autocannon';
import { startUpstream } from '../examples/gateway.mjs';
import { jsonOutput, machine, print } from './util.mjs';

const SECONDS = Number(process.env.GATEWAY_SECONDS ?? 10);
const ROUNDS = Number(process.env.GATEWAY_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.GATEWAY_CONNECTIONS ?? 10);
const WARMUP_SECONDS = 2;
const VARIANTS = ['none', 'ractogateway', 'openllmetry'];
// GATEWAY_MODES=streamed runs one mode; GATEWAY_ASK_USAGE=1 makes the load's streamed requests ask
// for usage themselves (stream_options.include_usage), so every set-up receives the usage chunk
// and the comparison shows the wrapper's own cost apart from the usage it asks OpenAI for.
const MODES = Object.fromEntries(Object.entries({ plain: false, streamed: true })
  .filter(([mode]) => (process.env.GATEWAY_MODES ?? 'plain,streamed').split(',').includes(mode)));
const ASK_USAGE = process.env.GATEWAY_ASK_USAGE === '1';

async function startCountingReceiver() {
  const child = spawn(process.execPath, [new URL('./receiver.mjs', import.meta.url).pathname, '--count-spans'], {
    stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
  });
  os.setPriority(child.pid, 10);
  const [line] = await once(child.stdout, 'data');
  const { http } = JSON.parse(String(line).split('\n')[0]);
  const counts = async () => {
    child.send('count');
    const [msg] = await once(child, 'message');
    return msg;
  };
  return { url: `http://127.0.0.1:${http}`, counts, stop: () => { child.stdin.end(); return once(child, 'exit'); } };
}

async function startGateway(variant, upstream, receiver) {
  const child = fork(new URL('./gateway-server.mjs', import.meta.url).pathname, [variant, upstream.url, receiver.url], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [line] = await once(child.stdout, 'data');
  const { port } = JSON.parse(String(line).split('\n')[0]);
  const ask = async (msg) => {
    child.send(msg);
    const [answer] = await once(child, 'message');
    return answer;
  };
  return { url: `http://127.0.0.1:${port}/v1/chat/completions`, cpu: () => ask('cpu'), stop: () => ask('stop') };
}

function load(url, stream, duration) {
  const body = JSON.stringify({
    model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'Say hello.' }],
    ...(stream && ASK_USAGE ? { stream_options: { include_usage: true } } : {}),
  });
  return autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration });
}

async function cell(variant, stream, upstream, receiver) {
  const spans0 = (await receiver.counts()).spans;
  const gw = await startGateway(variant, upstream, receiver);
  const warm = await load(gw.url, stream, WARMUP_SECONDS);
  const cpu0 = await gw.cpu();
  const r = await load(gw.url, stream, SECONDS);
  const cpu1 = await gw.cpu();
  const { stats } = await gw.stop();
  const spans1 = (await receiver.counts()).spans;
  const ok = r['2xx'];
  const cpuUs = cpu1.user - cpu0.user + cpu1.system - cpu0.system;
  return {
    rps: ok / r.duration, p50: r.latency.p50, p99: r.latency.p99, cpuPerReqUs: cpuUs / ok, mainPerReqUs: (cpu1.mainNs - cpu0.mainNs) / 1000 / ok,
    errors: r.non2xx + r.errors,
    // Every span this gateway delivered (its flush at stop included) per request it answered.
    spansPerReq: (spans1 - spans0) / (warm['2xx'] + ok), stats,
  };
}

const upstream = await startUpstream();
const receiver = await startCountingReceiver();
const runs = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const [mode, stream] of Object.entries(MODES)) {
    // Each round starts with another set-up, so none of them always meets the machine first.
    const order = [...VARIANTS.slice(round % VARIANTS.length), ...VARIANTS.slice(0, round % VARIANTS.length)];
    for (const variant of order) runs.push({ round, mode, variant, ...(await cell(variant, stream, upstream, receiver)) });
  }
}
await receiver.stop();
await upstream.stop();

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rows = [];
for (const mode of Object.keys(MODES)) {
  const base = mean(runs.filter((r) => r.mode === mode && r.variant === 'none').map((r) => r.rps));
  const baseMain = median(runs.filter((r) => r.mode === mode && r.variant === 'none').map((r) => r.mainPerReqUs));
  for (const variant of VARIANTS) {
    const rs = runs.filter((r) => r.mode === mode && r.variant === variant);
    const rps = mean(rs.map((r) => r.rps));
    rows.push({
      mode, variant, 'req/s': Math.round(rps), 'vs none': `${((rps / base - 1) * 100).toFixed(1)} %`,
      'p50 ms': mean(rs.map((r) => r.p50)).toFixed(2), 'p99 ms': mean(rs.map((r) => r.p99)).toFixed(2),
      'main thread µs/req (median)': median(rs.map((r) => r.mainPerReqUs)).toFixed(1),
      'main vs none': `${((median(rs.map((r) => r.mainPerReqUs)) / baseMain - 1) * 100).toFixed(1)} %`,
      'CPU µs/req': Math.round(mean(rs.map((r) => r.cpuPerReqUs))), 'spans/req': mean(rs.map((r) => r.spansPerReq)).toFixed(3),
      errors: rs.reduce((a, r) => a + r.errors, 0),
    });
  }
}
if (jsonOutput) console.log(JSON.stringify({ suite: 'gateway', machine: machine(), seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, rows, runs }));
else {
  console.log(`bench/gateway.mjs: ${machine()}; ${CONNECTIONS} connections, ${ROUNDS} x ${SECONDS} s per cell (after ${WARMUP_SECONDS} s warm-up)`);
  print('Gateway end to end (mean of the rounds; main thread: median of the rounds)', rows,
    ['mode', 'variant', 'req/s', 'vs none', 'p50 ms', 'p99 ms', 'main thread µs/req (median)', 'main vs none', 'CPU µs/req', 'spans/req', 'errors']);
}
