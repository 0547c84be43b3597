// The providers' rate-limit and retry-after response headers, read into the values a record
// carries (issue 32). Pure; both zones: the wrappers call it on the main thread with the SDK's
// response headers, the wire capture's workers with a WireExchange's kept (name, value) pairs.
//
//   OpenAI     x-ratelimit-{limit,remaining,reset}-{requests,tokens}      reset: a duration, "6m0s", "20ms"
//   Anthropic  anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}
//                                                                         reset: an RFC 3339 time
//   any        retry-after (seconds, or an HTTP date), retry-after-ms (milliseconds)
//
// Every value is validated: a count must be an integer in [0, 2^32 - 1], a reset between now and
// MAX_RESET_SECONDS from now, a retry-after between now and MAX_RETRY_AFTER_MS from now. A value
// that is not is ignored (as if the header were absent): a header is the provider's, never the
// caller's mistake, and it must not cost the span. No header value ever becomes a label.

/** The limit kinds, in the record's order (layout.ts SG_REMAINING + k) and the metrics' label values. */
export const LIMIT_KINDS = ['requests', 'tokens', 'input_tokens', 'output_tokens'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

/** Longest reset a record keeps: a day (OpenAI's daily request limits reset within one). */
export const MAX_RESET_SECONDS = 86_400;
/** Longest retry-after a record keeps: a day. A later one is absurd, and ignored. */
export const MAX_RETRY_AFTER_MS = 86_400_000;
/** Largest remaining or limit value (the record's uint32). */
export const MAX_LIMIT_VALUE = 0xffff_ffff;

/**
 * Rate-limit headroom as a provider reported it on one answer: for each kind, what remains, the
 * limit, and seconds until it resets. Absent fields were not reported.
 */
export interface RateLimits {
  requestsRemaining?: number;
  requestsLimit?: number;
  requestsResetSeconds?: number;
  tokensRemaining?: number;
  tokensLimit?: number;
  tokensResetSeconds?: number;
  inputTokensRemaining?: number;
  inputTokensLimit?: number;
  inputTokensResetSeconds?: number;
  outputTokensRemaining?: number;
  outputTokensLimit?: number;
  outputTokensResetSeconds?: number;
}

/** The RateLimits fields of each kind, in LIMIT_KINDS order: [remaining, limit, reset]. */
export const RATE_LIMIT_FIELDS = [
  ['requestsRemaining', 'requestsLimit', 'requestsResetSeconds'],
  ['tokensRemaining', 'tokensLimit', 'tokensResetSeconds'],
  ['inputTokensRemaining', 'inputTokensLimit', 'inputTokensResetSeconds'],
  ['outputTokensRemaining', 'outputTokensLimit', 'outputTokensResetSeconds'],
] as const satisfies readonly (readonly [keyof RateLimits, keyof RateLimits, keyof RateLimits])[];

/** What the headers of one answer said. */
export interface RateLimitReading {
  rateLimits: RateLimits | undefined;
  retryAfterMs: number | undefined;
}

const REMAINING = 0;
const LIMIT = 1;
const RESET = 2;

// header name (lower case) -> [kind, which]; the reset's form follows from the prefix.
const NAMES = new Map<string, readonly [number, number]>();
const OPENAI_KIND: Record<string, number> = { requests: 0, tokens: 1 };
for (const [suffix, kind] of Object.entries(OPENAI_KIND)) {
  NAMES.set(`x-ratelimit-remaining-${suffix}`, [kind, REMAINING]);
  NAMES.set(`x-ratelimit-limit-${suffix}`, [kind, LIMIT]);
  NAMES.set(`x-ratelimit-reset-${suffix}`, [kind, RESET]);
}
const ANTHROPIC_KIND: Record<string, number> = { requests: 0, tokens: 1, 'input-tokens': 2, 'output-tokens': 3 };
for (const [infix, kind] of Object.entries(ANTHROPIC_KIND)) {
  NAMES.set(`anthropic-ratelimit-${infix}-remaining`, [kind, REMAINING]);
  NAMES.set(`anthropic-ratelimit-${infix}-limit`, [kind, LIMIT]);
  NAMES.set(`anthropic-ratelimit-${infix}-reset`, [kind, RESET]);
}

/** Every header name this module reads, lower case: what the wrappers ask a Headers object for. */
export const RATE_LIMIT_HEADERS: readonly string[] = Object.freeze([...NAMES.keys(), 'retry-after', 'retry-after-ms']);
/** The names of one provider's family (its first is the probe: absent, the provider sent none). */
export const OPENAI_HEADERS: readonly string[] = Object.freeze(RATE_LIMIT_HEADERS.filter((n) => n.startsWith('x-ratelimit-')));
export const ANTHROPIC_HEADERS: readonly string[] = Object.freeze(RATE_LIMIT_HEADERS.filter((n) => n.startsWith('anthropic-ratelimit-')));

/** A count header's value: a decimal integer in [0, MAX_LIMIT_VALUE], else undefined. A loop, not a regex: it runs per header on the request path. */
function countValue(v: string): number | undefined {
  let n = 0;
  let digits = 0;
  let i = 0;
  let end = v.length;
  while (i < end && v.charCodeAt(i) === 32) i++;
  while (end > i && v.charCodeAt(end - 1) === 32) end--;
  for (; i < end; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9 || ++digits > 10) return undefined;
    n = n * 10 + c;
  }
  return digits > 0 && n <= MAX_LIMIT_VALUE ? n : undefined;
}

/**
 * OpenAI's reset: a Go-style duration ("1s", "6m0s", "1h2m3.5s", "20ms"), in seconds; undefined
 * when it is not one. Each part a decimal number and a unit (h, m, s, ms), larger units first.
 */
function durationSeconds(v: string): number | undefined {
  const s = v.trim();
  let total = 0;
  let i = 0;
  let last = 4; // the units seen must shrink: h 3, m 2, s 1, ms 0
  if (s.length === 0) return undefined;
  while (i < s.length) {
    const from = i;
    while (i < s.length && ((s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) || s.charCodeAt(i) === 46)) i++;
    if (i === from) return undefined;
    const x = Number(s.slice(from, i));
    if (!Number.isFinite(x)) return undefined;
    const u = s.charCodeAt(i);
    let unit: number;
    if (u === 104) unit = 3; // h
    else if (u === 109) unit = s.charCodeAt(i + 1) === 115 ? 0 : 2; // ms, m
    else if (u === 115) unit = 1; // s
    else return undefined;
    if (unit >= last) return undefined;
    last = unit;
    i += unit === 0 ? 2 : 1;
    total += unit === 3 ? x * 3600 : unit === 2 ? x * 60 : unit === 1 ? x : x / 1000;
  }
  return total;
}

/** Anthropic's reset: an RFC 3339 time, as seconds from `nowMs`. */
function untilSeconds(v: string, nowMs: number): number | undefined {
  const at = Date.parse(v.trim());
  return Number.isFinite(at) ? (at - nowMs) / 1000 : undefined;
}

function resetValue(s: number | undefined): number | undefined {
  return s !== undefined && s >= 0 && s <= MAX_RESET_SECONDS ? s : undefined;
}

/**
 * retry-after: delay-seconds (a non-negative decimal) or an HTTP date; as milliseconds from
 * `nowMs`, or undefined when it is neither, in the past or past MAX_RETRY_AFTER_MS.
 */
export function retryAfterMs(value: string, nowMs: number): number | undefined {
  const s = value.trim();
  let ms: number;
  if (/^\d+(?:\.\d+)?$/.test(s)) ms = Number(s) * 1000;
  else {
    // An HTTP date names a day of the week or a month: a bare number never gets here.
    const at = Date.parse(s);
    if (!Number.isFinite(at) || !/[a-z]/i.test(s)) return undefined;
    ms = at - nowMs;
  }
  return ms >= 0 && ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
}

/**
 * Reads one header into `out` (a RateLimits being filled; `into.retryAfterMs` for retry-after).
 * Names must be lower case. Returns whether the header was one of ours and valid.
 */
export function readRateLimitHeader(reading: RateLimitReading, name: string, value: string, nowMs: number): boolean {
  if (typeof value !== 'string') return false;
  if (name === 'retry-after-ms') {
    const n = value.trim();
    const ms = /^\d+(?:\.\d+)?$/.test(n) ? Number(n) : NaN;
    if (!(ms >= 0 && ms <= MAX_RETRY_AFTER_MS)) return false;
    reading.retryAfterMs = ms; // the finer of the two wins, whatever the order
    return true;
  }
  if (name === 'retry-after') {
    const ms = retryAfterMs(value, nowMs);
    if (ms === undefined) return false;
    reading.retryAfterMs ??= ms;
    return true;
  }
  const at = NAMES.get(name);
  if (at === undefined) return false;
  const [kind, which] = at;
  const v = which !== RESET ? countValue(value) : resetValue(name.startsWith('x-') ? durationSeconds(value) : untilSeconds(value, nowMs));
  if (v === undefined) return false;
  const out = (reading.rateLimits ??= emptyLimits());
  out[RATE_LIMIT_FIELDS[kind][which]] = v;
  return true;
}

/**
 * A RateLimits with every field present and undefined (absent): one shape for every reading, so
 * the stores above and the record's loads stay monomorphic (undefined reads as not reported).
 */
function emptyLimits(): RateLimits {
  return {
    requestsRemaining: undefined, requestsLimit: undefined, requestsResetSeconds: undefined,
    tokensRemaining: undefined, tokensLimit: undefined, tokensResetSeconds: undefined,
    inputTokensRemaining: undefined, inputTokensLimit: undefined, inputTokensResetSeconds: undefined,
    outputTokensRemaining: undefined, outputTokensLimit: undefined, outputTokensResetSeconds: undefined,
  };
}

/** The rate-limit values of (name, value) pairs (the wire capture's WireExchange.headers); names any case. */
export function rateLimitsFromPairs(pairs: Iterable<readonly [string, string]>, nowMs = Date.now()): RateLimitReading {
  const reading: RateLimitReading = { rateLimits: undefined, retryAfterMs: undefined };
  for (const [name, value] of pairs) readRateLimitHeader(reading, name.toLowerCase(), value, nowMs);
  return reading;
}

/**
 * The rate-limit values of a response's headers read through `get` (a fetch Headers' get, bound),
 * asking only for `names` (a provider's family): the first absent means the provider sent none,
 * and nothing more is asked. `retry` also asks for retry-after (a failed answer).
 */
export function rateLimitsFromGetter(get: (name: string) => string | null | undefined, names: readonly string[], retry: boolean, nowMs = Date.now()): RateLimitReading | undefined {
  let reading: RateLimitReading | undefined;
  const first = names.length === 0 ? null : get(names[0]);
  if (first != null) {
    reading = { rateLimits: undefined, retryAfterMs: undefined };
    readRateLimitHeader(reading, names[0], first, nowMs);
    for (let i = 1; i < names.length; i++) {
      const v = get(names[i]);
      if (v != null) readRateLimitHeader(reading, names[i], v, nowMs);
    }
  }
  if (retry) {
    for (const name of ['retry-after-ms', 'retry-after']) {
      const v = get(name);
      if (v == null) continue;
      reading ??= { rateLimits: undefined, retryAfterMs: undefined };
      readRateLimitHeader(reading, name, v, nowMs);
    }
  }
  return reading;
}

type HeaderGet = (name: string) => string | null | undefined;

/** A `get` over the usual shapes of response headers: a fetch Headers (or anything with get()), a plain object (node:http's, lower-case keys). */
function getterOf(headers: unknown): HeaderGet | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const h = headers as { get?: unknown };
  if (typeof h.get === 'function') {
    const get = h.get as (name: string) => unknown;
    return (name) => {
      const v = get.call(headers, name);
      return typeof v === 'string' ? v : undefined;
    };
  }
  const o = headers as Record<string, unknown>;
  return (name) => {
    const v = Object.hasOwn(o, name) ? o[name] : undefined;
    return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
  };
}

const NONE: RateLimitReading = Object.freeze({ rateLimits: undefined, retryAfterMs: undefined }) as RateLimitReading;

/**
 * The rate-limit headroom and retry-after of a provider's response headers (OpenAI's
 * x-ratelimit-*, Anthropic's anthropic-ratelimit-*, retry-after), ready to spread into a ChatCall:
 * `recordChatSpan({ ...call, ...rateLimitsFromHeaders(response.headers) })`. `headers`: a fetch
 * Headers, a node:http headers object, or (name, value) pairs. Values that are not valid are left
 * out; nothing found gives both fields undefined. `retryAfter: false` skips retry-after (an answer
 * that succeeded has none worth asking for).
 */
export function rateLimitsFromHeaders(headers: unknown, retryAfter = true, nowMs = Date.now()): RateLimitReading {
  if (headers == null) return NONE;
  if (Array.isArray(headers)) return rateLimitsFromPairs(headers as [string, string][], nowMs);
  const get = getterOf(headers);
  if (get === undefined) return NONE;
  let reading = rateLimitsFromGetter(get, OPENAI_HEADERS, false, nowMs);
  // One provider's family per answer: found OpenAI's, Anthropic's is not looked for.
  const anthropic = rateLimitsFromGetter(get, reading === undefined ? ANTHROPIC_HEADERS : [], retryAfter, nowMs);
  if (anthropic !== undefined) {
    if (reading === undefined) reading = anthropic;
    else {
      reading.rateLimits = anthropic.rateLimits === undefined ? reading.rateLimits : { ...reading.rateLimits, ...anthropic.rateLimits };
      reading.retryAfterMs = anthropic.retryAfterMs;
    }
  }
  return reading ?? NONE;
}
