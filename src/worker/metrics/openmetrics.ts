// The OpenMetrics 1.0 text exposition of the metric families (families.ts), with exemplars
// (issue 32). Pure; worker thread (the metrics host). /metrics answers it when the scraper asks
// for it (content negotiation: an Accept naming application/openmetrics-text, which Prometheus
// sends by default); the Prometheus 0.0.4 text (prometheus.ts) stays the default.
//
// What differs from 0.0.4: a counter's family is named without `_total` and its sample with it;
// the exposition ends with `# EOF`; a histogram bucket or a counter sample may carry an exemplar,
// `<sample> # {trace_id="…",span_id="…"} <value> <timestamp in seconds>`, the latest span that
// was sampled, exported and observed there.

import type { Exemplar } from './exemplars.js';
import type { Family, Labels } from './families.js';
import { escapeValue, labelText, num, prometheusName } from './prometheus.js';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Whether a scrape's Accept header asks for OpenMetrics (any version, a q above 0). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (type !== 'application/openmetrics-text') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

function exemplar(e: Exemplar | undefined): string {
  return e === undefined ? '' : ` # {trace_id="${e.traceId}",span_id="${e.spanId}"} ${num(e.value)} ${(e.timeMs / 1000).toFixed(3)}`;
}

/** The OpenMetrics text of `families`, `# EOF` last. */
export function renderOpenMetrics(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (f.points.length === 0) continue;
    const sample = prometheusName(f.name, f.unit, f.kind);
    const name = f.kind === 'counter' ? sample.slice(0, -'_total'.length) : sample;
    lines.push(`# TYPE ${name} ${f.kind}`);
    lines.push(`# HELP ${name} ${escapeValue(f.help)}`);
    if (f.kind !== 'histogram') {
      for (const p of f.points) lines.push(`${sample}${labelText(p.labels)} ${num(p.value)}${exemplar(p.exemplar)}`);
      continue;
    }
    for (const p of f.points) {
      let cumulative = 0;
      for (let i = 0; i <= f.bounds.length; i++) {
        cumulative += p.buckets[i];
        const le = i < f.bounds.length ? num(f.bounds[i]) : '+Inf';
        lines.push(`${name}_bucket${labelText(p.labels, ['le', le])} ${num(cumulative)}${exemplar(p.exemplars?.[i])}`);
      }
      lines.push(`${name}_sum${labelText(p.labels)} ${num(p.sum)}`);
      lines.push(`${name}_count${labelText(p.labels)} ${num(p.count)}`);
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}
