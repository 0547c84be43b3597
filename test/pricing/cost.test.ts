import { describe, expect, it } from 'vitest';
import { expectThrows } from '../helpers.js';
import { computeCost } from '../../src/pricing/cost.js';
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
