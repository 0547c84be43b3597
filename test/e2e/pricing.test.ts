// Pricing in the workers: the same costs as the in-memory path (the main thread) and as
// genai-prices' calcPrice() at the call's time, over a real pool and a real OTLP receiver; and
// genai-prices' data loaded only by the thread that prices.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { calcPrice } from '@pydantic/genai-prices';
import { RactoTracer } from '../pkg.js';
import { startHttpReceiver } from './receivers.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

const CALLS = [
  { provider: 'openai', model: 'gpt-5', inputTokens: 12_000, outputTokens: 3_000, cachedInputTokens: 8_000 },
  { provider: 'openai', model: 'o4-mini', inputTokens: 8_000, outputTokens: 4_000, reasoningTokens: 3_000 },
  { provider: 'azure', model: 'gpt-4.1', inputTokens: 100_000, outputTokens: 2_000, cachedInputTokens: 60_000 },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', inputTokens: 300_000, outputTokens: 4_000, cachedInputTokens: 200_000, cacheWriteTokens: 50_000 },
  { provider: 'anthropic', model: 'claude-haiku-4-5', inputTokens: 9_000, outputTokens: 800, cachedInputTokens: 4_000, cacheWriteTokens: 3_000 },
  { provider: 'google', model: 'gemini-2.5-pro', inputTokens: 250_000, outputTokens: 8_000, cachedInputTokens: 100_000 },
  { provider: 'vertex', model: 'gemini-2.5-flash', inputTokens: 30_000, outputTokens: 2_000 },
  { provider: 'mistral', model: 'mistral-large-2512', inputTokens: 10_000, outputTokens: 2_000 },
  { provider: 'deepseek', model: 'deepseek-chat', inputTokens: 10_000, outputTokens: 2_000, cachedInputTokens: 4_000 },
  { provider: 'xai', model: 'grok-4-0709', inputTokens: 20_000, outputTokens: 3_000, cachedInputTokens: 10_000 },
  { provider: 'x-ai', model: 'grok-4.20', inputTokens: 300_000, outputTokens: 3_000 },
];

describe('pricing in the workers', () => {
  it('prices every call in the workers exactly as the in-memory path does, and as calcPrice() does at the call\'s time', async () => {
    const receiver = await startHttpReceiver();
    const tracer = new RactoTracer({ inMemory: true, otlpHttpEndpoint: receiver.url, workers: 2, maxExportBatchSize: 4 });
    for (const c of CALLS) tracer.recordChatSpan({ ...c, latencyMs: 800 });
    tracer.recordChatSpan({ provider: 'openai', model: 'my-finetune', latencyMs: 5, inputTokens: 10 });
    await tracer.flush();
    const wire = new Map(receiver.spans.map((s) => [`${s.attributes['llm.provider']} ${s.attributes['llm.model']}`, s.attributes]));
    expect(tracer.spans).toHaveLength(CALLS.length + 1);
    for (const r of tracer.spans) {
      const a = wire.get(`${r.provider} ${r.model}`);
      expect([a?.['llm.cost_usd'], a?.['llm.price_source']]).toEqual([r.costUsd, r.priceSource]);
    }
    for (const [i, c] of CALLS.entries()) {
      const r = tracer.spans[i];
      const want = calcPrice({ input_tokens: c.inputTokens, cache_read_tokens: c.cachedInputTokens ?? 0, cache_write_tokens: c.cacheWriteTokens ?? 0,
        output_tokens: c.outputTokens, output_reasoning_tokens: c.reasoningTokens ?? 0 }, c.model, { providerId: c.provider, timestamp: new Date(r.timestamp) });
      expect(r.priceSource).toBe('genai-prices');
      expect(r.costUsd).toBeCloseTo(want?.total_price ?? Number.NaN, 7);
    }
    expect(tracer.stats().unpricedCalls).toEqual({ 'my-finetune': 1 });
    await tracer.shutdown();
    await receiver.close();
  });

  it('gives a user entry precedence over genai-prices in the workers, and genai-prices precedence over the default table', async () => {
    const receiver = await startHttpReceiver();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, priceTable: { 'gpt-5': { inputPerMillion: 100, outputPerMillion: 0 } } });
    tracer.recordChatSpan({ provider: 'openai', model: 'gpt-5', latencyMs: 5, inputTokens: 1_000_000 });
    // DEFAULT_COST_TABLE has the original's 0.8 USD for claude-haiku-4-5; genai-prices has 1.
    tracer.recordChatSpan({ provider: 'anthropic', model: 'claude-haiku-4-5-20251001', latencyMs: 5, inputTokens: 1_000_000 });
    await tracer.flush();
    const got = receiver.spans.map((s) => [s.attributes['llm.model'], s.attributes['llm.cost_usd'], s.attributes['llm.price_source']]).sort();
    expect(got).toEqual([['claude-haiku-4-5-20251001', 1, 'genai-prices'], ['gpt-5', 100, 'custom']]);
    await tracer.shutdown();
    await receiver.close();
  });
});

describe('where genai-prices loads', () => {
  const run = async (mode: string): Promise<{ loaded: boolean; source: string }> => {
    const { stdout } = await promisify(execFile)(process.execPath, [fixture('genai-load.mjs'), mode], { timeout: 30_000 });
    return JSON.parse(stdout.trim().split('\n').pop() as string) as { loaded: boolean; source: string };
  };

  it('loads its data in the workers only when spans are priced there, never on the main thread', async () => {
    expect(await run('workers')).toEqual({ loaded: false, source: 'genai-prices' });
  });

  it('loads it on the main thread for an inMemory tracer, which prices there', async () => {
    expect(await run('inMemory')).toEqual({ loaded: true, source: 'genai-prices' });
  });
});
