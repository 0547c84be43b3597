import { describe, expect, it } from 'vitest';
import { expectThrows } from '../helpers.js';
import { computeCost, resolverFor } from '../../src/pricing/cost.js';
import { canonicalModel, TableResolver } from '../../src/pricing/table-resolver.js';
import { DEFAULT_COST_TABLE } from '../../src/pricing/default-table.js';
import { mergePriceTable, ModelPricing } from '../../src/pricing/model-pricing.js';

describe('computeCost', () => {
  it('prices 1M gpt-4o input tokens at 2.50 USD', () => {
    expect(computeCost('gpt-4o', 1_000_000, 0)).toBeCloseTo(2.5, 12);
  });

  it('prices 500k in and 500k out of gpt-4o-mini at 0.375 USD', () => {
    expect(computeCost('gpt-4o-mini', 500_000, 500_000)).toBeCloseTo(0.375, 12);
  });

  it('prices an unknown model at 0', () => {
    expect(computeCost('no-such-model', 1_000_000, 1_000_000)).toBe(0);
  });

  it('uses a custom table: 1.0/2.0 with 1M in and 1M out costs 3.0', () => {
    const table = mergePriceTable(DEFAULT_COST_TABLE, { 'my-model': { inputPerMillion: 1, outputPerMillion: 2 } });
    expect(computeCost('my-model', 1_000_000, 1_000_000, table)).toBeCloseTo(3, 12);
  });

  it('never resolves Object.prototype keys to a price', () => {
    expect(computeCost('constructor', 1_000_000, 0)).toBe(0);
    expect(computeCost('__proto__', 1_000_000, 0)).toBe(0);
  });

  it('rejects negative and fractional token counts with a RangeError naming the field', () => {
    expectThrows(() => computeCost('gpt-4o', -1, 0), RangeError, 'inputTokens must be an integer >= 0 (received -1)');
    expectThrows(() => computeCost('gpt-4o', 0, 1.5), RangeError, 'outputTokens must be an integer >= 0 (received 1.5)');
  });
});

describe('DEFAULT_COST_TABLE', () => {
  const expected: Record<string, [number, number]> = {
    'gpt-4o': [2.5, 10], 'gpt-4o-mini': [0.15, 0.6], 'gpt-4-turbo': [10, 30], 'gpt-4': [30, 60],
    'gpt-3.5-turbo': [0.5, 1.5], o1: [15, 60], 'o1-mini': [3, 12], 'o3-mini': [1.1, 4.4],
    'claude-opus-4-6': [15, 75], 'claude-sonnet-4-6': [3, 15], 'claude-haiku-4-5-20251001': [0.8, 4],
    'claude-sonnet-4-5-20250929': [3, 15], 'claude-3-5-sonnet-20241022': [3, 15],
    'claude-3-5-haiku-20241022': [0.8, 4], 'claude-3-opus-20240229': [15, 75],
    'claude-3-haiku-20240307': [0.25, 1.25], 'gemini-2.0-flash': [0.1, 0.4],
    'gemini-2.0-flash-lite': [0.075, 0.3], 'gemini-2.5-pro': [1.25, 10], 'gemini-1.5-pro': [1.25, 5],
    'gemini-1.5-flash': [0.075, 0.3], 'gemini-1.5-flash-8b': [0.0375, 0.15], 'gemini-1.0-pro': [0.5, 1.5],
  };

  it.each(Object.entries(expected))('prices %s as in the original', (model, [input, output]) => {
    expect(DEFAULT_COST_TABLE[model]).toMatchObject({ inputPerMillion: input, outputPerMillion: output });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(DEFAULT_COST_TABLE)).toBe(true);
    expect(Object.isFrozen(DEFAULT_COST_TABLE['gpt-4o'])).toBe(true);
  });
});

describe('ModelPricing', () => {
  it('accepts zero, so a free model can be priced', () => {
    expect(new ModelPricing({ inputPerMillion: 0, outputPerMillion: 0 })).toEqual({ inputPerMillion: 0, outputPerMillion: 0 });
  });

  it.each([
    [{ inputPerMillion: -1, outputPerMillion: 1 }, RangeError, 'pricing.inputPerMillion must be a finite number >= 0 (received -1)'],
    [{ inputPerMillion: 1, outputPerMillion: Number.NaN }, RangeError, 'pricing.outputPerMillion must be a finite number >= 0 (received NaN)'],
    [{ inputPerMillion: '1', outputPerMillion: 1 }, TypeError, 'pricing.inputPerMillion must be a number (received "1")'],
    [null, TypeError, 'pricing must be an object with inputPerMillion and outputPerMillion (received null)'],
  ])('rejects %j', (init, Type, message) => {
    expectThrows(() => new ModelPricing(init as never), Type, message);
  });

  it('merges a user table over the defaults, user entries winning, accepting plain objects', () => {
    const table = mergePriceTable(DEFAULT_COST_TABLE, { 'gpt-4o': { inputPerMillion: 9, outputPerMillion: 9 } });
    expect(table['gpt-4o']).toBeInstanceOf(ModelPricing);
    expect(table['gpt-4o'].inputPerMillion).toBe(9);
    expect(table['gpt-4o-mini'].inputPerMillion).toBe(0.15);
    expect(DEFAULT_COST_TABLE['gpt-4o'].inputPerMillion).toBe(2.5);
  });

  it('names the model of a bad entry in a user table', () => {
    expect(() => mergePriceTable(DEFAULT_COST_TABLE, { m: { inputPerMillion: -2, outputPerMillion: 0 } })).toThrow(
      'options.priceTable["m"].inputPerMillion must be a finite number >= 0 (received -2)',
    );
  });
});

describe('cache-aware pricing (golden figures)', () => {
  const table = mergePriceTable(DEFAULT_COST_TABLE, {
    cached: { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3, cacheWritePerMillion: 3.75 },
    plain: { inputPerMillion: 2, outputPerMillion: 8 },
    free: { inputPerMillion: 0, outputPerMillion: 0 },
  });

  it('bills cached input at its own rate and only the rest at the input rate', () => {
    // 1,000,000 input of which 800,000 cached: 200,000 x 3 + 800,000 x 0.3 = 0.6 + 0.24 USD; 100,000 out x 15 = 1.5 USD
    expect(computeCost('cached', 1_000_000, 100_000, table, { cachedInputTokens: 800_000 })).toBeCloseTo(2.34, 12);
  });

  it('bills cache writes at their own rate, never twice', () => {
    // 1,000,000 input: 500,000 written (x 3.75), 300,000 read (x 0.3), 200,000 plain (x 3) = 1.875 + 0.09 + 0.6
    expect(computeCost('cached', 1_000_000, 0, table, { cachedInputTokens: 300_000, cacheWriteTokens: 500_000 })).toBeCloseTo(2.565, 12);
  });

  it('bills cached tokens at the input rate when the model has no cache rates', () => {
    expect(computeCost('plain', 1_000_000, 0, table, { cachedInputTokens: 1_000_000 })).toBeCloseTo(2, 12);
  });

  it('prices a zero-priced model at 0 and says it was priced', () => {
    expect(computeCost('free', 5_000_000, 5_000_000, table)).toBe(0);
    expect(resolverFor(table).resolve('free').source).toBe('custom');
  });

  it('uses the published cache rates of the default table', () => {
    // gpt-4o: 1M input, 600k of it cached: 400k x 2.5 + 600k x 1.25 = 1.0 + 0.75
    expect(computeCost('gpt-4o', 1_000_000, 0, DEFAULT_COST_TABLE, { cachedInputTokens: 600_000 })).toBeCloseTo(1.75, 12);
    // claude-sonnet-4-6 (3 / 15): reads at 0.30, writes at 3.75
    expect(DEFAULT_COST_TABLE['claude-sonnet-4-6']).toEqual({ inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3, cacheWritePerMillion: 3.75 });
  });

  it('prices the default embedding models on their input', () => {
    expect(computeCost('text-embedding-3-small', 1_000_000, 0)).toBeCloseTo(0.02, 12);
    expect(computeCost('text-embedding-3-large', 1_000_000, 0)).toBeCloseTo(0.13, 12);
    expect(computeCost('text-embedding-ada-002', 1_000_000, 0)).toBeCloseTo(0.1, 12);
  });

  it('refuses a breakdown larger than the input', () => {
    expectThrows(() => computeCost('gpt-4o', 100, 0, DEFAULT_COST_TABLE, { cachedInputTokens: 80, cacheWriteTokens: 30 }), RangeError,
      'cachedInputTokens + cacheWriteTokens must be at most inputTokens (100) (received 110)');
  });
});

describe('finding a price in a table (the user\'s, or the default table)', () => {
  const defaults = new TableResolver(DEFAULT_COST_TABLE);

  it.each([
    ['gpt-4o-2024-08-06', 'gpt-4o', false],
    ['GPT-4o', 'gpt-4o', false],
    ['openai/gpt-4o-mini', 'gpt-4o-mini', false],
    ['models/gemini-1.5-pro-002', 'gemini-1.5-pro', false],
    ['claude-haiku-4-5', 'claude-haiku-4-5-20251001', false],
    ['claude-3-5-sonnet@20241022', 'claude-3-5-sonnet-20241022', false],
    ['gpt-4-0613', 'gpt-4', false],
    ['gpt-4o', 'gpt-4o', true],
  ])('finds %s under the entry %s (exact: %s)', (model, priced, exact) => {
    expect(defaults.find(model)).toEqual({ pricing: DEFAULT_COST_TABLE[priced], exact });
    expect(defaults.find(model)?.pricing).toBe(DEFAULT_COST_TABLE[priced]);
  });

  it('finds nothing for an unknown model instead of guessing', () => {
    expect(defaults.find('gpt-5-turbo-ultra')).toBeUndefined();
    expect(defaults.find('constructor')).toBeUndefined();
  });

  it('finds nothing when two entries share a canonical form with different prices', () => {
    const table = new TableResolver({
      'acme-1-2024-01-01': { inputPerMillion: 1, outputPerMillion: 1 },
      'acme-1-2025-01-01': { inputPerMillion: 2, outputPerMillion: 2 },
    });
    expect(table.find('acme-1')).toBeUndefined();
    expect(table.find('acme-1-2025-01-01')?.exact).toBe(true);
  });

  it('canonicalises ids', () => {
    expect(canonicalModel('models/Gemini-1.5-Pro-002')).toBe('gemini-1.5-pro');
    expect(canonicalModel('bedrock/anthropic/claude-3-haiku-20240307')).toBe('claude-3-haiku');
  });
});
