// The Prometheus text exposition format 0.0.4 of the metric families (families.ts), with the
// OTel-to-Prometheus name translation. Pure; worker thread (the metrics host).

import type { Family, Labels } from './families.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

// Units whose Prometheus suffix differs from the UCUM symbol; `{...}` annotations add none.
const UNIT_SUFFIX: Readonly<Record<string, string>> = { s: 'seconds', ms: 'milliseconds', By: 'bytes' };

/**
 * The Prometheus name of an OTel metric: invalid characters become `_`, the unit is appended
 * (`s` → `_seconds`; `1` on a gauge → `_ratio`; annotations like `{token}` add nothing), and a
 * counter ends in `_total`. `gen_ai.client.operation.duration` (s) → `gen_ai_client_operation_duration_seconds`.
 */
export function prometheusName(name: string, unit: string, kind: Family['kind']): string {
  let out = sanitize(name);
  const suffix = unit === '1' ? (kind === 'gauge' ? 'ratio' : '') : unit.startsWith('{') ? '' : UNIT_SUFFIX[unit] ?? sanitize(unit);
  if (suffix !== '' && !out.endsWith(`_${suffix}`)) out += `_${suffix}`;
  if (kind === 'counter' && !out.endsWith('_total')) out += '_total';
  return out;
}

/** A label or metric name with every character outside [a-zA-Z0-9_] replaced by `_`, never starting with a digit. */
export function sanitize(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

export function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function labelText(labels: Labels, more?: [string, string]): string {
  const parts: string[] = [];
  for (const [k, v] of labels) if (v !== '') parts.push(`${sanitize(k)}="${escapeValue(v)}"`);
  if (more !== undefined) parts.push(`${more[0]}="${escapeValue(more[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

export function num(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

/** The exposition text of `families`. */
export function renderPrometheus(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (f.points.length === 0) continue;
    const name = prometheusName(f.name, f.unit, f.kind);
    lines.push(`# HELP ${name} ${escapeHelp(f.help)}`);
    lines.push(`# TYPE ${name} ${f.kind}`);
    if (f.kind !== 'histogram') {
      for (const p of f.points) lines.push(`${name}${labelText(p.labels)} ${num(p.value)}`);
      continue;
    }
    for (const p of f.points) {
      let cumulative = 0;
      for (let i = 0; i <= f.bounds.length; i++) {
        cumulative += p.buckets[i];
        const le = i < f.bounds.length ? num(f.bounds[i]) : '+Inf';
        lines.push(`${name}_bucket${labelText(p.labels, ['le', le])} ${num(cumulative)}`);
      }
      lines.push(`${name}_sum${labelText(p.labels)} ${num(p.sum)}`);
      lines.push(`${name}_count${labelText(p.labels)} ${num(p.count)}`);
    }
  }
  return lines.join('\n') + '\n';
}
