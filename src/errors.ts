// Errors of the package. Runs on both threads.
//
// Bad arguments are native TypeError / RangeError (what callers already catch), tagged with a
// stable `code`. Everything else is one RactoError class with a code union. Errors never cross
// threads as instances: workers report failures as data (see worker/drain.ts).

export type RactoErrorCode =
  | 'RACTO_ERR_INVALID_ARG'
  | 'RACTO_ERR_INVALID_OPTION'
  | 'RACTO_ERR_ABI_MISMATCH'
  | 'RACTO_ERR_METRICS_OFF'
  | 'RACTO_ERR_SPOOL_LOCKED';

export class RactoError extends Error {
  readonly code: RactoErrorCode;

  constructor(code: RactoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RactoError';
    this.code = code;
  }
}

/** Short, bounded rendering of a received value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `${JSON.stringify(shown)}${value.length > 40 ? ` (${value.length} chars)` : ''}`;
  }
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

type ArgCode = 'RACTO_ERR_INVALID_ARG' | 'RACTO_ERR_INVALID_OPTION';

export function invalidType(
  field: string,
  expected: string,
  value: unknown,
  code: ArgCode = 'RACTO_ERR_INVALID_ARG',
): TypeError {
  const err = new TypeError(`${field} must be ${expected} (received ${describeValue(value)})`);
  return Object.assign(err, { code });
}

export function invalidRange(
  field: string,
  expected: string,
  value: unknown,
  code: ArgCode = 'RACTO_ERR_INVALID_ARG',
): RangeError {
  const err = new RangeError(`${field} must be ${expected} (received ${describeValue(value)})`);
  return Object.assign(err, { code });
}

/** An enum value outside its set: RangeError for a string, TypeError for anything else. */
export function invalidValue(
  field: string,
  expected: string,
  value: unknown,
  code: ArgCode = 'RACTO_ERR_INVALID_ARG',
): TypeError | RangeError {
  return typeof value === 'string' ? invalidRange(field, expected, value, code) : invalidType(field, expected, value, code);
}
