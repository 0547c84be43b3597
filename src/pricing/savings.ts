// What caches saved a call, in USD (issue 32), priced with the same price and date as the call's
// own cost (rates.ts costOfCall). Pure; both threads: span building (spans/record.ts, the OTLP
// encoder) and the metrics series (worker/metrics/series.ts).
//
//   gateway cache  a hit's answer would have cost its saved usage (savedInputTokens,
//                  savedOutputTokens) as an uncached call, the per-call fee included
//   prompt cache   the call's cached input tokens at the input rate instead of the cache-read rate:
//                  the call's cost without the cache read minus its cost with it (so the tier its
//                  input size picks is the same on both sides). A model whose cache-read rate is
//                  unknown prices cached tokens at the input rate (rates.ts): it saves nothing.

import { costOfCall, type CallPrice } from './rates.js';

/** USD a gateway-cache hit saved: its saved usage priced as a call at `epochMs`. 0 when unpriced or none. */
export function gatewaySavings(price: CallPrice | undefined, savedInput: number, savedOutput: number, epochMs: number): number {
  if (price === undefined || (savedInput === 0 && savedOutput === 0)) return 0;
  return costOfCall(price, savedInput, savedOutput, 0, 0, 0, epochMs);
}

/** USD the provider's prompt cache saved a call with `cached` cache-read input tokens; never below 0. */
export function promptCacheSavings(price: CallPrice | undefined, input: number, output: number, cached: number, cacheWrite: number, reasoning: number, epochMs: number): number {
  if (price === undefined || cached === 0) return 0;
  const saved = costOfCall(price, input, output, 0, cacheWrite, reasoning, epochMs) - costOfCall(price, input, output, cached, cacheWrite, reasoning, epochMs);
  return saved > 0 ? saved : 0;
}
