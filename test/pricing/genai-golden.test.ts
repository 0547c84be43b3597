// Golden costs: the tracer's pricing (genai-prices resolved once per model, then arithmetic)
// against genai-prices' own calcPrice() for the same call, for current models of OpenAI,
// Anthropic, Google, Mistral, DeepSeek and xAI: cached input, cache writes, reasoning, tiered
// long-context prices, prices by date and by hour of the day, provider aliases.
import { describe, expect, it } from 'vitest';
import { calcPrice } from '@pydantic/genai-prices';
import { computeCost, resolverFor } from '../../src/pricing/cost.js';

interface Call {
  provider: string;
  model: string;
  input: number;
  output: number;
  cached?: number;
  written?: number;
  reasoning?: number;
  /** ISO time of the call; default: the time of the test. */
  at?: string;
}

const NOW = new Date();
const CALLS: Call[] = [
  // OpenAI
  { provider: 'openai', model: 'gpt-5', input: 12_000, output: 3_000, cached: 8_000 },
  { provider: 'openai', model: 'gpt-5-mini', input: 40_000, output: 1_500, reasoning: 900 },
  { provider: 'openai', model: 'gpt-4.1', input: 100_000, output: 2_000, cached: 60_000 },
  { provider: 'openai', model: 'gpt-4.1-nano', input: 3_000, output: 200 },
  { provider: 'openai', model: 'gpt-4o-2024-08-06', input: 5_000, output: 700, cached: 1_024 },
  { provider: 'openai', model: 'o3', input: 20_000, output: 9_000, reasoning: 7_000 },
  { provider: 'openai', model: 'o3', input: 20_000, output: 9_000, at: '2025-05-01T12:00:00Z' },
  { provider: 'openai', model: 'o4-mini', input: 8_000, output: 4_000, cached: 2_000, reasoning: 3_000 },
  { provider: 'openai', model: 'gpt-5.4', input: 400_000, output: 5_000, cached: 100_000 },
  { provider: 'openai', model: 'text-embedding-3-small', input: 50_000, output: 0 },
  { provider: 'azure', model: 'gpt-4o', input: 10_000, output: 1_000 },
  // Anthropic
  { provider: 'anthropic', model: 'claude-sonnet-4-5', input: 300_000, output: 4_000, cached: 200_000, written: 50_000 },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', input: 150_000, output: 4_000, cached: 100_000, written: 20_000 },
  { provider: 'anthropic', model: 'claude-opus-4-6', input: 250_000, output: 2_000, at: '2026-02-01T00:00:00Z' },
  { provider: 'anthropic', model: 'claude-opus-4-6', input: 250_000, output: 2_000 },
  { provider: 'anthropic', model: 'claude-haiku-4-5', input: 9_000, output: 800, cached: 4_000, written: 3_000 },
  { provider: 'anthropic', model: 'claude-opus-4-1', input: 2_000, output: 1_000 },
  { provider: 'anthropic', model: 'claude-sonnet-4-20250514', input: 4_740, output: 255, written: 4_735 },
  { provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20241022-v2:0', input: 6_000, output: 600 },
  // Google
  { provider: 'google', model: 'gemini-2.5-pro', input: 250_000, output: 8_000, cached: 100_000 },
  { provider: 'google', model: 'gemini-2.5-pro', input: 150_000, output: 8_000, cached: 100_000 },
  { provider: 'google', model: 'gemini-2.5-flash', input: 30_000, output: 2_000, cached: 20_000 },
  { provider: 'google', model: 'gemini-3-pro-preview', input: 500_000, output: 10_000 },
  { provider: 'vertex', model: 'gemini-2.0-flash', input: 1_000_000, output: 100_000 },
  // Mistral
  { provider: 'mistral', model: 'mistral-large-2512', input: 10_000, output: 2_000, cached: 5_000 },
  { provider: 'mistral', model: 'mistral-medium-latest', input: 10_000, output: 2_000, at: '2026-01-10T00:00:00Z' },
  { provider: 'mistral', model: 'mistral-medium-latest', input: 10_000, output: 2_000, at: '2026-07-10T00:00:00Z' },
  { provider: 'mistral', model: 'mistral-small-latest', input: 7_000, output: 3_000 },
  // DeepSeek: off-peak and standard hours, and the prices from 2026-08-17 on
  { provider: 'deepseek', model: 'deepseek-chat', input: 10_000, output: 2_000, cached: 4_000, at: '2026-05-01T03:00:00Z' },
  { provider: 'deepseek', model: 'deepseek-chat', input: 10_000, output: 2_000, cached: 4_000, at: '2026-05-01T20:00:00Z' },
  { provider: 'deepseek', model: 'deepseek-v4-pro', input: 10_000, output: 2_000, at: '2026-08-01T12:00:00Z' },
  { provider: 'deepseek', model: 'deepseek-v4-pro', input: 10_000, output: 2_000, at: '2026-09-01T12:00:00Z' },
  { provider: 'deepseek', model: 'deepseek-v4-pro', input: 10_000, output: 2_000, at: '2026-09-01T03:00:00Z' },
  { provider: 'deepseek', model: 'deepseek-reasoner', input: 10_000, output: 6_000, reasoning: 5_000 },
  // xAI
  { provider: 'xai', model: 'grok-4-0709', input: 20_000, output: 3_000, cached: 10_000 },
  { provider: 'x-ai', model: 'grok-4.20', input: 300_000, output: 3_000 },
  { provider: 'x-ai', model: 'grok-3-mini', input: 5_000, output: 5_000, reasoning: 4_000 },
  { provider: 'x-ai', model: 'grok-code-fast-1', input: 50_000, output: 5_000, cached: 40_000 },
];

function reference(c: Call): number {
  const r = calcPrice({ input_tokens: c.input, cache_read_tokens: c.cached ?? 0, cache_write_tokens: c.written ?? 0, output_tokens: c.output,
    output_reasoning_tokens: c.reasoning ?? 0 }, c.model, { providerId: c.provider, timestamp: c.at === undefined ? NOW : new Date(c.at) });
  if (r === null) throw new Error(`genai-prices has no price for ${c.provider} ${c.model}`);
  return r.total_price;
}

function ours(c: Call): number {
  return computeCost(c.model, c.input, c.output, {}, { provider: c.provider, cachedInputTokens: c.cached, cacheWriteTokens: c.written,
    reasoningTokens: c.reasoning, at: c.at === undefined ? NOW : Date.parse(c.at) });
}

const label = (c: Call): string => `${c.provider} ${c.model} ${c.input}/${c.output}${c.cached ? ` cached ${c.cached}` : ''}${c.written ? ` written ${c.written}` : ''}${c.at ? ` at ${c.at}` : ''}`;

describe('golden costs against genai-prices calcPrice()', () => {
  it('covers at least 20 models of the six providers', () => {
    expect(new Set(CALLS.map((c) => c.model)).size).toBeGreaterThanOrEqual(20);
    expect(new Set(CALLS.map((c) => resolverFor({}).resolve(c.model, c.provider).source))).toEqual(new Set(['genai-prices']));
  });

  it.each(CALLS.map((c) => [label(c), c] as const))('prices %s as calcPrice() does', (_, c) => {
    const want = reference(c);
    expect(want).toBeGreaterThan(0);
    expect(Math.abs(ours(c) - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, want));
  });

  const rate = (c: Call): number => ours(c) / c.input;
  it('applies the long-context tier by the call\'s input size (Gemini 2.5 Pro above 200k tokens)', () => {
    const small = { provider: 'google', model: 'gemini-2.5-pro', input: 200_000, output: 0 };
    const large = { ...small, input: 200_001 };
    expect(rate(small)).toBeCloseTo(1.25 / 1e6, 15);
    expect(rate(large)).toBeCloseTo(2.5 / 1e6, 15);
  });

  it('applies the price in force at the call\'s time: a date, and the hours of the day', () => {
    const o3 = { provider: 'openai', model: 'o3', input: 1_000_000, output: 0 };
    expect(ours({ ...o3, at: '2025-05-01T00:00:00Z' })).not.toBeCloseTo(ours({ ...o3, at: '2025-07-01T00:00:00Z' }), 6);
    const ds = { provider: 'deepseek', model: 'deepseek-chat', input: 1_000_000, output: 0 };
    expect(ours({ ...ds, at: '2026-05-01T03:00:00Z' })).not.toBeCloseTo(ours({ ...ds, at: '2026-05-01T20:00:00Z' }), 6);
  });
});
