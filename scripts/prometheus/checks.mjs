// The checks' bookkeeping and output of scripts/test-prometheus.mjs: one `ok` / `FAIL` line per
// check, the tally the run exits on, and checks of a PromQL expression's value against a figure.
import { fmt, vector } from './api.mjs';

let passed = 0;
let failed = 0;
export function check(name, good, detail) {
  if (good) passed++;
  else failed++;
  console.log(`${good ? 'ok  ' : 'FAIL'} ${name}${detail === undefined ? '' : `: ${detail}`}`);
}

/** The checks so far: how many passed, how many failed. */
export const tally = () => ({ passed, failed });

const sameCounts = (got, want) => {
  const keys = new Set([...Object.keys(got), ...Object.keys(want)]);
  return [...keys].every((k) => got[k] === want[k]);
};

export async function checkNumber(name, expr, want, tolerance = 0) {
  try {
    const v = await vector(expr);
    const values = Object.values(v);
    const got = values.length === 1 ? values[0] : undefined;
    check(name, got !== undefined && Math.abs(got - want) <= tolerance, `${expr} = ${values.length === 1 ? got : fmt(v)}, want ${want}`);
  } catch (err) {
    check(name, false, err.message);
  }
}

export async function checkGrouped(name, expr, label, want) {
  try {
    const v = await vector(expr);
    const got = Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(`${label}=`, ''), x]));
    check(name, sameCounts(got, want), `${expr} = ${fmt(got)}, want ${fmt(want)}`);
  } catch (err) {
    check(name, false, err.message);
  }
}
