// Truncation to maxContentBytes: valid JSON of at most that many bytes, the structure kept, the
// size before truncation recorded. Property tests run the workers' fitJson() directly (seeded);
// the rest goes through a tracer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitJson } from '../../dist/worker/content/truncate.js';
import { RactoTracer } from '../pkg.js';

const base = { provider: 'openai', model: 'gpt-4o', latencyMs: 5 };
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const text = fc.string({ unit: fc.constantFrom('a', 'é', '日', '🎉', '"', '\\', '\n', '\u0001', ' ', '\ud800'), maxLength: 400 });
const message = fc.record({ role: fc.constantFrom('user', 'assistant'), parts: fc.array(fc.record({ type: fc.constant('text'), content: text }), { maxLength: 4 }) });

describe('fitJson', () => {
  it('always returns valid JSON within the limit, and the whole value when it fits', () => {
    fc.assert(fc.property(fc.array(message, { maxLength: 12 }), fc.integer({ min: 256, max: 4096 }), (items, max) => {
      const whole = JSON.stringify(items);
      const fitted = fitJson(structuredClone(items), max, 'last');
      expect(bytes(fitted.json)).toBeLessThanOrEqual(max);
      const back = JSON.parse(fitted.json);
      expect(Array.isArray(back)).toBe(true);
      expect(fitted.originalBytes).toBe(bytes(whole));
      if (bytes(whole) <= max) {
        expect(fitted.json).toBe(whole);
        expect(fitted.truncated).toBe(false);
      } else expect(fitted.truncated).toBe(true);
    }), { seed: 22022, numRuns: 300 });
  });

  it('keeps the shape of what it keeps: the same roles and parts, texts cut from their end', () => {
    fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), (items) => {
      const fitted = fitJson(structuredClone(items), 1024, 'last');
      const back = JSON.parse(fitted.json) as typeof items;
      // The latest messages stay: the kept ones are the tail of the input.
      const kept = items.slice(items.length - back.length);
      back.forEach((m, i) => {
        expect(m.role).toBe(kept[i].role);
        expect(m.parts.length).toBe(kept[i].parts.length);
        m.parts.forEach((p, j) => {
          const original = kept[i].parts[j].content;
          if (p.content === original) return;
          expect(p.content.endsWith('…[truncated]')).toBe(true);
          expect(original.startsWith(p.content.slice(0, -'…[truncated]'.length))).toBe(true);
        });
      });
    }), { seed: 22023, numRuns: 300 });
  });

  it('shares the room fairly: a short text stays whole beside a long one cut', () => {
    const items = [{ role: 'user', parts: [{ type: 'text', content: 'short question' }] }, { role: 'assistant', parts: [{ type: 'text', content: 'x'.repeat(5000) }] }];
    const back = JSON.parse(fitJson(items, 1000, 'last').json);
    expect(back[0].parts[0].content).toBe('short question');
    expect(back[1].parts[0].content).toMatch(/^x+…\[truncated\]$/);
  });
});

describe('truncation on a span', () => {
  it('cuts an attribute to maxContentBytes and records its original size', () => {
    const t = new RactoTracer({ inMemory: true, captureContent: true, maxContentBytes: 1024 });
    const history = Array.from({ length: 30 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', parts: [{ type: 'text', content: `turn ${i} ${'blah '.repeat(40)}` }] }));
    t.recordChatSpan({ ...base, input: history, output: 'short answer' });
    const c = t.spans[0]!.content!;
    expect(bytes(c.inputMessages!)).toBeLessThanOrEqual(1024);
    const kept = JSON.parse(c.inputMessages!);
    // The oldest turns go first: the last message kept is the last one sent.
    expect(kept.at(-1).parts[0].content.startsWith('turn 29')).toBe(true);
    expect(c.originalBytes).toEqual({ input: bytes(JSON.stringify(history)) });
    expect(c.outputMessages).toBe('[{"role":"assistant","parts":[{"type":"text","content":"short answer"}],"finish_reason":"stop"}]');
  });

  it('counts in the original size what the main thread did not copy', () => {
    const t = new RactoTracer({ inMemory: true, captureContent: true, maxContentBytes: 256 });
    const long = 'é'.repeat(10_000);
    t.recordChatSpan({ ...base, output: long });
    const c = t.spans[0]!.content!;
    expect(bytes(c.outputMessages!)).toBeLessThanOrEqual(256);
    expect(c.originalBytes?.output).toBe(bytes(JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: long }], finish_reason: 'stop' }])));
  });
});
