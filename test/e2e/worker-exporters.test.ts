import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { expectThrows } from '../helpers.js';
import { RactoTracer } from '../pkg.js';

describe('workerExporters', () => {
  it('constructs the exporter inside the worker from a module and gives it every span', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'racto-')), 'spans.jsonl');
    const tracer = new RactoTracer({
      workerExporters: [{ module: fileURLToPath(new URL('../fixtures/file-exporter.mjs', import.meta.url)), exportName: 'FileExporter', options: { path } }],
    });
    for (let i = 0; i < 700; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1, inputTokens: i });
    await tracer.shutdown();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { attributes: Record<string, number>; threadId: number });
    expect(lines).toHaveLength(700);
    expect(new Set(lines.map((l) => l.attributes['llm.input_tokens'])).size).toBe(700);
    expect(lines.every((l) => l.threadId !== threadId)).toBe(true);
    expect(tracer.stats().destinations).toEqual({ 'workerExporters[0]': { exported: 700, failed: 0 } });
  });
});

describe('a worker exporter that cannot be loaded', () => {
  it('makes ready() false, logs the reason once, and counts its batches as exportError', async () => {
    const errors: string[] = [];
    diag.setLogger({ error: (...a: unknown[]) => errors.push(a.map(String).join(' ')), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ERROR);
    try {
      const tracer = new RactoTracer({ workerExporters: [{ module: '/nonexistent/exporter.mjs' }] });
      expect(await tracer.ready()).toBe(false);
      for (let i = 0; i < 10; i++) tracer.recordChatSpan({ provider: 'p', model: 'm', latencyMs: 1 });
      await tracer.flush();
      expect(tracer.stats()).toMatchObject({ recorded: 10, exported: 0, failed: 10, pending: 0, failedByReason: { exportError: 10 } });
      expect(tracer.stats().destinations).toEqual({ 'workerExporters[0]': { exported: 0, failed: 10 } });
      await tracer.shutdown();
    } finally {
      diag.disable();
    }
    expect(errors.filter((e) => e.includes('workerExporters[0]') && e.includes('/nonexistent/exporter.mjs'))).toHaveLength(1);
  });
});

describe('endTime', () => {
  it('uses the caller-supplied end time instead of reading the clock', () => {
    const tracer = new RactoTracer({ inMemory: true });
    tracer.recordChatSpan({ provider: 'p', model: 'm', latencyMs: 3, endTime: 1234.5 });
    expect(tracer.spans[0].timestamp).toBe(performance.timeOrigin + 1234.5);
  });

  it('rejects an end time that is not a finite non-negative number', () => {
    const tracer = new RactoTracer({ inMemory: true });
    expectThrows(() => tracer.recordChatSpan({ provider: 'p', model: 'm', latencyMs: 3, endTime: -1 }), RangeError,
      'call.endTime must be a finite number >= 0 (received -1)');
    expectThrows(() => tracer.recordEmbedSpan({ provider: 'p', model: 'm', latencyMs: 3, endTime: '5' as never }), TypeError,
      'call.endTime must be a performance.now() timestamp (received "5")');
    expect(tracer.spans).toEqual([]);
  });
});
