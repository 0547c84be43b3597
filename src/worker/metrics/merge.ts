// The sum of several processes' metric families: what the host-wide /metrics serves. Pure; worker
// thread (the aggregator of a host's group, group.ts).
//
// Generic over families: it knows nothing of their names. Points with the same family name and
// the same labels add up: counters by value, histograms by count, sum and bucket (their bounds are
// the family's, the same in every process of one package version). A gauge adds up when its
// family says combine: 'sum'; otherwise each process keeps its own point, told apart by the
// process labels (pid, service_instance_id) given with its families. Any other field of a point
// (an exemplar, say) is the first process's.

import type { Family, HistogramPoint, Labels, NumberPoint } from './families.js';

type Point = NumberPoint | HistogramPoint;

interface Entry {
  family: Family;
  points: Map<string, Point>;
}

/** True for the points of `f` that stay one per process. */
function perProcess(f: Family): boolean {
  return f.kind === 'gauge' && f.combine !== 'sum';
}

export class FamilySum {
  readonly #entries = new Map<string, Entry>();

  /**
   * Adds one process's families. `process` labels its per-process gauges; without them (the
   * retired counts of exited processes) those gauges are left out: an exited process has none.
   */
  add(families: readonly Family[], process?: Labels): this {
    for (const f of families) {
      const own = perProcess(f);
      if (own && process === undefined) continue;
      let e = this.#entries.get(f.name);
      if (e === undefined) {
        e = { family: { ...f, points: [] }, points: new Map() };
        this.#entries.set(f.name, e);
      } else if (e.family.kind !== f.kind) {
        // Two versions of the package disagreeing on a family's type: the first one seen wins.
        continue;
      }
      for (const p of f.points) {
        const labels = own ? [...p.labels, ...(process as Labels)] : p.labels;
        const key = labelKey(labels);
        const have = e.points.get(key);
        if (have === undefined) e.points.set(key, copy(p, labels));
        else addInto(have, p);
      }
    }
    return this;
  }

  /** The summed families, in the order they were first seen. */
  families(): Family[] {
    const out: Family[] = [];
    for (const e of this.#entries.values()) out.push({ ...e.family, points: [...e.points.values()] } as Family);
    return out;
  }
}

/** The families that outlive their process: counters and histograms (its gauges go with it). */
export function lasting(families: readonly Family[]): Family[] {
  return families.filter((f) => f.kind !== 'gauge');
}

function labelKey(labels: Labels): string {
  let key = '';
  for (const [k, v] of labels) key += `${k}\u0000${v}\u0001`;
  return key;
}

function copy(p: Point, labels: Labels): Point {
  return 'buckets' in p ? { ...p, labels, buckets: p.buckets.slice() } : { ...p, labels };
}

function addInto(into: Point, p: Point): void {
  if ('buckets' in into && 'buckets' in p) {
    into.count += p.count;
    into.sum += p.sum;
    const n = Math.min(into.buckets.length, p.buckets.length);
    for (let i = 0; i < n; i++) into.buckets[i] += p.buckets[i];
  } else if ('value' in into && 'value' in p) {
    into.value += p.value;
  }
}
