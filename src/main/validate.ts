// Field checks for the record methods. Main thread, on the request path: each check is a
// couple of comparisons, and each failure names the field and the value received.

import { invalidRange, invalidType, invalidValue } from '../errors.js';
import { MAX_STRING_LENGTH } from '../options.js';
import { CACHE_EXACT, CACHE_MISS, CACHE_SEMANTIC, CACHE_SHIFT, FLAG_ERROR } from '../shared/layout.js';

/** Largest token or tool-call count a record carries (uint32). */
export const MAX_COUNT = 0xffff_ffff;

export function checkCall(call: unknown, method: string): void {
  if (typeof call !== 'object' || call === null || Array.isArray(call)) {
    throw invalidType(`${method}(call)`, 'an object', call);
  }
}

export function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidType(field, 'a non-empty string', value);
  if (value.length === 0 || value.length > MAX_STRING_LENGTH) {
    throw invalidRange(field, `a string of 1 to ${MAX_STRING_LENGTH} characters`, value);
  }
  return value;
}

/**
 * errorType: absent, null or '' mean "no error type". A type is the exception class name of a
 * failed call, so it is refused on a call whose status is 'ok' (the seed omits it on success).
 */
export function checkErrorType(value: unknown, statusBits: number): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const type = checkName(value, 'call.errorType');
  if ((statusBits & FLAG_ERROR) === 0) {
    throw invalidRange('call.errorType', "absent unless call.status is 'error'", value);
  }
  return type;
}

export function checkLatency(value: unknown, field: string): number {
  if (typeof value !== 'number') throw invalidType(field, 'a number of milliseconds', value);
  if (!(value >= 0) || value === Infinity) throw invalidRange(field, 'a finite number >= 0', value);
  return value;
}

export function checkCount(value: unknown, field: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number') throw invalidType(field, 'an integer', value);
  if (!Number.isInteger(value) || value < 0 || value > MAX_COUNT) {
    throw invalidRange(field, `an integer between 0 and ${MAX_COUNT}`, value);
  }
  return value;
}

/** Cache-hit bits for U_FLAGS. */
export function checkCacheHit(value: unknown, field: string): number {
  if (value === undefined || value === 'miss') return CACHE_MISS << CACHE_SHIFT;
  if (value === 'exact') return CACHE_EXACT << CACHE_SHIFT;
  if (value === 'semantic') return CACHE_SEMANTIC << CACHE_SHIFT;
  throw invalidValue(field, "'exact', 'semantic' or 'miss'", value);
}

/** Status bit for U_FLAGS. */
export function checkStatus(value: unknown, field: string): number {
  if (value === undefined || value === 'ok') return 0;
  if (value === 'error') return FLAG_ERROR;
  throw invalidValue(field, "'ok' or 'error'", value);
}

/** endTime: -1 when absent (read the clock), else a finite number >= 0 on the performance.now() timeline. */
export function checkEndTime(value: unknown, field: string): number {
  if (value === undefined) return -1;
  if (typeof value !== 'number') throw invalidType(field, 'a performance.now() timestamp', value);
  if (!(value >= 0) || value === Infinity) throw invalidRange(field, 'a finite number >= 0', value);
  return value;
}
