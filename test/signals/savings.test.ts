// Issue 32, savings: a gateway-cache hit's saved usage and the prompt cache's cached input, priced
// by real workers and exported to a real OTLP/HTTP receiver and the tracer's /metrics, against
// genai-prices' own calcPrice() for the same usage at the call's time (several models).
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { startHttpReceiver } from '../e2e/receivers.js';
import { readExposition } from '../metrics/prom.js';

const HITS = [
  { provider: 'openai', model: 'gpt-4o', savedInputTokens: 12_000, savedOutputTokens: 800 },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', savedInputTokens: 3_000, savedOutputTokens: 1_500 },
  { provider: 'google', model: 'gemini-2.5-flash', savedInputTokens: 50_000, savedOutputTokens: 0 },
];
const CACHED = [
  { provider: 'openai', model: 'gpt-4o', inputTokens: 9_000, cachedInputTokens: 8_000, outputTokens: 300 },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', inputTokens: 20_000, cachedInputTokens: 15_000, cacheWriteTokens: 2_000, outputTokens: 100 },
  { provider: 'openai', model: 'gpt-4o-mini', inputTokens: 4_000, cachedInputTokens: 1_024, outputTokens: 10 },
];

const price = (usage: Record<string, number>, provider: string, model: string, at: number): number => {
  const p = calcPrice(usage, model, { providerId: provider, timestamp: new Date(at) });
  if (p === null || p === undefined) throw new Error(`genai-prices has no price for ${provider} ${model}`);
  return p.total_price;
};

describe('savings', () => {
  it('prices gateway-cache hits and prompt-cache reads as genai-prices does, on spans and in ractogateway_cost_saved_usd_total', async () => {
    const receiver = await startHttpReceiver();
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, prometheusPort: 0, workers: 2, maxExportBatchSize: 2 });
    expect(await tracer.ready()).toBe(true);
    const start = Date.now();
    for (const h of HITS) expect(tracer.recordChatSpan({ ...h, latencyMs: 2, cacheHit: 'exact' })).toBe(true);
    for (const c of CACHED) expect(tracer.recordChatSpan({ ...c, latencyMs: 900 })).toBe(true);
    // A call without either saves nothing and says nothing.
    tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 5, inputTokens: 10, outputTokens: 1 });
    await tracer.flush();
    const text = await (await fetch(`http://127.0.0.1:${tracer.prometheusPort}/metrics`)).text();
    await tracer.shutdown();
    await receiver.close();

    const spans = receiver.spans;
    expect(spans).toHaveLength(HITS.length + CACHED.length + 1);
    const want = new Map<string, number>();
    const add = (labels: string, v: number): void => void want.set(labels, (want.get(labels) ?? 0) + v);
    for (const h of HITS) {
      const s = spans.find((x) => x.attributes['llm.model'] === h.model && x.attributes['llm.cache_hit'] === 'exact');
      const expected = price({ input_tokens: h.savedInputTokens, output_tokens: h.savedOutputTokens }, h.provider, h.model, start);
      expect(s?.attributes['llm.cost_usd']).toBe(0);
      expect(s?.attributes['llm.cost_saved_usd']).toBeCloseTo(expected, 8);
      expect(s?.attributes['llm.saved_input_tokens']).toBe(h.savedInputTokens);
      add(`${h.provider} ${h.model} gateway_cache`, expected);
    }
    for (const c of CACHED) {
      const s = spans.find((x) => x.attributes['llm.model'] === c.model && x.attributes['gen_ai.usage.cache_read.input_tokens'] === c.cachedInputTokens);
      const usage = { input_tokens: c.inputTokens, cache_write_tokens: c.cacheWriteTokens ?? 0, output_tokens: c.outputTokens };
      const expected = price(usage, c.provider, c.model, start) - price({ ...usage, cache_read_tokens: c.cachedInputTokens }, c.provider, c.model, start);
      expect(expected).toBeGreaterThan(0);
      expect(s?.attributes['llm.cost_saved_usd']).toBeCloseTo(expected, 8);
      add(`${c.provider} ${c.model} prompt_cache`, expected);
    }
    const plain = spans.find((x) => x.attributes['llm.input_tokens'] === 10);
    expect(plain?.attributes).not.toHaveProperty('llm.cost_saved_usd');

    const samples = readExposition(text).samples.filter((s) => s.name === 'ractogateway_cost_saved_usd_total');
    const got = new Map(samples.map((s) => [`${s.labels.provider} ${s.labels.model} ${s.labels.reason}`, s.value]));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, v] of want) expect(got.get(k)).toBeCloseTo(v, 7);
  });

  it('saves nothing on a model whose cache-read price is unknown', async () => {
    const receiver = await startHttpReceiver();
    const tracer = new RactoTracer({
      otlpHttpEndpoint: receiver.url, prometheusPort: 0,
      priceTable: { 'house-model': { inputPerMillion: 2, outputPerMillion: 8 }, 'house-cached': { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 } },
    });
    expect(await tracer.ready()).toBe(true);
    tracer.recordChatSpan({ provider: 'house', model: 'house-model', latencyMs: 5, inputTokens: 1_000_000, cachedInputTokens: 500_000 });
    tracer.recordChatSpan({ provider: 'house', model: 'house-cached', latencyMs: 5, inputTokens: 1_000_000, cachedInputTokens: 500_000 });
    await tracer.flush();
    const text = await (await fetch(`http://127.0.0.1:${tracer.prometheusPort}/metrics`)).text();
    await tracer.shutdown();
    await receiver.close();
    const byModel = new Map(receiver.spans.map((s) => [s.attributes['llm.model'], s.attributes]));
    expect(byModel.get('house-model')).not.toHaveProperty('llm.cost_saved_usd');
    // 500k tokens at 2 - 0.5 USD a million.
    expect(byModel.get('house-cached')?.['llm.cost_saved_usd']).toBeCloseTo(0.75, 8);
    const saved = readExposition(text).samples.filter((s) => s.name === 'ractogateway_cost_saved_usd_total');
    expect(saved.map((s) => [s.labels.model, s.labels.reason, s.value])).toEqual([['house-cached', 'prompt_cache', 0.75]]);
  });
});
