// The checks every option group shares: a value given as `options.<name>` checked for what it
// must be, a TypeError or RangeError naming the field and the value when it is not (code
// RACTO_ERR_INVALID_OPTION). The *Value checks take a value that is present (nested fields such
// as `sampling.keepErrors` among them); str, bool, int and oneOf read `o[name]` and stand for
// an absent one; moduleSpecifier() how a module option is handed to the workers. Main thread, at
// construction.

import { pathToFileURL } from 'node:url';
import { invalidRange, invalidType, invalidValue } from '../errors.js';

export type Opts = Record<string, unknown>;

const CODE = 'RACTO_ERR_INVALID_OPTION';

/** A non-empty string. */
export function stringValue(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0) throw invalidType(`options.${name}`, 'a non-empty string', v, CODE);
  return v;
}

export function boolValue(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw invalidType(`options.${name}`, 'a boolean', v, CODE);
  return v;
}

/** An integer in [min, max]. */
export function intValue(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number') throw invalidType(`options.${name}`, 'a number', v, CODE);
  if (!Number.isInteger(v) || v < min || v > max) throw invalidRange(`options.${name}`, `an integer between ${min} and ${max}`, v, CODE);
  return v;
}

/** A non-empty string, or undefined when absent. */
export function str(o: Opts, name: string): string | undefined {
  const v = o[name];
  return v === undefined ? undefined : stringValue(v, name);
}

/** A boolean, `fallback` when absent. */
export function bool(o: Opts, name: string, fallback: boolean): boolean {
  const v = o[name];
  return v === undefined ? fallback : boolValue(v, name);
}

/** An integer in [min, max], `fallback` when absent. */
export function int(o: Opts, name: string, fallback: number, min: number, max: number): number {
  const v = o[name];
  return v === undefined ? fallback : intValue(v, name, min, max);
}

/** One of `values`, or undefined when absent. */
export function oneOf<T extends string>(o: Opts, name: string, values: readonly T[]): T | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (!values.includes(v as T)) {
    const expected = values.map((x) => `'${x}'`).join(' or ');
    throw invalidValue(`options.${name}`, expected, v, CODE);
  }
  return v as T;
}

/** A module a worker imports (an exporter, a scrub module): an absolute path as a file: URL, a URL or a package name as given. */
export function moduleSpecifier(module: string): string {
  return module.startsWith('/') ? pathToFileURL(module).href : module;
}
