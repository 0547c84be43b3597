// What the AI SDK's events say about a call, in the tracer's terms: its usage, its tool calls,
// its errorType. Pure.
//
// Usage: the AI SDK normalises every provider to totals that include their details
// (`inputTokens` = noCache + cacheRead + cacheWrite, `outputTokens` = text + reasoning), which is
// the tracer's convention, so the fields map one to one; a total the provider left out is the sum
// of its details. Per provider (their @ai-sdk converters): OpenAI and OpenAI-compatible
// prompt_tokens / input_tokens already include cached_tokens, and completion / output tokens the
// reasoning tokens; Anthropic's input_tokens exclude the cache, so @ai-sdk/anthropic adds
// cache_read_input_tokens and cache_creation_input_tokens to the total (reasoning is part of its
// output_tokens); Google's candidatesTokenCount excludes thoughtsTokenCount, so @ai-sdk/google
// adds the two for the output total, and promptTokenCount includes cachedContentTokenCount.

import type { CallRecord } from '../instrument/call.js';
import { CANCELLED, errorTypeOf, isAbort } from '../instrument/error-type.js';
import { count } from '../instrument/usage.js';
import type { UsageLike } from './events.js';

/** A call's tokens and tool calls, as the AI SDK reports them. */
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

/** Writes `u` into the call's record fields (CallRecord clamps the parts to their whole when it records). */
export function setUsage(call: CallRecord, u: Usage): void {
  call.inputTokens = u.input;
  call.outputTokens = u.output;
  call.cachedInputTokens = u.cached;
  call.cacheWriteTokens = u.cacheWrite;
  call.reasoningTokens = u.reasoning;
  call.toolCalls = u.toolCalls;
}

/** errorType of a model call that finished with the AI SDK's finish reason 'error' (the provider reported a failure in its answer). */
export const PROVIDER_ERROR = 'provider_error';

export function usageOf(u: UsageLike | undefined, content?: ReadonlyArray<{ readonly type: string }>): Usage {
  const usage = emptyUsage();
  if (u != null) {
    const input = u.inputTokenDetails;
    const output = u.outputTokenDetails;
    usage.cached = count(input?.cacheReadTokens);
    usage.cacheWrite = count(input?.cacheWriteTokens);
    usage.reasoning = count(output?.reasoningTokens);
    usage.input = u.inputTokens == null ? count(input?.noCacheTokens) + usage.cached + usage.cacheWrite : count(u.inputTokens);
    usage.output = u.outputTokens == null ? count(output?.textTokens) + usage.reasoning : count(u.outputTokens);
  }
  if (Array.isArray(content)) {
    for (let i = 0; i < content.length; i++) if (content[i]?.type === 'tool-call') usage.toolCalls++;
  }
  return usage;
}

/**
 * The errorType of a failed operation's error: 'cancelled' for an abort; a RetryError (the AI SDK
 * gave up after its retries) is named by its last attempt's error (APICallError, …); a
 * DOMException by its name (TimeoutError); anything else by its class name.
 */
export function errorTypeOfFailure(error: unknown): string {
  let e = error;
  if (isRetryError(e)) e = (e as { lastError?: unknown }).lastError ?? e;
  if (isAbort(e)) return CANCELLED;
  if (typeof e === 'object' && e !== null && (e as object).constructor?.name === 'DOMException') {
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && name.length !== 0) return name;
  }
  return errorTypeOf(e);
}

function isRetryError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AI_RetryError' && 'lastError' in e;
}
