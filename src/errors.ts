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

// `scheme://user:password@host`: what sits between `//` and the last `@` before the path is a
// credential; so is a leading `user:password@` of an endpoint given without a scheme.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/gi;
const BARE_CREDENTIALS = /^[^/?#\s@:]+:[^/?#\s]*@/;

/**
 * `text` with the credentials of every URL in it masked (`https://***@host/...`): an endpoint's
 * user and password never reach an error message or a log line.
 */
export function redactUrlCredentials(text: string): string {
  return text.includes('@') ? text.replace(URL_CREDENTIALS, '$1***@').replace(BARE_CREDENTIALS, '***@') : text;
}

/** Short, bounded rendering of a received value for error messages (URL credentials masked). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const text = redactUrlCredentials(value);
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    return `${JSON.stringify(shown)}${text.length > 40 ? ` (${text.length} chars)` : ''}`;
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
