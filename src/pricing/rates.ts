// A model's price compiled for arithmetic: the rates in force by the call's input size (tiers)
// and by the call's time (prices from a date on, prices for hours of the day), and the cost of a
// call under it. Pure; used on both threads.
//
// Resolving a model's price (matching its id, reading genai-prices' data) costs microseconds and
// happens once per distinct model (cost.ts, spans/record.ts priceOfCall()); what is left per
// call is costOfCall(): a pick among a few windows and tiers, then five products.

import type { ModelPricingInit } from './model-pricing.js';

/** USD per 1,000,000 tokens (and per call) of one price, and the tiers above it. */
export class Rates {
  readonly input: number;
  readonly cachedInput: number;
  readonly cacheWrite: number;
  readonly output: number;
  /** Reasoning output tokens; equal to `output` unless the model bills them apart. */
  readonly reasoning: number;
  /** USD per call, whatever its tokens (a per-request fee). */
  readonly perCall: number;
  /** `tiers[i]` applies when the call's input tokens exceed `above[i]`; ascending. */
  readonly above: readonly number[];
  readonly tiers: readonly Rates[];

  constructor(input: number, cachedInput: number, cacheWrite: number, output: number, reasoning: number, perCall: number, above: readonly number[] = [], tiers: readonly Rates[] = []) {
    this.input = input;
    this.cachedInput = cachedInput;
    this.cacheWrite = cacheWrite;
    this.output = output;
    this.reasoning = reasoning;
    this.perCall = perCall;
    this.above = above;
    this.tiers = tiers;
    Object.freeze(this);
  }
}

/** Always (the price has no condition). */
export const W_ALWAYS = 0;
/** From `fromMs` (epoch milliseconds) on. */
export const W_FROM = 1;
/** Daily between `startSec` and `endSec` (seconds after midnight UTC; wraps past midnight when end < start). */
export const W_DAILY = 2;

export interface PriceWindow {
  kind: typeof W_ALWAYS | typeof W_FROM | typeof W_DAILY;
  fromMs: number;
  startSec: number;
  endSec: number;
  rates: Rates;
}

const DAY_MS = 86_400_000;

/**
 * A model's price: one set of rates, or several under conditions of time. The windows are read
 * from the last to the first, and the first whose condition holds applies (the first of all when
 * none does), which is how genai-prices orders a model's conditional prices.
 */
export class CallPrice {
  /** The rates when they do not depend on the time, else undefined. */
  readonly fixed: Rates | undefined;
  /** The rates when they depend on neither the time nor the input size (most models), else undefined. */
  readonly plain: Rates | undefined;
  readonly windows: readonly PriceWindow[];

  constructor(windows: readonly PriceWindow[]) {
    this.windows = windows;
    this.fixed = windows.length === 1 ? windows[0].rates : undefined;
    this.plain = this.fixed !== undefined && this.fixed.above.length === 0 ? this.fixed : undefined;
    Object.freeze(this);
  }

  /** The rates in force at `epochMs`. */
  ratesAt(epochMs: number): Rates {
    const ws = this.windows;
    for (let i = ws.length - 1; i >= 0; i--) {
      const w = ws[i];
      if (w.kind === W_ALWAYS) return w.rates;
      if (w.kind === W_FROM) {
        if (epochMs >= w.fromMs) return w.rates;
      } else {
        const sec = (((epochMs % DAY_MS) + DAY_MS) % DAY_MS) / 1000;
        if (w.endSec < w.startSec ? sec >= w.startSec || sec < w.endSec : sec >= w.startSec && sec < w.endSec) return w.rates;
      }
    }
    return ws[0].rates;
  }
}

/**
 * USD cost of a call: input read from or written to the prompt cache at their own rates and only
 * the rest of the input at the input rate; reasoning output at its rate and the rest of the
 * output at the output rate; plus the per-call fee. The rates are those in force at `epochMs`
 * for a call of `inputTokens`. An unpriced model (undefined) costs 0. Not rounded.
 */
export function costOfCall(
  price: CallPrice | undefined,
  inputTokens: number,
  outputTokens: number,
  cachedInputTokens: number,
  cacheWriteTokens: number,
  reasoningTokens: number,
  epochMs: number,
): number {
  if (price === undefined) return 0;
  let r = price.fixed ?? price.ratesAt(epochMs);
  const above = r.above;
  if (above.length !== 0) {
    let t = r;
    for (let i = 0; i < above.length; i++) if (inputTokens > above[i]) t = r.tiers[i];
    r = t;
  }
  return costWithRates(r, inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens);
}

/**
 * The arithmetic of costOfCall() once the rates are picked; the OTLP encoder calls it directly
 * for prices with one set of rates (CallPrice.plain), so both paths give the same bits.
 */
export function costWithRates(r: Rates, inputTokens: number, outputTokens: number, cachedInputTokens: number, cacheWriteTokens: number, reasoningTokens: number): number {
  // With one output rate (nearly every model) output is one product, so it rounds as it always did.
  const output = r.reasoning === r.output ? outputTokens * r.output : (outputTokens - reasoningTokens) * r.output + reasoningTokens * r.reasoning;
  return (
    ((inputTokens - cachedInputTokens - cacheWriteTokens) * r.input + cachedInputTokens * r.cachedInput + cacheWriteTokens * r.cacheWrite + output) / 1e6 +
    r.perCall
  );
}

const compiled = new WeakMap<ModelPricingInit, CallPrice>();

/** The CallPrice of a price-table entry (compiled once per entry object). */
export function tablePrice(p: ModelPricingInit): CallPrice {
  let c = compiled.get(p);
  if (c === undefined) {
    const rates = new Rates(p.inputPerMillion, p.cachedInputPerMillion ?? p.inputPerMillion, p.cacheWritePerMillion ?? p.inputPerMillion, p.outputPerMillion, p.outputPerMillion, 0);
    c = new CallPrice([{ kind: W_ALWAYS, fromMs: 0, startSec: 0, endSec: 0, rates }]);
    compiled.set(p, c);
  }
  return c;
}
