// Reading the Prometheus exposition in tests with a real parser (parse-prometheus-text-format),
// and the expected numbers worked out from the calls themselves, independently of src/.
import parse from 'parse-prometheus-text-format';

/** One sample: its metric name (with _bucket/_sum/_count), its labels, its value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Family name -> TYPE (COUNTER, GAUGE, HISTOGRAM) and HELP, as the parser read them. */
  families: Map<string, { type: string; help: string }>;
  samples: Sample[];
}

/**
 * Parses `text` twice with the library: once whole, for the families' types and help; once with
 * the histogram TYPE lines left out, so that each _bucket/_sum/_count line comes back as a sample
 * with its own labels (the library folds a typed histogram's label sets into one entry).
 */
export function readExposition(text: string): Exposition {
  const families = new Map<string, { type: string; help: string }>();
  for (const f of parse(text)) families.set(f.name, { type: f.type, help: f.help });
  const untyped = text.split('\n').filter((l) => !/^# TYPE \S+ histogram$/.test(l)).join('\n');
  const samples: Sample[] = [];
  for (const f of parse(untyped)) {
    for (const m of f.metrics as { value?: string; labels?: Record<string, string> }[]) {
      if (m.value === undefined) continue;
      samples.push({ name: f.name, labels: m.labels ?? {}, value: Number(m.value) });
    }
  }
  return { families, samples };
}

export function sampleKey(name: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`);
  return `${name}{${sorted.join(',')}}`;
}

/** The samples as key -> value. */
export function byKey(samples: readonly Sample[], filter: (s: Sample) => boolean = () => true): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) if (filter(s)) out.set(sampleKey(s.name, s.labels), s.value);
  return out;
}

/** Adds `v` to `key` of `m`. */
export function bump(m: Map<string, number>, name: string, labels: Record<string, string>, v = 1): void {
  const key = sampleKey(name, labels);
  m.set(key, (m.get(key) ?? 0) + v);
}

/** Adds one observation of `v` to a Prometheus histogram (cumulative buckets, sum, count). */
export function observe(exact: Map<string, number>, sums: Map<string, number>, name: string, labels: Record<string, string>, bounds: readonly number[], v: number): void {
  for (const b of bounds) bump(exact, `${name}_bucket`, { ...labels, le: String(b) }, v <= b ? 1 : 0);
  bump(exact, `${name}_bucket`, { ...labels, le: '+Inf' });
  bump(exact, `${name}_count`, labels);
  bump(sums, `${name}_sum`, labels, v);
}
