// The tracer load of scripts/test-prometheus.mjs: a fixed set of chat and embedding calls
// recorded in rounds, and the figures Prometheus must then report, counted from the same list.

// Recorded twice: once before Prometheus's first scrape and once after it, so every counter and
// histogram series grows between two scrapes and the dashboard's rate()-based panels have data.
const CALLS = [
  { kind: 'chat', provider: 'openai', model: 'gpt-4o', latencyMs: 820, inputTokens: 1200, outputTokens: 300, toolCalls: 2, tenant: 'acme',
    rateLimits: { requestsRemaining: 9_990, requestsLimit: 10_000, tokensRemaining: 29_000_000, tokensLimit: 30_000_000, tokensResetSeconds: 0.02 } },
  { kind: 'chat', provider: 'openai', model: 'gpt-4o', latencyMs: 430, inputTokens: 800, outputTokens: 120, cachedInputTokens: 400, tenant: 'globex' },
  { kind: 'chat', provider: 'openai', model: 'gpt-4o-mini', latencyMs: 2600, inputTokens: 500, outputTokens: 0, status: 'error', errorType: 'rate_limit', tenant: 'acme' },
  { kind: 'chat', provider: 'anthropic', model: 'claude-sonnet-4-6', operation: 'stream', latencyMs: 3100, timeToFirstTokenMs: 240,
    inputTokens: 2000, outputTokens: 650, cacheWriteTokens: 1500, reasoningTokens: 200, toolCalls: 1, tenant: 'acme',
    chunkTiming: { chunks: 41, afterFirstMs: 2800, maxGapMs: 400 }, rateLimits: { outputTokensRemaining: 79_000, outputTokensLimit: 80_000 } },
  { kind: 'chat', provider: 'anthropic', model: 'claude-sonnet-4-6', operation: 'stream', latencyMs: 1700, timeToFirstTokenMs: 410,
    inputTokens: 900, outputTokens: 210, cachedInputTokens: 600, tenant: 'globex', chunkTiming: { chunks: 12, afterFirstMs: 1200, maxGapMs: 150 } },
  { kind: 'chat', provider: 'google', model: 'gemini-2.0-flash', latencyMs: 12, inputTokens: 300, outputTokens: 90, cacheHit: 'exact', tenant: 'acme',
    savedInputTokens: 3000, savedOutputTokens: 900 },
  { kind: 'chat', provider: 'google', model: 'gemini-2.0-flash', latencyMs: 60, inputTokens: 300, outputTokens: 80, cacheHit: 'semantic', tenant: 'globex' },
  { kind: 'chat', provider: 'anthropic', model: 'claude-haiku-4-5-20251001', latencyMs: 30_500, inputTokens: 150, outputTokens: 0, status: 'error', errorType: 'timeout' },
  { kind: 'embed', provider: 'openai', model: 'text-embedding-3-small', latencyMs: 45, inputTokens: 512, tenant: 'acme' },
  { kind: 'embed', provider: 'openai', model: 'text-embedding-3-small', latencyMs: 38, inputTokens: 256 },
];
const ROUNDS = 2;

export function record(tracer) {
  let accepted = 0;
  for (const c of CALLS) {
    const { kind, tenant, ...call } = c;
    if (tenant !== undefined) call.attributes = { tenant };
    const ok = kind === 'embed' ? tracer.recordEmbedSpan(call) : tracer.recordChatSpan(call);
    if (ok) accepted++;
  }
  return accepted;
}

export function expected() {
  const n = (f) => ROUNDS * CALLS.reduce((s, c) => s + f(c), 0);
  const count = (p) => n((c) => (p(c) ? 1 : 0));
  return {
    calls: ROUNDS * CALLS.length,
    byStatus: { ok: count((c) => (c.status ?? 'ok') === 'ok'), error: count((c) => c.status === 'error') },
    byOperation: {
      chat: count((c) => c.kind === 'chat' && (c.operation ?? 'chat') === 'chat'),
      stream: count((c) => c.operation === 'stream'),
      embed: count((c) => c.kind === 'embed'),
    },
    tokens: {
      input: n((c) => c.inputTokens ?? 0),
      output: n((c) => c.outputTokens ?? 0),
      cache_read: n((c) => c.cachedInputTokens ?? 0),
      cache_write: n((c) => c.cacheWriteTokens ?? 0),
      reasoning: n((c) => c.reasoningTokens ?? 0),
    },
    toolCalls: n((c) => c.toolCalls ?? 0),
    exactHits: count((c) => c.cacheHit === 'exact'),
    semanticHits: count((c) => c.cacheHit === 'semantic'),
    misses: count((c) => (c.cacheHit ?? 'miss') === 'miss'),
    ttft: count((c) => c.timeToFirstTokenMs !== undefined),
    latencySeconds: n((c) => c.latencyMs) / 1000,
    // Issue 32: the gauges hold the last value (every round sends the same), the chunk histogram counts the gaps.
    remaining: { requests: 9_990, tokens: 29_000_000, output_tokens: 79_000 },
    limits: { requests: 10_000, tokens: 30_000_000, output_tokens: 80_000 },
    chunkGaps: n((c) => (c.chunkTiming === undefined ? 0 : c.chunkTiming.chunks - 1)),
    chunkSeconds: n((c) => (c.chunkTiming === undefined ? 0 : c.chunkTiming.afterFirstMs)) / 1000,
    tenants: [...new Set(CALLS.map((c) => c.tenant).filter((t) => t !== undefined))].sort(),
  };
}
