// Golden metrics: a known set of calls through real workers; GET /metrics (and metricsText())
// parsed with a real Prometheus text parser must equal what the calls add up to, worked out here
// from the calls alone: counters, every bucket, counts, costs exactly; float sums to 1e-9.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RactoTracer, type SpanRecord } from '../pkg.js';
import { bump, byKey, observe, readExposition, type Exposition } from './prom.js';

const GATEWAY_BOUNDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
const GENAI_SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const GENAI_TOKENS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const GENAI_PROVIDER: Record<string, string> = { openai: 'openai', anthropic: 'anthropic', google: 'gcp.gemini', acme: 'acme' };

interface Call {
  kind: 'chat' | 'stream' | 'embed';
  provider: string;
  model: string;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  timeToFirstTokenMs?: number;
  cacheHit?: 'exact' | 'semantic';
  toolCalls?: number;
  errorType?: string;
  tenant?: string;
}

/** 60 calls: three providers plus an unpriced one, chat, streams with TTFT, embeddings, errors, cache hits, tools, tenants. */
function calls(): Call[] {
  const out: Call[] = [];
  const models: [string, string][] = [['openai', 'gpt-4o'], ['anthropic', 'claude-3-5-sonnet'], ['google', 'gemini-1.5-pro'], ['acme', 'house-model-1']];
  for (let i = 0; i < 60; i++) {
    const [provider, model] = models[i % 4];
    const kind = i % 6 === 5 ? 'embed' : i % 3 === 1 ? 'stream' : 'chat';
    const c: Call = {
      kind,
      provider: kind === 'embed' ? 'openai' : provider,
      model: kind === 'embed' ? 'text-embedding-3-small' : model,
      // From 7 ms to ~70 s: every bucket of both duration histograms gets some.
      latencyMs: Math.round(7 * 1.17 ** i * 100) / 100,
      inputTokens: 3 * 2 ** (i % 25),
      outputTokens: kind === 'embed' ? 0 : (i * 37) % 5000,
    };
    if (kind !== 'embed' && i % 4 === 1) Object.assign(c, { cachedInputTokens: Math.floor(c.inputTokens / 3), cacheWriteTokens: Math.floor(c.inputTokens / 5), reasoningTokens: Math.floor(c.outputTokens / 2) });
    if (kind === 'stream') c.timeToFirstTokenMs = Math.round(c.latencyMs * 0.3 * 100) / 100;
    // Embedding calls carry no cache hit.
    if (kind !== 'embed' && i % 5 === 0) c.cacheHit = 'exact';
    if (kind !== 'embed' && i % 11 === 3) c.cacheHit = 'semantic';
    if (kind === 'chat') c.toolCalls = i % 3;
    if (i % 7 === 2) c.errorType = i % 2 ? 'RateLimitError' : 'APIConnectionError';
    if (i % 3 !== 2) c.tenant = i % 2 ? 'acme-corp' : 'globex';
    out.push(c);
  }
  return out;
}

function record(tracer: RactoTracer, c: Call): void {
  const common = {
    provider: c.provider, model: c.model, latencyMs: c.latencyMs, inputTokens: c.inputTokens,
    status: c.errorType === undefined ? 'ok' as const : 'error' as const, errorType: c.errorType,
    attributes: c.tenant === undefined ? undefined : { tenant: c.tenant, route: '/v1/chat' },
  };
  if (c.kind === 'embed') {
    tracer.recordEmbedSpan(common);
    return;
  }
  tracer.recordChatSpan({
    ...common, operation: c.kind, outputTokens: c.outputTokens, cacheHit: c.cacheHit, toolCalls: c.toolCalls,
    cachedInputTokens: c.cachedInputTokens, cacheWriteTokens: c.cacheWriteTokens, reasoningTokens: c.reasoningTokens, timeToFirstTokenMs: c.timeToFirstTokenMs,
  });
}

/** The exposition the calls must produce: exact samples, and float sums. */
function expected(cs: readonly Call[], spans: readonly SpanRecord[]): { exact: Map<string, number>; sums: Map<string, number> } {
  const exact = new Map<string, number>();
  const sums = new Map<string, number>();
  const cost = new Map<string, number>();
  cs.forEach((c, i) => {
    const t = c.tenant === undefined ? {} : { tenant: c.tenant };
    const pm = { provider: c.provider, model: c.model };
    const status = c.errorType === undefined ? 'ok' : 'error';
    const seconds = c.latencyMs / 1000;
    bump(exact, 'ractogateway_requests_total', { ...pm, operation: c.kind, status, ...t });
    observe(exact, sums, 'ractogateway_request_duration_seconds', { ...pm, operation: c.kind, ...t }, GATEWAY_BOUNDS, seconds);
    const tokens: [string, number][] = [['input', c.inputTokens], ['output', c.outputTokens], ['cache_read', c.cachedInputTokens ?? 0], ['cache_write', c.cacheWriteTokens ?? 0], ['reasoning', c.reasoningTokens ?? 0]];
    for (const [type, n] of tokens) bump(exact, 'ractogateway_tokens_total', { ...pm, token_type: type, ...t }, n);
    // Each span's llm.cost_usd (rounded to 1e-8) adds up, in units of 1e-8, to the metric.
    bump(cost, 'ractogateway_cost_usd_total', { ...pm, ...t }, Math.round(spans[i].costUsd * 1e8));
    if (c.cacheHit !== undefined) bump(exact, 'ractogateway_cache_hits_total', { cache_type: c.cacheHit, ...t });
    else bump(exact, 'ractogateway_cache_misses_total', t);
    bump(exact, 'ractogateway_tool_calls_total', { ...pm, ...t }, c.toolCalls ?? 0);
    const g = { gen_ai_operation_name: c.kind === 'embed' ? 'embeddings' : 'chat', gen_ai_provider_name: GENAI_PROVIDER[c.provider], gen_ai_request_model: c.model, ...t };
    const withError = c.errorType === undefined ? g : { ...g, error_type: c.errorType };
    observe(exact, sums, 'gen_ai_client_operation_duration_seconds', withError, GENAI_SECONDS, seconds);
    observe(exact, sums, 'gen_ai_client_token_usage', { ...g, gen_ai_token_type: 'input' }, GENAI_TOKENS, c.inputTokens);
    if (c.kind !== 'embed') observe(exact, sums, 'gen_ai_client_token_usage', { ...g, gen_ai_token_type: 'output' }, GENAI_TOKENS, c.outputTokens);
    if (c.timeToFirstTokenMs !== undefined) observe(exact, sums, 'gen_ai_client_operation_time_to_first_chunk_seconds', g, GENAI_SECONDS, c.timeToFirstTokenMs / 1000);
  });
  for (const [k, units] of cost) exact.set(k, units / 1e8);
  // Token sums are integers: exact.
  for (const [k, v] of sums) if (k.startsWith('gen_ai_client_token_usage')) {
    exact.set(k, v);
    sums.delete(k);
  }
  return { exact, sums };
}

const CALL_FAMILIES = [
  'ractogateway_requests_total', 'ractogateway_request_duration_seconds', 'ractogateway_tokens_total', 'ractogateway_cost_usd_total',
  'ractogateway_cache_hits_total', 'ractogateway_cache_misses_total', 'ractogateway_tool_calls_total',
  'gen_ai_client_operation_duration_seconds', 'gen_ai_client_token_usage', 'gen_ai_client_operation_time_to_first_chunk_seconds',
];
const isCallSample = (name: string): boolean => CALL_FAMILIES.some((f) => name === f || name === `${f}_bucket` || name === `${f}_sum` || name === `${f}_count`);

describe('metrics: golden values through real workers', () => {
  let tracer: RactoTracer;
  let scraped: string;
  let exposition: Exposition;
  const cs = calls();

  beforeAll(async () => {
    tracer = new RactoTracer({
      inMemory: true, prometheusPort: 0, attributeKeys: ['tenant', 'route'], metricAttributes: ['tenant'], workers: 2, maxExportBatchSize: 7,
    });
    expect(await tracer.ready()).toBe(true);
    for (const c of cs) record(tracer, c);
    await tracer.flush();
    const res = await fetch(`http://127.0.0.1:${tracer.prometheusPort}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    scraped = await res.text();
    exposition = readExposition(scraped);
  });
  afterAll(() => tracer.shutdown());

  it('types every family as Prometheus expects, under the standard OTel name translation', () => {
    const types = Object.fromEntries([...exposition.families].map(([name, f]) => [name, f.type]));
    expect(types).toMatchObject({
      ractogateway_requests_total: 'COUNTER',
      ractogateway_request_duration_seconds: 'HISTOGRAM',
      ractogateway_tokens_total: 'COUNTER',
      ractogateway_cost_usd_total: 'COUNTER',
      ractogateway_cache_hits_total: 'COUNTER',
      ractogateway_cache_misses_total: 'COUNTER',
      ractogateway_tool_calls_total: 'COUNTER',
      gen_ai_client_operation_duration_seconds: 'HISTOGRAM',
      gen_ai_client_token_usage: 'HISTOGRAM',
      gen_ai_client_operation_time_to_first_chunk_seconds: 'HISTOGRAM',
      ractogateway_spans_recorded_total: 'COUNTER',
      ractogateway_spans_dropped_total: 'COUNTER',
      ractogateway_spans_failed_total: 'COUNTER',
      ractogateway_ring_fill_ratio: 'GAUGE',
      ractogateway_strings_folded_total: 'COUNTER',
      ractogateway_metric_series_overflow_total: 'COUNTER',
    });
  });

  it('equals the calls: every counter, bucket, count and cost exactly, every sum to 1e-9', () => {
    const { exact, sums } = expected(cs, tracer.spans);
    const isSum = (name: string): boolean => name.endsWith('_sum') && !name.startsWith('gen_ai_client_token_usage');
    const got = byKey(exposition.samples, (s) => isCallSample(s.name) && !isSum(s.name));
    expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...exact].sort()));
    const gotSums = byKey(exposition.samples, (s) => isCallSample(s.name) && isSum(s.name));
    expect([...gotSums.keys()].sort()).toEqual([...sums.keys()].sort());
    for (const [k, v] of sums) expect(gotSums.get(k), k).toBeCloseTo(v, 9);
  });

  it("reports the tracer's own health", () => {
    const health = byKey(exposition.samples, (s) => s.name.startsWith('ractogateway_spans_') || s.name.startsWith('ractogateway_strings') || s.name.startsWith('ractogateway_metric_series'));
    expect(health.get('ractogateway_spans_recorded_total{}')).toBe(cs.length);
    expect(health.get('ractogateway_spans_exported_total{}')).toBe(cs.length);
    expect(health.get('ractogateway_spans_dropped_total{reason=sampled}')).toBe(0);
    expect(health.get('ractogateway_spans_failed_total{reason=exportTimeout}')).toBe(0);
    expect(health.get('ractogateway_spans_pending{}')).toBe(0);
    expect(health.get('ractogateway_spans_spooled{}')).toBe(0);
    expect(health.get('ractogateway_spans_replayed_total{}')).toBe(0);
    expect(health.get('ractogateway_strings_folded_total{}')).toBe(0);
    expect(health.get('ractogateway_metric_series_overflow_total{}')).toBe(0);
  });

  it('metricsText() returns the same exposition as GET /metrics', async () => {
    expect(await tracer.metricsText()).toBe(scraped);
  });

  it('answers other paths with 404 and keeps serving', async () => {
    const res = await fetch(`http://127.0.0.1:${tracer.prometheusPort}/`);
    expect(res.status).toBe(404);
    await res.text();
    expect((await fetch(`http://127.0.0.1:${tracer.prometheusPort}/metrics`)).status).toBe(200);
  });
});
