// The WireCall a parser fills in, and the small readings every format shares (the answered model,
// problems, the clamp of the token counts), each the same rule as the wrappers' CallRecord
// (instrument/call.ts), which the worker zone does not import; token counts and arrays are read
// with the providers zone's rules (src/providers/parts.ts), the wrappers' own. Worker thread.

import type { WireCall, WireProblem } from '../../shared/wire.js';
import { count, type StreamReader } from '../../providers/parts.js';

export { arrayOr, count } from '../../providers/parts.js';

/** Longest model name the record takes (MAX_STRING_LENGTH), as CallRecord.answeredBy checks. */
const MAX_NAME = 256;

/** A call with nothing read yet. */
export function newCall(operation: WireCall['operation']): WireCall {
  return {
    operation, model: undefined, responseModel: undefined, responseId: undefined, finishReasons: [],
    inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, toolCalls: 0,
    errorType: undefined, problem: undefined, content: undefined,
  };
}

/** The model asked for, as the wrappers take it (a non-empty string), else undefined. */
export function modelOf(v: unknown): string | undefined {
  return typeof v === 'string' && v.length !== 0 ? v : undefined;
}

/** Notes the model that answered, as CallRecord.answeredBy does. */
export function answeredBy(call: WireCall, model: unknown): void {
  if (typeof model === 'string' && model.length !== 0 && model.length <= MAX_NAME) call.responseModel = model;
}

/** Notes what could not be read: the first problem stays, except that a cut explains all others. */
export function noteProblem(call: WireCall, problem: WireProblem): void {
  if (call.problem === undefined || problem === 'cut') call.problem = problem;
}

/** The call's content object, made when a first category is set. */
export function contentOf(call: WireCall): NonNullable<WireCall['content']> {
  return (call.content ??= {});
}

/** Puts a shared reader's output messages (undefined when output is not captured) into the call's content. */
export function putOutput(call: WireCall, output: unknown[] | undefined): void {
  if (output !== undefined) contentOf(call).output = output;
}

/** A stream's answer as its reader built it up, into the call; a stream of no chunk says nothing. */
export function streamInto(call: WireCall, reader: StreamReader): void {
  if (reader.seen) putOutput(call, reader.answer(call));
}

/**
 * The parts never exceed their whole, as CallRecord.clamp records them (a provider or proxy that
 * reports them inconsistently does not cost the span).
 */
export function clamp(call: WireCall): void {
  const input = count(call.inputTokens);
  const output = count(call.outputTokens);
  const cached = Math.min(count(call.cachedInputTokens), input);
  call.inputTokens = input;
  call.outputTokens = output;
  call.cachedInputTokens = cached;
  call.cacheWriteTokens = Math.min(count(call.cacheWriteTokens), input - cached);
  call.reasoningTokens = Math.min(count(call.reasoningTokens), output);
  call.toolCalls = count(call.toolCalls);
}
