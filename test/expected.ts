// The attributes a call's span must carry, written from the specification (the seed's
// llm.* keys and the OTel GenAI conventions v1.41), independently of src/spans/record.ts, so
// the tests hold the in-memory path, the SDK spans and the OTLP encoder to one oracle.
import { expect } from 'vitest';
import { calcPrice, findProvider } from '@pydantic/genai-prices';
import { DEFAULT_COST_TABLE } from './pkg.js';

export interface CallFacts {
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
  cacheHit: 'exact' | 'semantic' | 'miss';
  toolCalls: number;
  errorType: string | null;
  attributes?: Record<string, string>;
  /** The model that answered: priced by it when given. */
  responseModel?: string | null;
  responseId?: string | null;
  finishReasons?: string[];
  serverAddress?: string | null;
  serverPort?: number | null;
}

const GEN_AI_PROVIDER: Record<string, string> = { openai: 'openai', anthropic: 'anthropic', google: 'gcp.gemini' };

/**
 * The price source and USD cost (unrounded) of a call with no user table, from the
 * specification: genai-prices' own calcPrice() when it knows the model (with the call's provider
 * when it knows the provider), else the original's table (cached and cache-write input at their
 * own rates, the input rate if none), else unpriced. `at`: the call's time (default now).
 */
export function expectedPrice(c: CallFacts, at = new Date()): { source: 'genai-prices' | 'default' | 'unpriced'; cost: number } {
  const cached = c.cachedInputTokens ?? 0;
  const written = c.cacheWriteTokens ?? 0;
  const known = findProvider({ providerId: c.provider }) !== undefined;
  const g = calcPrice({ input_tokens: c.inputTokens, cache_read_tokens: cached, cache_write_tokens: written, output_tokens: c.outputTokens,
    output_reasoning_tokens: c.reasoningTokens ?? 0 }, c.responseModel ?? c.model, { ...(known ? { providerId: c.provider } : {}), timestamp: at });
  if (g !== null) return { source: 'genai-prices', cost: g.total_price };
  const priced = c.responseModel ?? c.model;
  const p = Object.hasOwn(DEFAULT_COST_TABLE, priced) ? DEFAULT_COST_TABLE[priced] : undefined;
  if (p === undefined) return { source: 'unpriced', cost: 0 };
  const usd = ((c.inputTokens - cached - written) * p.inputPerMillion + cached * (p.cachedInputPerMillion ?? p.inputPerMillion) +
    written * (p.cacheWritePerMillion ?? p.inputPerMillion) + c.outputTokens * p.outputPerMillion) / 1e6;
  return { source: 'default', cost: usd };
}

/**
 * The attributes of a call's span. llm.cost_usd is rounded to 8 decimals by the tracer; genai-prices
 * adds its parts in another order, so the two may land one step of the 8th decimal apart: the
 * cost is matched to within that step.
 */
export function expectedAttributes(c: CallFacts): Record<string, unknown> {
  const embed = c.kind === 'embed';
  const a: Record<string, unknown> = {
    'llm.provider': c.provider,
    'llm.model': c.model,
    'llm.operation': c.kind,
    'llm.latency_ms': Math.round(c.latencyMs * 100) / 100,
    'llm.input_tokens': c.inputTokens,
    'llm.output_tokens': c.outputTokens,
    'llm.cost_usd': expect.closeTo(expectedPrice(c).cost, 7),
    'llm.price_source': expectedPrice(c).source,
    'llm.cache_hit': c.cacheHit,
    'llm.tool_calls': c.toolCalls,
    'gen_ai.operation.name': embed ? 'embeddings' : 'chat',
    'gen_ai.provider.name': GEN_AI_PROVIDER[c.provider] ?? c.provider,
    'gen_ai.request.model': c.model,
    'gen_ai.usage.input_tokens': c.inputTokens,
  };
  if (!embed) a['gen_ai.usage.output_tokens'] = c.outputTokens;
  if ((c.cachedInputTokens ?? 0) > 0) a['gen_ai.usage.cache_read.input_tokens'] = c.cachedInputTokens as number;
  if ((c.cacheWriteTokens ?? 0) > 0) a['gen_ai.usage.cache_creation.input_tokens'] = c.cacheWriteTokens as number;
  if ((c.reasoningTokens ?? 0) > 0) a['gen_ai.usage.reasoning.output_tokens'] = c.reasoningTokens as number;
  if (c.kind === 'stream') a['gen_ai.request.stream'] = true;
  if (c.timeToFirstTokenMs !== undefined) a['gen_ai.response.time_to_first_chunk'] = c.timeToFirstTokenMs / 1000;
  if (c.errorType !== null) {
    a['llm.error_type'] = c.errorType;
    a['error.type'] = c.errorType;
  }
  Object.assign(a, c.attributes ?? {});
  if (c.responseModel != null) a['gen_ai.response.model'] = c.responseModel;
  if (c.responseId != null) a['gen_ai.response.id'] = c.responseId;
  if (c.finishReasons !== undefined && c.finishReasons.length > 0) a['gen_ai.response.finish_reasons'] = c.finishReasons;
  if (c.serverAddress != null) a['server.address'] = c.serverAddress;
  if (c.serverPort != null) a['server.port'] = c.serverPort;
  // Issue 32: the prompt cache's savings, the call's price without its cache reads minus with them.
  if ((c.cachedInputTokens ?? 0) > 0) {
    const saved = expectedPrice({ ...c, cachedInputTokens: 0 }).cost - expectedPrice(c).cost;
    if (Math.round(saved * 1e8) > 0) a['llm.cost_saved_usd'] = expect.closeTo(saved, 7);
  }
  return a;
}

/** The facts of a recorded span, for expectedAttributes() (time to first chunk left out: it is compared apart, in seconds). */
export function factsOf(s: {
  operation: CallFacts['kind']; provider: string; model: string; latencyMs: number; inputTokens: number; outputTokens: number;
  cachedInputTokens: number; cacheWriteTokens: number; reasoningTokens: number; cacheHit: CallFacts['cacheHit']; toolCalls: number;
  errorType: string | null; attributes: Record<string, string>;
  responseModel?: string | null; responseId?: string | null; finishReasons?: string[]; serverAddress?: string | null; serverPort?: number | null;
}): CallFacts {
  return {
    kind: s.operation, provider: s.provider, model: s.model, latencyMs: s.latencyMs, inputTokens: s.inputTokens, outputTokens: s.outputTokens,
    cachedInputTokens: s.cachedInputTokens, cacheWriteTokens: s.cacheWriteTokens, reasoningTokens: s.reasoningTokens,
    cacheHit: s.cacheHit, toolCalls: s.toolCalls, errorType: s.errorType, attributes: s.attributes,
    responseModel: s.responseModel, responseId: s.responseId, finishReasons: s.finishReasons, serverAddress: s.serverAddress, serverPort: s.serverPort,
  };
}
