// Runtime checks, part 3: what happens around the exports. A collector that is down (the spans
// counted failed, never lost), an idle tracer whose threads stay parked until the next record,
// a burst fast enough to start the coarse clock thread, metrics aggregated in the worker,
// shutdown(), and processes that must exit on their own (with and without shutdown()).
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { RactoTracer } from './pkg.js';
import { refusedUrl } from '../instrument/fakes/server.js';
import { startHttpReceiver } from '../e2e/receivers.js';
import { check, runScript, waitFor } from './harness.js';

const call = { provider: 'openai', model: 'gpt-4o', latencyMs: 5, inputTokens: 10, outputTokens: 2 };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function collectorDown(): Promise<void> {
  const tracer = new RactoTracer({ otlpHttpEndpoint: await refusedUrl(), exportTimeoutMillis: 1_000, scheduledDelayMillis: 20 });
  await tracer.ready();
  for (let i = 0; i < 50; i++) tracer.recordChatSpan(call);
  await tracer.flush();
  await check('collector down: after the retries run out the 50 spans are counted failed, none lost', () => {
    const st = tracer.stats();
    assert.deepEqual([st.recorded, st.exported, st.failed, st.pending], [50, 0, 50, 0]);
    assert.equal(st.failedByReason.exportTimeout + st.failedByReason.exportError, 50);
  });
  await tracer.shutdown();
}

async function idleAndBurst(): Promise<void> {
  const receiver = await startHttpReceiver();
  const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, scheduledDelayMillis: 20, metrics: true });
  await tracer.ready();
  tracer.recordChatSpan(call);
  await tracer.flush();
  const before = tracer.stats().wakeups;
  await sleep(300);
  await check('idle: no thread of the tracer wakes while nothing is recorded', () => assert.deepEqual(tracer.stats().wakeups, before));
  tracer.recordChatSpan(call);
  await check('idle: the next record wakes a parked drain loop, and its span is exported', async () => {
    assert.ok(await waitFor(() => tracer.stats().exported === 2, 5_000), `exported ${tracer.stats().exported}`);
    assert.ok(tracer.stats().wakeups.drain > before.drain);
  });
  // 200,000 calls as fast as they come: well above the rate that starts the coarse clock thread.
  const start = Date.now();
  let accepted = 0;
  for (let i = 0; i < 200_000; i++) if (tracer.recordChatSpan(call)) accepted++;
  const end = Date.now();
  await tracer.flush();
  await check('burst: the coarse clock thread ticks, and every call is exported or counted dropped (ring full)', () => {
    const st = tracer.stats();
    assert.ok(st.wakeups.clock > 0, `clock wakeups ${st.wakeups.clock}`);
    assert.equal(st.recorded, 200_002);
    assert.equal(st.exported, accepted + 2);
    assert.equal(st.dropped, st.droppedByReason.ringFull);
    assert.equal(st.recorded, st.exported + st.dropped + st.failed + st.pending);
    assert.equal(receiver.spans.length, st.exported);
  });
  await check('burst: the spans sit on the timeline where the calls ended', () => {
    const ends = receiver.spans.slice(2).map((s) => Number(s.endNs / 1_000_000n));
    assert.ok(ends.length > 0);
    assert.ok(Math.min(...ends) >= start - 5 && Math.max(...ends) <= end + 5, `ends in [${Math.min(...ends)}, ${Math.max(...ends)}], calls in [${start}, ${end}]`);
  });
  await check('metrics: metricsText() counts every exported call, aggregated in the worker', async () => {
    const text = await tracer.metricsText();
    const line = text.split('\n').find((l) => l.startsWith('ractogateway_requests_total{provider="openai",model="gpt-4o",operation="chat",status="ok"}'));
    assert.ok(line !== undefined, 'no ractogateway_requests_total line');
    assert.equal(Number(line.split(' ').at(-1)), tracer.stats().exported);
  });
  const first = tracer.shutdown();
  await check('shutdown: a second call returns the same promise; later records are refused and counted dropped', async () => {
    assert.equal(tracer.shutdown(), first);
    await first;
    assert.equal(tracer.recordChatSpan(call), false);
    const st = tracer.stats();
    assert.equal(st.droppedByReason.shutdown, 1);
    assert.equal(st.recorded, st.exported + st.dropped + st.failed + st.pending);
  });
  await receiver.close();
}

/**
 * A tracer made at once after another's shutdown(): its main-thread channel to the workers must
 * work both ways (Deno left such a channel unsubscribed: src/main/pool.ts).
 */
async function nextTracer(): Promise<void> {
  const receiver = await startHttpReceiver();
  const first = new RactoTracer({ otlpHttpEndpoint: receiver.url, metrics: true });
  await first.ready();
  first.recordChatSpan(call);
  await first.shutdown();
  const next = new RactoTracer({ otlpHttpEndpoint: receiver.url, metrics: true, scheduledDelayMillis: 20 });
  await check('next tracer: made right after a shutdown(), its workers get a new price table, and metricsText() answers', async () => {
    assert.equal(await next.ready(), true);
    next.setPriceTable({ 'gpt-4o': { inputPerMillion: 1000, outputPerMillion: 0 } });
    // The workers apply the table from the channel message; wait until a span shows it.
    const priced = await waitFor(() => {
      if (next.stats().pending === 0) next.recordChatSpan(call);
      return receiver.spans.some((s) => s.attributes['llm.price_source'] === 'custom');
    }, 5_000);
    assert.ok(priced, 'no span was priced from the new table');
    const custom = receiver.spans.find((s) => s.attributes['llm.price_source'] === 'custom')!;
    assert.ok(Math.abs(Number(custom.attributes['llm.cost_usd']) - (call.inputTokens * 1000) / 1e6) < 1e-9);
    assert.match(await next.metricsText(), /^ractogateway_requests_total\{/m);
  });
  await next.shutdown();
  await receiver.close();
}

async function processExit(): Promise<void> {
  const receiver = await startHttpReceiver();
  const script = fileURLToPath(new URL('./exit.ts', import.meta.url));
  for (const mode of ['shutdown', 'no-shutdown'] as const) {
    receiver.spans.length = 0;
    const run = await runScript(script, [receiver.url, mode, '40'], 30_000);
    await check(`exit (${mode === 'shutdown' ? 'after shutdown()' : 'without shutdown()'}): the process exits on its own, code 0, with its 40 spans delivered`, () => {
      assert.notEqual(run.code, null, 'it did not exit within 30 s');
      assert.equal(run.code, 0, `exit code ${run.code}: ${run.stderr.slice(-800)}`);
      assert.equal(receiver.spans.length, 40);
    });
  }
  await receiver.close();
}

export async function lifecycleChecks(): Promise<void> {
  await collectorDown();
  await idleAndBurst();
  await nextTracer();
  await processExit();
}
