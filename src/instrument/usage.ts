// Token usage as the wrappers collect it from each provider's answer, and its clamping into
// what recordChatSpan accepts (the README's convention: cached and cache-write tokens are part
// of inputTokens, reasoning tokens part of outputTokens). Pure.

export interface Usage {
  input: number;
  output: number;
  cached: number;
  cacheWrite: number;
  reasoning: number;
  toolCalls: number;
}

export function emptyUsage(): Usage {
  return { input: 0, output: 0, cached: 0, cacheWrite: 0, reasoning: 0, toolCalls: 0 };
}

/** A token count from a provider's JSON: a non-negative integer, else 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && value >= 0 && value <= 0xffff_ffff ? Math.floor(value) : 0;
}

/**
 * Usage the tracer accepts whatever the provider sent: the parts never exceed their whole
 * (a provider or a proxy that reports them inconsistently must not cost the span).
 */
export function clampUsage(u: Usage | undefined): Usage {
  if (u === undefined) return emptyUsage();
  const input = count(u.input);
  const output = count(u.output);
  const cached = Math.min(count(u.cached), input);
  return {
    input,
    output,
    cached,
    cacheWrite: Math.min(count(u.cacheWrite), input - cached),
    reasoning: Math.min(count(u.reasoning), output),
    toolCalls: count(u.toolCalls),
  };
}
