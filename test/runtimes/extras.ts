// Runtime checks, part 5: GET /metrics served from a worker, and the disk spool keeping spans
// while the collector is down.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RactoTracer } from './pkg.js';
import { startHttpReceiver } from '../e2e/receivers.js';
import { refusedUrl } from '../instrument/fakes/server.js';
import { check, waitFor } from './harness.js';

async function prometheusCheck(): Promise<void> {
  const tracer = new RactoTracer({ prometheusPort: 0, scheduledDelayMillis: 20 });
  try {
    await check('metrics: GET /metrics, served by a worker thread, counts the calls', async () => {
      assert.equal(await tracer.ready(), true);
      for (let i = 0; i < 3; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 5 });
      await tracer.flush();
      const res = await fetch(`http://127.0.0.1:${tracer.prometheusPort}/metrics`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /^ractogateway_requests_total\{provider="openai",model="gpt-4o",operation="chat",status="ok"\} 3$/m);
    });
  } finally {
    await tracer.shutdown();
  }
}

async function spoolCheck(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'racto-runtime-spool-'));
  // A port with nothing listening yet: the collector is down, then starts there.
  const port = Number(new URL(await refusedUrl()).port);
  const tracer = new RactoTracer({ otlpHttpEndpoint: `http://127.0.0.1:${port}`, spoolDir: dir, exportTimeoutMillis: 300, scheduledDelayMillis: 20 });
  try {
    await tracer.ready();
    for (let i = 0; i < 500; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, inputTokens: i });
    await tracer.flush();
    const down = tracer.stats();
    await check('spool: while the collector is down, the spans wait on disk (spooled, pending), none failed', () => {
      assert.deepEqual([down.recorded, down.exported, down.failed, down.spooled, down.pending], [500, 0, 0, 500, 500]);
      assert.ok(readdirSync(dir).some((f) => f.endsWith('.seg')), 'no segment file');
    });
    const receiver = await startHttpReceiver({ port });
    await check('spool: once the collector is back, each spooled span is delivered once and the disk emptied', async () => {
      assert.ok(await waitFor(() => tracer.stats().exported === 500 && tracer.stats().spool.bytes === 0, 30_000), JSON.stringify(tracer.stats()));
      const got = receiver.spans.map((s) => Number(s.attributes['llm.input_tokens'])).sort((a, b) => a - b);
      assert.deepEqual(got, Array.from({ length: 500 }, (_, i) => i));
      const st = tracer.stats();
      assert.deepEqual([st.spooled, st.pending, st.failed], [0, 0, 0]);
    });
    await tracer.shutdown();
    await receiver.close();
  } finally {
    await tracer.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function extraChecks(): Promise<void> {
  await prometheusCheck();
  await spoolCheck();
}
