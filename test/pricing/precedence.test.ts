// Where a price comes from: the user's table, then genai-prices, then DEFAULT_COST_TABLE, each
// by the id as given before its normalised forms; and the compiled rates' arithmetic.
import { describe, expect, it } from 'vitest';
import { expectThrows } from '../helpers.js';
import { computeCost, PriceResolver } from '../../src/pricing/cost.js';
import { DEFAULT_COST_TABLE } from '../../src/pricing/default-table.js';
import { CallPrice, Rates, W_ALWAYS, W_DAILY, W_FROM, costOfCall } from '../../src/pricing/rates.js';

const user = new PriceResolver({ 'gpt-4o': { inputPerMillion: 1, outputPerMillion: 1 }, 'acme-chat': { inputPerMillion: 3, outputPerMillion: 0 } });
const none = new PriceResolver({});
const usd = (r: PriceResolver, model: string, provider: string, input = 1_000_000): [string, number] => {
  const p = r.resolve(model, provider);
  return [p.source, costOfCall(p.price, input, 0, 0, 0, 0, Date.now())];
};

describe('order of precedence', () => {
  it.each([
    ['a user entry, as given, over genai-prices', user, 'gpt-4o', 'openai', ['custom', 1]],
    ['a user entry under its canonical form, over genai-prices', user, 'gpt-4o-2024-08-06', 'openai', ['alias', 1]],
    ['a user entry for a model nobody else prices', user, 'ACME-chat-latest', 'acme', ['alias', 3]],
    ['genai-prices, as given', none, 'gpt-4o-2024-08-06', 'openai', ['genai-prices', 2.5]],
    ['genai-prices without a provider path', none, 'openai/gpt-4o', 'openai', ['alias', 2.5]],
    ['genai-prices over the default table (claude-haiku-4-5: 1 there, 0.8 in the original\'s table)', none, 'claude-haiku-4-5-20251001', 'anthropic', ['genai-prices', 1]],
    ['genai-prices by the model alone when it does not know the provider', none, 'gpt-4o', 'my-gateway', ['genai-prices', 2.5]],
    ['the default table when genai-prices has no such model for a provider it knows', none, 'gpt-3.5-turbo', 'anthropic', ['default', 0.5]],
    ['the default table under the canonical form', none, 'gpt-3.5-turbo-0125', 'anthropic', ['alias', 0.5]],
    ['nothing, when nobody prices it', user, 'mystery-model', 'openai', ['unpriced', 0]],
    ['nothing for Object.prototype keys', none, '__proto__', '', ['unpriced', 0]],
  ] as const)('takes %s', (_, resolver, model, provider, want) => {
    const [source, cost] = usd(resolver, model, provider);
    expect(source).toBe(want[0]);
    expect(cost).toBeCloseTo(want[1], 12);
  });

  it('lets computeCost price through the same path, the user table first', () => {
    expect(computeCost('gpt-4o', 1_000_000, 0, { 'gpt-4o': { inputPerMillion: 1, outputPerMillion: 1 } })).toBeCloseTo(1, 12);
    expect(computeCost('gpt-3.5-turbo', 1_000_000, 0, {}, { provider: 'anthropic' })).toBeCloseTo(DEFAULT_COST_TABLE['gpt-3.5-turbo'].inputPerMillion, 12);
  });

  it('refuses a provider that is not a string and a time that is not one', () => {
    expectThrows(() => computeCost('gpt-4o', 1, 0, {}, { provider: 7 as never }), TypeError, 'options.provider must be a string (received 7)');
    expectThrows(() => computeCost('gpt-4o', 1, 0, {}, { at: new Date('nope') }), RangeError, 'options.at must be a valid time (received NaN)');
    expectThrows(() => computeCost('gpt-4o', 1, 0, {}, { at: '2026-01-01' as never }), TypeError, 'options.at must be a Date or epoch milliseconds (received "2026-01-01")');
    expectThrows(() => computeCost('gpt-4o', 1, 2, {}, { reasoningTokens: 3 }), RangeError, 'reasoningTokens must be at most outputTokens (2) (received 3)');
  });
});

describe('compiled rates', () => {
  const base = new Rates(1, 0.1, 1.25, 10, 10, 0);
  const tiered = new Rates(1, 0.1, 1.25, 10, 10, 0, [200_000], [new Rates(2, 0.2, 2.5, 15, 15, 0)]);
  const always = (rates: Rates) => ({ kind: W_ALWAYS, fromMs: 0, startSec: 0, endSec: 0, rates } as const);

  it('bills each part of the usage once, at its own rate', () => {
    // 1,000 in: 300 cached (x 0.1), 200 written (x 1.25), 500 plain (x 1); 100 out (x 10)
    expect(costOfCall(new CallPrice([always(base)]), 1_000, 100, 300, 200, 0, 0)).toBeCloseTo((500 + 30 + 250 + 1_000) / 1e6, 15);
  });

  it('switches tier only above the threshold, for every part of the call', () => {
    const p = new CallPrice([always(tiered)]);
    expect(costOfCall(p, 200_000, 0, 0, 0, 0, 0)).toBeCloseTo(0.2, 12);
    expect(costOfCall(p, 200_001, 1_000, 100_001, 0, 0, 0)).toBeCloseTo((100_000 * 2 + 100_001 * 0.2 + 1_000 * 15) / 1e6, 12);
  });

  it('bills reasoning at its own rate when the model has one, and adds a fee per call', () => {
    const p = new CallPrice([always(new Rates(0, 0, 0, 10, 40, 0.005))]);
    expect(costOfCall(p, 0, 1_000, 0, 0, 600, 0)).toBeCloseTo((400 * 10 + 600 * 40) / 1e6 + 0.005, 15);
  });

  it('picks the last window whose condition holds: a start date, and daily hours that wrap past midnight', () => {
    const rate = (n: number) => new Rates(n, n, n, 0, 0, 0);
    const p = new CallPrice([
      always(rate(1)),
      { kind: W_FROM, fromMs: Date.parse('2026-01-01T00:00:00Z'), startSec: 0, endSec: 0, rates: rate(2) },
      { kind: W_DAILY, fromMs: 0, startSec: 22 * 3600, endSec: 2 * 3600, rates: rate(3) },
    ]);
    const at = (iso: string) => costOfCall(p, 1_000_000, 0, 0, 0, 0, Date.parse(iso));
    expect([at('2025-06-01T12:00:00Z'), at('2026-06-01T12:00:00Z'), at('2025-06-01T23:00:00Z'), at('2026-06-01T01:59:59Z'), at('2026-06-01T02:00:00Z')])
      .toEqual([1, 2, 3, 3, 2]);
  });
});
