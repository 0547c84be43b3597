// What one process reports to its host's metrics group: its series (series.ts) with their string
// ids turned into the strings themselves (ids are per process), the families that are not
// projections of the series (its health, health.ts), and its overflow count; and the sum of such
// reports on the aggregator. Worker thread (the metrics host of each process).
//
// Why series and not the rendered families: a process of 2,000 series projects them into ~80,000
// points; sending the series costs a member ~10x less CPU a report, and lets the aggregator
// project once over the summed series (families.ts seriesFamilies), so any family defined there
// sums across processes with nothing more to write.

import { seriesFamilies, type Family, type Series } from './families.js';
import { FamilySum } from './merge.js';
import { KEY_ERROR_TYPE, KEY_LABELS, KEY_MODEL, KEY_OTHER, KEY_PROVIDER, mergeValues } from './series.js';
import { mergeExemplars, type Exemplar, type SeriesExemplars } from './exemplars.js';

/** A key word: a string for a string id, null for the folded `__other__` id, a number otherwise. */
export type KeyWord = string | number | null;

export interface ProcessMetrics {
  keys: KeyWord[][];
  values: number[][];
  /** Per series, its exemplars (exemplars.ts), if it has some (null once through JSON). */
  exemplars?: (SeriesExemplars | null | undefined)[];
  overflowed: number;
  /** The families that are not projections of the series (the health families, and any such). */
  families: Family[];
}

function isStringWord(at: number): boolean {
  return at === KEY_PROVIDER || at === KEY_MODEL || at === KEY_ERROR_TYPE || at >= KEY_LABELS;
}

/** This process's report: `series` keyed by string ids of `string`. */
export function processMetrics(series: readonly Series[], string: (id: number) => string, overflowed: number, families: Family[]): ProcessMetrics {
  const keys: KeyWord[][] = [];
  const values: number[][] = [];
  const exemplars: (SeriesExemplars | undefined)[] = [];
  for (const s of series) {
    keys.push(s.key.map((id, at) => (!isStringWord(at) ? id : id === KEY_OTHER ? null : string(id))));
    values.push(Array.from(s.values));
    exemplars.push(s.exemplars);
  }
  return { keys, values, exemplars, overflowed, families };
}

/** The report of a process that is gone: its counts, without its gauges. */
export function lastingMetrics(m: ProcessMetrics): ProcessMetrics {
  return { ...m, families: m.families.filter((f) => f.kind !== 'gauge') };
}

/**
 * Sums reports: series by their key's strings (re-interned into this table's own ids), the other
 * families by FamilySum (per-process gauges labelled with the process labels given).
 */
export class MetricsSum {
  readonly #ids = new Map<string, number>([['', 0]]);
  readonly #strings: string[] = [''];
  readonly #series = new Map<string, Series>();
  readonly others = new FamilySum();
  overflowed = 0;

  #intern(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.#strings.length;
      this.#strings.push(s);
      this.#ids.set(s, id);
    }
    return id;
  }

  add(m: ProcessMetrics, process?: Parameters<FamilySum['add']>[1]): this {
    this.overflowed += m.overflowed;
    this.others.add(m.families, process);
    for (let i = 0; i < m.keys.length; i++) {
      const words = m.keys[i];
      const id = JSON.stringify(words);
      const v = m.values[i];
      const ex = exemplarsOf(m.exemplars?.[i]);
      const have = this.#series.get(id);
      if (have === undefined) {
        const key = words.map((w) => (w === null ? KEY_OTHER : typeof w === 'string' ? this.#intern(w) : w));
        this.#series.set(id, { key, values: Float64Array.from(v), exemplars: mergeExemplars(undefined, ex) });
        continue;
      }
      // Counts and sums add up, the rate-limit gauges keep the later value (series.ts mergeValues).
      if (v.length === have.values.length) mergeValues(have.values, v);
      have.exemplars = mergeExemplars(have.exemplars, ex);
    }
    return this;
  }

  /** The summed series, and how to read their ids. */
  series(): Series[] {
    return [...this.#series.values()];
  }

  string(id: number): string {
    return this.#strings[id] ?? '';
  }

  /** The sum as one report (what an aggregator hands over, or keeps of exited processes). */
  report(): ProcessMetrics {
    return processMetrics(this.series(), (id) => this.string(id), this.overflowed, this.others.families());
  }
}

/** The families of a sum: the series' projections (labelled by `labelNames`), then the others. */
export function sumFamilies(sum: MetricsSum, labelNames: readonly string[]): Family[] {
  return [...seriesFamilies(sum.series(), { string: (id) => sum.string(id), labelNames }, sum.overflowed), ...sum.others.families()];
}

/** A report's exemplars of one series as mergeExemplars takes them: JSON made their holes null. */
function exemplarsOf(e: SeriesExemplars | null | undefined): SeriesExemplars | undefined {
  if (e == null) return undefined;
  const place = (x: Exemplar | null | undefined): Exemplar | undefined => (x == null ? undefined : x);
  return { gateway: e.gateway.map(place), genai: e.genai.map(place), cost: place(e.cost) };
}
