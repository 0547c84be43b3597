// error.type of a failed exchange, read from the wire. Worker thread. The rule (README, "Formats
// and hosts", error mapping):
//   1. an HTTP status >= 400 gets the class name the provider's official SDK throws for it, so
//      that the wire capture and the wrappers (which record that class name) agree:
//        OpenAI (openai):       400 BadRequestError, 401 AuthenticationError, 403 PermissionDeniedError,
//                               404 NotFoundError, 409 ConflictError, 422 UnprocessableEntityError,
//                               429 RateLimitError, >= 500 InternalServerError, any other APIError
//        Anthropic (@anthropic-ai/sdk 1.x): the same, and 402 PaymentRequiredError, 408 RequestTimeoutError,
//                               412 PreconditionFailedError, 413 ContentTooLargeError,
//                               431 RequestHeaderFieldsTooLargeError, 499 ClientClosedRequestError,
//                               501 NotImplementedError, 503 ServiceUnavailableError,
//                               504 GatewayTimeoutError, 529 OverloadedError
//        Google (@google/genai): ApiError for every status
//   2. where that class is the generic one (APIError, ApiError), the error body refines it when it
//      names a rate limit (OpenAI `rate_limit_exceeded`, Anthropic `rate_limit_error`, Google
//      `RESOURCE_EXHAUSTED`) -> RateLimitError, or an overload (Anthropic `overloaded_error`) ->
//      OverloadedError. So a Google 429 is 'RateLimitError' on the wire where the Google wrapper
//      records 'ApiError': the one place the two differ for a status, so that a 429 is always
//      recognisable as a rate limit.
//   3. an error inside a 200 stream: OpenAI chat `data: {"error": …}` and Anthropic `event: error`
//      -> APIError (what both SDKs throw), refined by rule 2; OpenAI Responses `response.failed`
//      or `error` -> ResponseFailed (what the OpenAI wrapper records); Gemini `{"error": {code}}`
//      -> ApiError, refined by rule 2.
// The set of values is closed (the names above): nothing from a body is copied into errorType.
// Status 0 (no response headers: refused, reset, aborted) is the main thread's to name (it holds
// the error's class): the parser leaves errorType undefined.

import type { WireFormat } from '../../shared/wire.js';

const STAINLESS: ReadonlyMap<number, string> = new Map([
  [400, 'BadRequestError'], [401, 'AuthenticationError'], [403, 'PermissionDeniedError'], [404, 'NotFoundError'],
  [409, 'ConflictError'], [422, 'UnprocessableEntityError'], [429, 'RateLimitError'],
]);

const ANTHROPIC: ReadonlyMap<number, string> = new Map([
  ...STAINLESS,
  [402, 'PaymentRequiredError'], [408, 'RequestTimeoutError'], [412, 'PreconditionFailedError'], [413, 'ContentTooLargeError'],
  [431, 'RequestHeaderFieldsTooLargeError'], [499, 'ClientClosedRequestError'], [501, 'NotImplementedError'],
  [503, 'ServiceUnavailableError'], [504, 'GatewayTimeoutError'], [529, 'OverloadedError'],
]);

/** Every errorType the parsers give: a closed set (nothing from a body is copied). */
export const WIRE_ERROR_TYPES: ReadonlySet<string> = new Set([
  ...ANTHROPIC.values(), 'InternalServerError', 'APIError', 'ApiError', 'RateLimitError', 'OverloadedError', 'ResponseFailed',
]);

/** The generic error classes, which an error body may refine. */
const OPENAI_GENERIC = 'APIError';
export const GOOGLE_GENERIC = 'ApiError';

/** The SDK's class name for an HTTP error status of `format` (status >= 400). */
export function statusErrorType(format: WireFormat, status: number): string {
  if (format.startsWith('google.')) return GOOGLE_GENERIC;
  const known = (format === 'anthropic.messages' ? ANTHROPIC : STAINLESS).get(status);
  if (known !== undefined) return known;
  return status >= 500 ? 'InternalServerError' : OPENAI_GENERIC;
}

const RATE_LIMIT = new Set(['rate_limit_exceeded', 'rate_limit_error', 'RESOURCE_EXHAUSTED']);

/**
 * Rule 2: `generic` refined by what an error body (already parsed, any shape) names: OpenAI
 * `{error: {type, code}}`, Anthropic `{type: 'error', error: {type}}`, Google `{error: {status}}`.
 * Any other errorType is returned as given.
 */
export function refineErrorType(errorType: string, body: unknown): string {
  if (errorType !== OPENAI_GENERIC && errorType !== GOOGLE_GENERIC) return errorType;
  const e = (body as { error?: unknown } | null)?.error;
  const said = typeof e === 'object' && e !== null ? e as Record<string, unknown> : (body as Record<string, unknown> | null);
  if (said == null || typeof said !== 'object') return errorType;
  for (const v of [said.type, said.code, said.status]) {
    if (typeof v !== 'string') continue;
    if (RATE_LIMIT.has(v)) return 'RateLimitError';
    if (v === 'overloaded_error') return 'OverloadedError';
  }
  return errorType;
}
