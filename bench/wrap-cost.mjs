// The wrappers' own cost (issue 28), each variant ALONE in its own process, beside OpenLLMetry:
//
//   node bench/wrap-cost.mjs [--pairs 7] [--cases openai-chat,openai-stream-usage,...] [--variants ractogateway,openllmetry]
//                            [--calls 20000] [--dist dir] [--baseline dir] [--only alloc|cpu] [--alloc-runs 3] [--json]
//
// The real SDK clients with bench/canned.mjs's `fetch` (the provider's wire format from memory,
// no network). Variants, each in a process of its own (a gateway runs one of them, and two
// clients alternating in one process bend the figure: bench/RESULTS.md, issue 21):
//   sdk           the plain client;
//   ractogateway  instrumentOpenAI / instrumentAnthropic on a RactoTracer exporting over OTLP/HTTP
//                 to bench/receiver.mjs (another process);
//   bare          the same wrapper on a tracer without a destination (validates, records nothing:
//                 the wrapper's own path without the ring; not run unless asked with --variants);
//   baseline      `ractogateway` from another build (--baseline <dir>/dist: before/after in one run);
//   openllmetry   @traceloop/instrumentation-openai / -anthropic 0.27.0 on a BasicTracerProvider
//                 with a BatchSpanProcessor and the OTLP/HTTP protobuf exporter to the same receiver.
// Two figures per variant and case:
//   µs/call   this process's main thread's CPU over `calls` calls after as many to warm up
//             (the first field of /proc/<pid>/task/<pid>/schedstat; ≥ 1 s of CPU a window, since
//             it advances in 4 ms ticks here); `pairs` rounds, each running every variant's
//             process once in an order rotated from round to round; printed: the median over
//             rounds of (variant − plain client in the same round);
//   bytes/call  what the main thread's heap allocated per call, deterministic: in a process of
//             its own started with `--max-semi-space-size=1 --min-semi-space-size=1`, the minor
//             GCs (scavenges, counted by a PerformanceObserver) over `calls` calls × 1 MiB / calls,
//             minus the plain client's; where V8 reports it (Node 26: v8.getHeapStatistics()
//             .total_allocated_bytes) the exact count is printed beside it. Each a median over
//             `alloc-runs` processes: the figure moves by a few hundred bytes from one process
//             to the next (when the optimising compiler gets to which function, and what its
//             escape analysis then removes), the scavenge count by more.
// The cases: openai-chat (chat.completions.create, plain); openai-stream (8 chunks; the
// wrapper asks for usage, so the instrumented client receives one chunk more and `usage: null`
// on each, which the SDK parses: its cost is the wrapper's too); openai-stream-usage (the caller
// asks for usage: the same bytes for every variant); anthropic-messages; anthropic-stream (8 events).
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { allocationPerCall, jsonOutput, machine, median, print, startReceiver, threadCpuNs } from './util.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const CASES = ['openai-chat', 'openai-stream', 'openai-stream-usage', 'anthropic-messages', 'anthropic-stream'];
const OPENLLMETRY_CASES = new Set(CASES);
const SEMI_SPACE_MB = 1;

async function main() {
  const pairs = Number(arg('pairs', 7));
  // A process's bytes per call move by a few hundred bytes (now and then more) from one process
  // to the next, with when the optimising compiler gets to which function: the median of 3.
  const allocRuns = Number(arg('alloc-runs', 3));
  const calls = Number(arg('calls', 20000));
  const cases = arg('cases', CASES.join(',')).split(',');
  const baseline = arg('baseline', undefined);
  const others = arg('variants', baseline === undefined ? 'ractogateway,openllmetry' : 'ractogateway,baseline,openllmetry').split(',');
  const dist = arg('dist', new URL('../dist', import.meta.url).pathname);
  // --only alloc: the bytes alone (deterministic, quick); --only cpu: the time alone.
  const only = arg('only', undefined);
  const receiver = await startReceiver();
  const ports = { http: receiver.http };
  const run = (variant, name, mode) => child({ variant, case: name, mode, calls, dist: variant === 'baseline' ? baseline : dist, ports });
  const rows = [];
  for (const name of cases) {
    const variants = ['sdk', ...others.filter((v) => v !== 'openllmetry' || OPENLLMETRY_CASES.has(name))];
    // Bytes: one process per variant (deterministic).
    const bytes = {};
    for (const v of variants) {
      if (only === 'cpu') {
        bytes[v] = { scavengeBytes: NaN };
        continue;
      }
      const runs = [];
      for (let i = 0; i < allocRuns; i++) runs.push(await run(v, name, 'alloc'));
      bytes[v] = {
        scavengeBytes: median(runs.map((r) => r.scavengeBytes)),
        exact: runs[0].exact === undefined ? undefined : median(runs.map((r) => r.exact)),
        runs: runs.map((r) => ({ scavengeBytes: r.scavengeBytes, exact: r.exact })),
      };
    }
    // Time: `pairs` rounds of one process per variant, rotated order.
    const us = Object.fromEntries(variants.map((v) => [v, []]));
    for (let r = 0; r < (only === 'alloc' ? 0 : pairs); r++) {
      const order = [...variants.slice(r % variants.length), ...variants.slice(0, r % variants.length)];
      for (const v of order) us[v].push((await run(v, name, 'cpu')).us);
    }
    for (const v of variants) {
      const diffs = us[v].map((x, i) => x - us.sdk[i]);
      const exact = bytes[v].exact === undefined ? undefined : bytes[v].exact - bytes.sdk.exact;
      rows.push({
        case: name,
        variant: v,
        'µs/call': us[v].length === 0 ? '' : median(us[v]).toFixed(1),
        '+µs (median of pairs)': v === 'sdk' || diffs.length === 0 ? '' : median(diffs).toFixed(2),
        'pairs +µs': v === 'sdk' ? '' : diffs.map((x) => x.toFixed(1)).join(' '),
        'KB/call': only === 'cpu' ? '' : (bytes[v].scavengeBytes / 1024).toFixed(2),
        '+KB (scavenges)': v === 'sdk' || only === 'cpu' ? '' : ((bytes[v].scavengeBytes - bytes.sdk.scavengeBytes) / 1024).toFixed(2),
        '+KB (exact)': v === 'sdk' || exact === undefined ? '' : (exact / 1024).toFixed(2),
        raw: { us: us[v], bytes: bytes[v] },
      });
    }
  }
  await receiver.stop();
  if (jsonOutput) {
    console.log(JSON.stringify({ suite: 'wrap-cost', machine: machine(), pairs, calls, rows }));
    return;
  }
  console.log(`bench/wrap-cost.mjs: ${machine()}; ${only === 'alloc' ? 0 : pairs} rounds of one process per variant, ${calls} calls measured after ${calls} to warm up; bytes at a ${SEMI_SPACE_MB} MiB semi-space, median of ${only === 'cpu' ? 0 : allocRuns} processes`);
  print('Main-thread CPU and heap bytes per call, each variant alone in its process; + = above the plain client', rows,
    ['case', 'variant', 'µs/call', '+µs (median of pairs)', 'pairs +µs', 'KB/call', '+KB (scavenges)', '+KB (exact)']);
}

/** Runs one variant of one case in a fresh process; resolves to what it printed. */
function child(spec) {
  const flags = spec.mode === 'alloc' ? [`--max-semi-space-size=${SEMI_SPACE_MB}`, `--min-semi-space-size=${SEMI_SPACE_MB}`] : [];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...flags, new URL(import.meta.url).pathname, '--child', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout.on('data', (d) => (text += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`${spec.variant} ${spec.case} exited ${code}`))));
  });
}

// --- one variant of one case, alone in this process ----------------------------------------------

async function clientsOf(spec) {
  const [{ default: OpenAI }, { default: Anthropic }, canned] = await Promise.all([import('openai'), import('@anthropic-ai/sdk'), import('./canned.mjs')]);
  const dist = pathToFileURL(`${spec.dist}/`);
  const make = {
    openai: () => new OpenAI({ apiKey: 'k', maxRetries: 0, fetch: canned.openaiFetch() }),
    anthropic: () => new Anthropic({ apiKey: 'k', maxRetries: 0, fetch: canned.anthropicFetch() }),
  };
  const providerName = spec.case.split('-')[0];
  const v = spec.variant;
  let close = async () => undefined;
  let client;
  if (v === 'sdk') client = make[providerName]();
  else if (v === 'ractogateway' || v === 'bare' || v === 'baseline') {
    const { RactoTracer } = await import(new URL('index.js', dist).href);
    const instrument = await import(new URL('instrument/index.js', dist).href);
    const tracer = v === 'bare' ? new RactoTracer() : new RactoTracer({ serviceName: 'bench-wrap-cost', otlpHttpEndpoint: `http://127.0.0.1:${spec.ports.http}` });
    await tracer.ready();
    client = providerName === 'openai' ? instrument.instrumentOpenAI(make.openai(), tracer) : instrument.instrumentAnthropic(make.anthropic(), tracer);
    close = async () => {
      await tracer.shutdown();
      const s = tracer.stats();
      return { recorded: s.recorded, exported: s.exported };
    };
  } else if (v === 'openllmetry') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const provider = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${spec.ports.http}/v1/traces` }))],
    });
    if (providerName === 'openai') {
      const { OpenAIInstrumentation } = await import('@traceloop/instrumentation-openai');
      const i = new OpenAIInstrumentation();
      i.setTracerProvider(provider);
      i.manuallyInstrument(OpenAI);
    } else {
      const { AnthropicInstrumentation } = await import('@traceloop/instrumentation-anthropic');
      const AnthropicModule = await import('@anthropic-ai/sdk');
      const i = new AnthropicInstrumentation();
      i.setTracerProvider(provider);
      // OpenLLMetry 0.27 also patches the legacy Completions API, which this SDK major no longer has.
      i.manuallyInstrument({ APIPromise: AnthropicModule.APIPromise,
        Anthropic: { Messages: Anthropic.Messages, Beta: Anthropic.Beta, Completions: AnthropicModule.Anthropic.Completions ?? class {} } });
    }
    client = make[providerName]();
    close = async () => {
      await provider.shutdown();
      return {};
    };
  } else throw new RangeError(`variant: sdk, ractogateway, bare or openllmetry, not ${v}`);
  return { client, close };
}

const messages = [{ role: 'user', content: 'Say hello.' }];
const drain = async (stream) => {
  let n = 0;
  for await (const _ of stream) n++;
  return n;
};
const CALL = {
  'openai-chat': async (c) => (await c.chat.completions.create({ model: 'gpt-4o-mini', messages })).choices.length,
  'openai-stream': async (c) => drain(await c.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })),
  'openai-stream-usage': async (c) => drain(await c.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } })),
  'anthropic-messages': async (c) => (await c.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages })).content.length,
  'anthropic-stream': async (c) => drain(await c.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages, stream: true })),
};

async function inChild(spec) {
  const { client, close } = await clientsOf(spec);
  const call = CALL[spec.case];
  let sink = 0;
  const run = async (n) => {
    for (let i = 0; i < n; i++) sink += await call(client);
  };
  await run(spec.calls);
  const out = { sink };
  if (spec.mode === 'alloc') {
    const a = await allocationPerCall(run, spec.calls, SEMI_SPACE_MB);
    out.scavenges = a.scavenges;
    out.scavengeBytes = a.scavengeBytes;
    if (a.exact !== undefined) out.exact = a.exact;
  } else {
    const t = threadCpuNs();
    await run(spec.calls);
    out.us = (threadCpuNs() - t) / spec.calls / 1000;
  }
  Object.assign(out, await close());
  process.stdout.write(JSON.stringify(out));
}

if (process.argv.includes('--child')) await inChild(JSON.parse(arg('child')));
else await main();
