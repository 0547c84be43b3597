// The content arena under load, through real workers to a real OTLP/HTTP receiver: its space is
// reused only once the loops have copied a record out (the ring's rule), so no span ever carries
// another call's content or a torn one; a call whose content finds no room goes without it,
// counted in stats() and in the metrics' health family.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { startHttpReceiver, type Receiver } from './receivers.js';

const base = { provider: 'openai', model: 'gpt-4o-mini', latencyMs: 3 };
let http: Receiver;
beforeAll(async () => {
  http = await startHttpReceiver();
});
afterAll(async () => {
  await http.close();
});

/** A deterministic text of `n` characters that names its call. */
function text(call: number, n: number): string {
  let s = `call ${call}: `;
  for (let i = 0; s.length < n; i++) s += `${(call * 31 + i * 7) % 97} `;
  return s.slice(0, n);
}

describe('the content arena', () => {
  it('never hands a worker bytes the writer has reused, across many laps of a small arena', async () => {
    const t = new RactoTracer({ otlpHttpEndpoint: http.url, inMemory: true, captureContent: { input: true, output: true }, contentArenaBytes: 65_536,
      maxExportBatchSize: 256, maxContentBytes: 8192, redaction: false, workerNice: 0 });
    const n = 3000;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `resp-arena-${i}`;
      ids.push(id);
      // 0.2 to 6 KB a call: about 9 MB in all, some 140 laps of the arena.
      t.recordChatSpan({ ...base, responseId: id, input: text(i, 200 + ((i * 997) % 5800)), output: text(i + n, 100 + ((i * 389) % 900)) });
      // Now and then the request path waits, as a gateway's does for its upstream, and the loops
      // copy while it writes; every 40 calls it waits until they are done (a flush), so that each
      // stretch of 40 starts on an empty arena whatever the machine's load.
      if (i % 40 === 39) await t.flush();
      else if (i % 8 === 7) await new Promise((r) => setTimeout(r, 1));
    }
    await t.shutdown();
    const s = t.stats();
    expect(s).toMatchObject({ recorded: n, exported: n, failed: 0 });
    const memory = new Map(t.spans.map((sp) => [sp.responseId!, sp]));
    const otlp = new Map(http.spans.filter((sp) => ids.includes(sp.attributes['gen_ai.response.id'] as string)).map((sp) => [sp.attributes['gen_ai.response.id'] as string, sp]));
    expect(otlp.size).toBe(n);
    let withContent = 0;
    for (const id of ids) {
      const m = memory.get(id)!;
      const a = otlp.get(id)!.attributes;
      expect(a['gen_ai.input.messages']).toBe(m.content?.inputMessages);
      expect(a['gen_ai.output.messages']).toBe(m.content?.outputMessages);
      if (m.content !== null) {
        withContent++;
        const i = Number(id.slice('resp-arena-'.length));
        expect(JSON.parse(m.content.inputMessages!)[0].parts[0].content).toBe(text(i, 200 + ((i * 997) % 5800)));
      }
    }
    // Every call has its content or is counted without it; in each stretch of 40 at least the
    // first 9 fit an empty 64 KiB arena (at most 6.8 KB each): 675 calls, over 60 laps at least.
    expect(withContent + s.contentDropped.arenaFull).toBe(n);
    expect(withContent).toBeGreaterThanOrEqual(675);
  });

  it('records a call whose content does not fit without it, counts it, and keeps going', async () => {
    const t = new RactoTracer({ otlpHttpEndpoint: http.url, metrics: true, captureContent: true, contentArenaBytes: 65_536, maxContentBytes: 65_536 });
    // 100 KB of text to copy (up to twice maxContentBytes), more than the whole arena.
    t.recordChatSpan({ ...base, responseId: 'resp-too-big', input: 'x'.repeat(100_000) });
    t.recordChatSpan({ ...base, responseId: 'resp-small', input: 'small' });
    await t.flush();
    const metrics = await t.metricsText();
    await t.shutdown();
    expect(t.stats()).toMatchObject({ recorded: 2, exported: 2, contentDropped: { arenaFull: 1, scrubFailed: 0 } });
    expect(metrics).toMatch(/^ractogateway_content_dropped_total\{reason="arenaFull"\} 1$/m);
    expect(metrics).toMatch(/^ractogateway_content_dropped_total\{reason="scrubFailed"\} 0$/m);
    const got = new Map(http.spans.map((sp) => [sp.attributes['gen_ai.response.id'], sp.attributes]));
    expect(got.get('resp-too-big')!['gen_ai.input.messages']).toBeUndefined();
    expect(got.get('resp-small')!['gen_ai.input.messages']).toBe('[{"role":"user","parts":[{"type":"text","content":"small"}]}]');
  });
});
