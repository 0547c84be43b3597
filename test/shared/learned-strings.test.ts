// The learned-strings table (strings workers read out of wire exchanges): ids that continue the
// main table's, the same id for a string in every thread that attaches, bounded with the overflow
// folded and counted, and readable across real worker threads.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createLearnedStrings, LearnedStrings, learnedFolds, StringsView } from '../../src/shared/learned-strings.js';
import { OVERFLOW_ID, OVERFLOW_STRING } from '../../src/shared/strings.js';

describe('LearnedStrings', () => {
  it('gives ids from the base up, the same id to a string whichever attached table interns it', () => {
    const buffer = createLearnedStrings(8, 256);
    const a = new LearnedStrings(buffer, 100);
    const b = new LearnedStrings(buffer, 100);
    expect(a.intern('gpt-4o')).toBe(100);
    expect(b.intern('claude')).toBe(101);
    // b never saw 'gpt-4o' itself: it finds a's entry instead of adding a second one.
    expect(b.intern('gpt-4o')).toBe(100);
    expect(a.intern('claude')).toBe(101);
    expect(b.get(100)).toBe('gpt-4o');
    expect(a.get(101)).toBe('claude');
    expect(a.get(150)).toBe(OVERFLOW_STRING);
  });

  it('folds strings past its count or its bytes into the overflow id, and counts each fold', () => {
    const buffer = createLearnedStrings(2, 16);
    const t = new LearnedStrings(buffer, 10);
    expect(t.intern('a')).toBe(10);
    expect(t.intern('b')).toBe(11);
    expect(t.intern('c')).toBe(OVERFLOW_ID);
    expect(learnedFolds(buffer)).toBe(1);
    const bytes = new LearnedStrings(createLearnedStrings(8, 4), 10);
    expect(bytes.intern('abc')).toBe(10);
    expect(bytes.intern('xyz')).toBe(OVERFLOW_ID);
  });

  it('is one lookup over both tables through StringsView', () => {
    const learned = new LearnedStrings(createLearnedStrings(4, 64), 16);
    const view = new StringsView({ get: (id: number) => `main-${id}` }, learned);
    const id = learned.intern('é-model');
    expect(view.get(id)).toBe('é-model');
    expect(view.get(3)).toBe('main-3');
  });

  it('gives every thread the same ids when worker threads intern at once', async () => {
    const buffer = createLearnedStrings(64, 4096);
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.module).then(({ LearnedStrings }) => {
        const t = new LearnedStrings(workerData.buffer, 1000);
        const ids = {};
        for (let r = 0; r < 50; r++) for (let i = 0; i < 20; i++) ids['m' + i] = t.intern('m' + i);
        parentPort.postMessage(ids);
      });`;
    const module = new URL('../../dist/shared/learned-strings.js', import.meta.url).href;
    const results = await Promise.all([0, 1, 2].map(() => new Promise<Record<string, number>>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { buffer, module } });
      w.once('message', (m) => {
        resolve(m);
        void w.terminate();
      });
      w.once('error', reject);
    })));
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(new Set(Object.values(results[0]!)).size).toBe(20);
    const reader = new LearnedStrings(buffer, 1000);
    for (const [s, id] of Object.entries(results[0]!)) expect(reader.get(id)).toBe(s);
  });
});
