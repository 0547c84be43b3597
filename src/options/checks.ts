// The checks every option group shares: an option of the options object read with its name, and
// a TypeError or RangeError naming `options.<name>` and the value when it is not what it must be
// (code RACTO_ERR_INVALID_OPTION). Main thread, at construction.

import { invalidRange, invalidType, invalidValue } from '../errors.js';

export type Opts = Record<string, unknown>;

/** A non-empty string, or undefined when absent. */
export function str(o: Opts, name: string): string | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0) {
    throw invalidType(`options.${name}`, 'a non-empty string', v, 'RACTO_ERR_INVALID_OPTION');
  }
  return v;
}

/** A boolean, `fallback` when absent. */
export function bool(o: Opts, name: string, fallback: boolean): boolean {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw invalidType(`options.${name}`, 'a boolean', v, 'RACTO_ERR_INVALID_OPTION');
  return v;
}

/** An integer in [min, max], `fallback` when absent. */
export function int(o: Opts, name: string, fallback: number, min: number, max: number): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw invalidType(`options.${name}`, 'a number', v, 'RACTO_ERR_INVALID_OPTION');
  if (!Number.isInteger(v) || v < min || v > max) {
    throw invalidRange(`options.${name}`, `an integer between ${min} and ${max}`, v, 'RACTO_ERR_INVALID_OPTION');
  }
  return v;
}

/** One of `values`, or undefined when absent. */
export function oneOf<T extends string>(o: Opts, name: string, values: readonly T[]): T | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (!values.includes(v as T)) {
    const expected = values.map((x) => `'${x}'`).join(' or ');
    throw invalidValue(`options.${name}`, expected, v, 'RACTO_ERR_INVALID_OPTION');
  }
  return v as T;
}
