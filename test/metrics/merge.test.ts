// The sum a host-wide /metrics serves (worker/metrics/merge.ts, process-metrics.ts) and the
// group's framing (frames.ts), on their own: generic over families (a family the code has never
// heard of sums too), gauges by their combine rule, series summed by their strings whatever each
// process's string ids, and frames cut out of a stream split anywhere.
import { describe, expect, it } from 'vitest';
import type { Family } from '../../src/worker/metrics/families.js';
import { FrameReader, type GroupMessage } from '../../src/worker/metrics/frames.js';
import { FamilySum } from '../../src/worker/metrics/merge.js';
import { MetricsSum, processMetrics, sumFamilies } from '../../src/worker/metrics/process-metrics.js';
import { KEY_OTHER, VALUE_WORDS, V_COUNT } from '../../src/worker/metrics/series.js';

const pid = (n: number): [string, string][] => [['pid', String(n)], ['service_instance_id', `id-${n}`]];

function process(savings: number, rateLimit: number, pending: number): Family[] {
  return [
    { kind: 'counter', name: 'ractogateway.savings', unit: '{USD}', help: 'a family merge.ts does not know', points: [{ labels: [['model', 'm']], value: savings }] },
    { kind: 'histogram', name: 'ractogateway.inter_chunk', unit: 's', help: 'h', bounds: [0.1, 1], points: [{ labels: [], count: 2, sum: 0.5, buckets: [1, 1, 0] }] },
    { kind: 'gauge', name: 'ractogateway.rate_limit.remaining', unit: '{request}', help: 'per process', points: [{ labels: [], value: rateLimit }] },
    { kind: 'gauge', name: 'ractogateway.spans.pending', unit: '{span}', help: 'summed', combine: 'sum', points: [{ labels: [], value: pending }] },
  ];
}

describe('host-wide sums', () => {
  it('sums counters and histograms of any family, sums gauges that say so, and keeps the others per process', () => {
    const out = new FamilySum().add(process(1.5, 10, 3), pid(1)).add(process(2, 20, 4), pid(2)).families();
    const byName = new Map(out.map((f) => [f.name, f]));
    expect(byName.get('ractogateway.savings')?.points).toEqual([{ labels: [['model', 'm']], value: 3.5 }]);
    expect(byName.get('ractogateway.inter_chunk')?.points).toEqual([{ labels: [], count: 4, sum: 1, buckets: [2, 2, 0] }]);
    expect(byName.get('ractogateway.spans.pending')?.points).toEqual([{ labels: [], value: 7 }]);
    expect(byName.get('ractogateway.rate_limit.remaining')?.points).toEqual([{ labels: pid(1), value: 10 }, { labels: pid(2), value: 20 }]);
  });

  it('leaves out the per-process gauges of processes given no labels (the exited ones)', () => {
    const out = new FamilySum().add(process(1, 10, 3)).families();
    expect(out.map((f) => f.name)).not.toContain('ractogateway.rate_limit.remaining');
    expect(out.map((f) => f.name)).toContain('ractogateway.spans.pending');
  });

  it('sums series by their strings, whatever string ids each process gave them', () => {
    const values = (count: number): Float64Array => {
      const v = new Float64Array(VALUE_WORDS);
      v[V_COUNT] = count;
      return v;
    };
    // Process A knows openai as 1 and gpt-4o as 2; process B the other way round.
    const a = processMetrics([{ key: [1, 2, 0, 0, 0, 0], values: values(3) }], (id) => ['', 'openai', 'gpt-4o'][id], 0, []);
    const b = processMetrics([{ key: [2, 1, 0, 0, 0, 0], values: values(4) }, { key: [KEY_OTHER, KEY_OTHER, 0, 0, 0, 0], values: values(5) }],
      (id) => ['', 'gpt-4o', 'openai'][id], 5, []);
    const sum = new MetricsSum().add(JSON.parse(JSON.stringify(a))).add(JSON.parse(JSON.stringify(b)));
    const requests = sumFamilies(sum, []).find((f) => f.name === 'ractogateway.requests');
    const points = Object.fromEntries((requests?.points ?? []).map((p) => [JSON.stringify(p.labels.slice(0, 2)), 'value' in p ? p.value : -1]));
    expect(points).toEqual({ '[["provider","openai"],["model","gpt-4o"]]': 7, '[["provider","__other__"],["model","__other__"]]': 5 });
    expect(sumFamilies(sum, []).find((f) => f.name === 'ractogateway.metric_series.overflow')?.points).toEqual([{ labels: [], value: 5 }]);
  });

  it('cuts frames out of a byte stream split at every byte', () => {
    const msgs: GroupMessage[] = [{ t: 'collect', id: 1 }, { t: 'text', id: 2, text: 'é'.repeat(300) }, { t: 'render', id: 3 }];
    const bytes = Buffer.concat(msgs.map((m) => {
      const body = Buffer.from(JSON.stringify(m));
      const head = Buffer.alloc(4);
      head.writeUInt32BE(body.length);
      return Buffer.concat([head, body]);
    }));
    const got: GroupMessage[] = [];
    const errors: string[] = [];
    const reader = new FrameReader((m) => got.push(m), (e) => errors.push(e));
    for (let i = 0; i < bytes.length; i++) reader.push(bytes.subarray(i, i + 1));
    expect(got).toEqual(msgs);
    expect(errors).toEqual([]);
  });

  it('refuses a frame longer than the limit, saying how long', () => {
    const errors: string[] = [];
    const reader = new FrameReader(() => undefined, (e) => errors.push(e));
    const head = Buffer.alloc(4);
    head.writeUInt32BE(0xffffffff);
    reader.push(head);
    expect(errors).toEqual(['a frame of 4294967295 bytes (more than 268435456)']);
  });
});
