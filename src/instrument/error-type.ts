// A failed call's errorType, as the wrappers and the AI SDK integration record it: the SDK error's
// class name, or 'cancelled' for a call its caller gave up on. Main thread; pure.

/** errorType of a call the caller gave up on: a stream abandoned, or an abort signal. */
export const CANCELLED = 'cancelled';

/** The SDK error's class name (RateLimitError, APIConnectionError, ApiError, …). */
export function errorTypeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctor === 'string' && ctor.length !== 0 && ctor !== 'Object') return ctor;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name.length !== 0) return name;
  }
  return typeof error;
}

/** An abort by the caller: the SDKs' APIUserAbortError, or the platform's AbortError. */
export function isAbort(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return ctor === 'APIUserAbortError' || (error as { name?: unknown }).name === 'AbortError';
}
