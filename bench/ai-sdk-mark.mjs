// What marking the AI SDK's model calls for the wire capture costs (issue 28: one call, one span),
// before/after, each variant ALONE in its own process:
//
//   node bench/ai-sdk-mark.mjs --baseline <dir> [--rounds 5] [--calls 500] [--alloc-runs 1]
//                              [--cases generateText,streamText,callbacks] [--als] [--json]
//
// The real AI SDK 7 with @ai-sdk/openai (test/node22's packages; Node 22+) calling a fake
// OpenAI-compatible provider over real HTTP on 127.0.0.1 (this file with --provider, in its own
// process: a JSON chat completion, or 8 SSE chunks and a usage chunk for a stream), so that the
// calls go through globalThis.fetch and undici, where the wire capture sees them. The case
// `callbacks` calls the integration's three callbacks of one generateText model call directly
// (no AI SDK, no HTTP; 20× `calls`): the marking's own cost, out of the whole call's noise.
// --als: every variant's process enters an AsyncLocalStorage of its own first, as an application
// with the OTel SDK's context manager does (on Node 20/22 its promise hooks are then on already). The tracer
// exports over OTLP/HTTP to bench/receiver.mjs (another process). Variants:
//   <build>:integration  aiSdkTelemetry on the call, no wire capture (after: nothing is marked);
//   <build>:both         aiSdkTelemetry AND instrumentFetch (before: the call recorded twice, its
//                        HTTP exchange also by the capture; after: once, the capture skipping it);
// for <build> = before (--baseline <dir>/dist, the build without the marking) and after (dist/).
// Figures per variant and case:
//   µs/call    the main thread's CPU over `calls` sequential calls after as many to warm up (the
//              first field of /proc/<pid>/task/<pid>/schedstat); `rounds` rounds of one process
//              per variant, order rotated; printed: the median over rounds, and after − before
//              of the same round (median);
//   bytes/call the main thread's heap allocation per call in a process started with a 1 MiB
//              semi-space: v8.getHeapStatistics().total_allocated_bytes where V8 reports it (Node
//              26), else the minor GCs counted × 1 MiB; median of `alloc-runs` processes.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { allocationPerCall, jsonOutput, machine, median, print, startReceiver, threadCpuNs } from './util.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const SEMI_SPACE_MB = 1;
const VARIANTS = ['before:integration', 'after:integration', 'before:both', 'after:both'];

async function main() {
  const baseline = arg('baseline', undefined);
  if (baseline === undefined) throw new TypeError('--baseline <dir> (a build of the commit before, whose dist/ is compared) is required');
  const rounds = Number(arg('rounds', 5));
  const calls = Number(arg('calls', 500));
  const allocRuns = Number(arg('alloc-runs', 1));
  const cases = arg('cases', 'generateText,streamText,callbacks').split(',');
  const receiver = await startReceiver();
  const provider = spawn(process.execPath, [new URL(import.meta.url).pathname, '--provider'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await once(provider.stdout, 'data');
  const base = `http://127.0.0.1:${JSON.parse(String(line)).port}`;
  const dists = { before: `${baseline}/dist`, after: new URL('../dist', import.meta.url).pathname };
  const run = (variant, name, mode) => {
    const [build, setup] = variant.split(':');
    return child({ case: name, setup, mode, calls: name === 'callbacks' ? calls * 20 : calls, dist: dists[build], base, http: receiver.http, als: process.argv.includes('--als') });
  };
  const rows = [];
  for (const name of cases) {
    const bytes = {};
    for (const v of VARIANTS) {
      const runs = [];
      for (let i = 0; i < allocRuns; i++) runs.push(await run(v, name, 'alloc'));
      bytes[v] = median(runs.map((r) => r.exact ?? r.scavengeBytes));
    }
    const us = Object.fromEntries(VARIANTS.map((v) => [v, []]));
    for (let r = 0; r < rounds; r++) {
      const order = [...VARIANTS.slice(r % VARIANTS.length), ...VARIANTS.slice(0, r % VARIANTS.length)];
      for (const v of order) us[v].push((await run(v, name, 'cpu')).us);
    }
    for (const setup of ['integration', 'both']) {
      const b = `before:${setup}`;
      const a = `after:${setup}`;
      rows.push({
        case: name, setup,
        'before µs/call': median(us[b]).toFixed(1), 'after µs/call': median(us[a]).toFixed(1),
        'after − before µs (median of rounds)': median(us[a].map((x, i) => x - us[b][i])).toFixed(1),
        'rounds after − before': us[a].map((x, i) => (x - us[b][i]).toFixed(0)).join(' '),
        'before KB/call': (bytes[b] / 1024).toFixed(2), 'after KB/call': (bytes[a] / 1024).toFixed(2),
        'after − before KB': ((bytes[a] - bytes[b]) / 1024).toFixed(2),
      });
    }
  }
  provider.stdin.end();
  await receiver.stop();
  if (jsonOutput) {
    console.log(JSON.stringify({ suite: 'ai-sdk-mark', machine: machine(), rounds, calls, allocRuns, rows }));
    return;
  }
  console.log(`bench/ai-sdk-mark.mjs: ${machine()}; ${rounds} rounds of one process per variant, ${calls} calls measured after ${calls} to warm up; bytes at a ${SEMI_SPACE_MB} MiB semi-space, ${v8.getHeapStatistics().total_allocated_bytes === undefined ? 'scavenges counted' : 'exact (total_allocated_bytes)'}, median of ${allocRuns} process(es)`);
  print('An AI SDK call with the integration, main thread, before/after the marking', rows,
    ['case', 'setup', 'before µs/call', 'after µs/call', 'after − before µs (median of rounds)', 'rounds after − before', 'before KB/call', 'after KB/call', 'after − before KB']);
}

/** Runs one variant of one case in a fresh process; resolves to what it printed. */
function child(spec) {
  const flags = spec.mode === 'alloc' ? [`--max-semi-space-size=${SEMI_SPACE_MB}`, `--min-semi-space-size=${SEMI_SPACE_MB}`] : [];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...flags, new URL(import.meta.url).pathname, '--child', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout.on('data', (d) => (text += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`${spec.setup} ${spec.case} (${spec.dist}) exited ${code}`))));
  });
}

// --- one variant of one case, alone in this process ----------------------------------------------

async function inChild(spec) {
  globalThis.AI_SDK_LOG_WARNINGS = false;
  if (spec.als) {
    // --als: the application already uses an AsyncLocalStorage (as the OTel SDK's context manager does).
    const { AsyncLocalStorage } = await import('node:async_hooks');
    new AsyncLocalStorage().enterWith({ app: true });
  }
  const m = await import('../test/node22/modules.mjs');
  const dist = pathToFileURL(`${spec.dist}/`);
  const { RactoTracer } = await import(new URL('index.js', dist).href);
  const { aiSdkTelemetry } = await import(new URL('ai-sdk/index.js', dist).href);
  const { instrumentFetch } = await import(new URL('instrument/index.js', dist).href);
  const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${spec.http}`, workers: 1 });
  const telemetry = { integrations: [aiSdkTelemetry(tracer)] };
  const stop = spec.setup === 'both' ? instrumentFetch(tracer) : () => undefined;
  const model = m.aiOpenAI.createOpenAI({ apiKey: 'k', baseURL: `${spec.base}/v1` }).chat('gpt-4o-mini');
  const call = spec.case === 'streamText' ? () => m.ai.streamText({ model, prompt: 'hi', telemetry }).consumeStream()
    : spec.case === 'callbacks' ? callbacks(telemetry.integrations[0])
    : () => m.ai.generateText({ model, prompt: 'hi', telemetry });
  const runCalls = async (n) => {
    for (let i = 0; i < n; i++) await call();
  };
  await runCalls(spec.calls);
  const out = {};
  if (spec.mode === 'alloc') {
    const a = await allocationPerCall(runCalls, spec.calls, SEMI_SPACE_MB);
    out.scavengeBytes = a.scavengeBytes;
    if (a.exact !== undefined) out.exact = a.exact;
  } else {
    const t = threadCpuNs();
    await runCalls(spec.calls);
    out.us = (threadCpuNs() - t) / spec.calls / 1000;
  }
  stop();
  out.stats = tracer.stats?.();
  await tracer.shutdown();
  process.stdout.write(JSON.stringify(out));
}

/**
 * The integration's own callbacks for one generateText model call, called directly (no AI SDK, no
 * HTTP): what the marking adds to them (markCall, enterWith, unmark) stands out of the AI SDK's
 * and the network's noise. Each call awaited, as the AI SDK awaits its callbacks.
 */
function callbacks(integration) {
  let n = 0;
  const messages = [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }];
  const usage = { inputTokens: 12, inputTokenDetails: { noCacheTokens: 12 }, outputTokens: 9, outputTokenDetails: { textTokens: 9 } };
  const content = [{ type: 'text', text: 'Hello! How can I help you today?' }];
  return async () => {
    const callId = `c${n++}`;
    integration.onStart({ callId, operationId: 'ai.generateText', provider: 'openai.chat', modelId: 'gpt-4o-mini' });
    integration.onLanguageModelCallStart({ callId, provider: 'openai.chat', modelId: 'gpt-4o-mini', messages });
    await undefined;
    integration.onLanguageModelCallEnd({ callId, modelId: 'gpt-4o-mini-2024-07-18', finishReason: 'stop', usage, content, responseId: 'chatcmpl-bench' });
  };
}

// --- the fake provider, in its own process ------------------------------------------------------

function provide() {
  const head = { id: 'chatcmpl-bench', created: 1_764_000_000, model: 'gpt-4o-mini-2024-07-18' };
  const usage = { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
  const json = JSON.stringify({ ...head, object: 'chat.completion', choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: 'Hello! How can I help you today?' } }], usage });
  const chunk = (choices, extra = {}) => `data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
  let sse = chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  for (const w of ['Hello', '!', ' How', ' can', ' I', ' help', '?']) sse += chunk([{ index: 0, delta: { content: w }, finish_reason: null }]);
  sse += `${chunk([{ index: 0, delta: {}, finish_reason: 'stop' }])}${chunk([], { usage })}data: [DONE]\n\n`;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const stream = body.includes('"stream":true');
      res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
      res.end(stream ? sse : json);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

if (process.argv.includes('--provider')) provide();
else if (process.argv.includes('--child')) await inChild(JSON.parse(arg('child')));
else await main();
