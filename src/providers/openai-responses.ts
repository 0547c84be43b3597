// The OpenAI Responses API read into the GenAI conventions' shapes: a request's instructions
// (its system instructions), input items and tools; a response's id, why it ended, one output
// message of all its items, and its token counts. Pure, no thread of its own: the wrapper
// (instrument/openai-content.ts, openai.ts) and the wire parser (worker/wire/openai-responses*.ts)
// call the same code.

import type { ChatMessage, MessagePart, OutputMessage, ToolDefinition } from '../messages.js';
import { arrayOr, count, defined, finishList, outputMessage, responseIdOf, str, text, tool, urlPart, type AnswerFields, type TokenFields } from './parts.js';

function responsesPart(p: any): MessagePart | undefined {
  if (typeof p === 'string') return text(p);
  switch (p?.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return text(str(p.text));
    case 'refusal':
      return text(str(p.refusal));
    case 'input_image':
      return typeof p.file_id === 'string' ? { type: 'file', modality: 'image', file_id: p.file_id } : urlPart(str(p.image_url), 'image');
    case 'input_file':
      return typeof p.file_id === 'string' ? { type: 'file', modality: 'file', file_id: p.file_id } : urlPart(str(p.file_data ?? p.file_url), 'file');
    default:
      return typeof p?.type === 'string' ? { type: p.type } : undefined;
  }
}

/** One item of a Responses input or output, as a message (function calls are the assistant's). */
function responsesItem(item: any): ChatMessage | undefined {
  if (typeof item === 'string') return { role: 'user', parts: [text(item)] };
  const type = item?.type;
  if (type === 'function_call') {
    return { role: 'assistant', parts: [{ type: 'tool_call', id: str(item.call_id) || null, name: str(item.name), arguments: item.arguments ?? null }] };
  }
  if (type === 'function_call_output') return { role: 'tool', parts: [{ type: 'tool_call_response', id: str(item.call_id) || null, response: item.output ?? null }] };
  if (type === 'reasoning') return { role: 'assistant', parts: arrayOr(item.summary).map((s: any) => ({ type: 'reasoning', content: str(s?.text) })) };
  if (typeof item?.role === 'string') {
    const parts = typeof item.content === 'string' ? [text(item.content)] : defined(arrayOr(item.content).map(responsesPart));
    return { role: item.role, parts };
  }
  return typeof type === 'string' ? { role: 'assistant', parts: [{ type }] } : undefined;
}

/** A Responses request's system instructions (its `instructions`), when it has them. */
export function responsesSystem(body: any): MessagePart[] | undefined {
  return typeof body?.instructions === 'string' ? [text(body.instructions)] : undefined;
}

/** A Responses request's input: a string is one user message, else its items. */
export function responsesInput(body: any): ChatMessage[] {
  return typeof body?.input === 'string' ? [{ role: 'user', parts: [text(body.input)] }] : defined(arrayOr(body?.input).map(responsesItem));
}

/** A Responses request's tools: a function by its name, a built-in tool by its type. */
export function responsesTools(tools: readonly any[]): ToolDefinition[] {
  return defined(tools.map((t: any) => tool(t?.name ?? t?.type, t?.type)));
}

/** Why a response ended, in the conventions' words. */
function responseFinish(r: any, calledTools: boolean): string | undefined {
  if (r?.status === 'failed') return 'error';
  if (r?.status === 'incomplete') return r.incomplete_details?.reason === 'content_filter' ? 'content_filter' : 'length';
  if (r?.status !== 'completed') return undefined;
  return calledTools ? 'tool_call' : 'stop';
}

/**
 * A whole response (plain, or the last one a stream carried): its id and why it ended, written
 * into `into`; one output message of all its items when `output` and there is a response (else undefined).
 */
export function responsesAnswer(into: AnswerFields, r: any, output: boolean): OutputMessage[] | undefined {
  const items = arrayOr(r?.output);
  let calledTools = false;
  for (const item of items) if (item?.type === 'function_call') calledTools = true;
  const finish = responseFinish(r, calledTools);
  into.responseId = responseIdOf(r?.id);
  into.finishReasons = finishList(finish);
  if (!output || r == null) return undefined;
  const parts = defined(items.map(responsesItem)).flatMap((m) => m.parts);
  return [outputMessage('assistant', parts, finish)];
}

/** Responses API usage: input_tokens include the cached ones, output_tokens the reasoning ones; each function_call item is a tool call. */
export function responsesUsage(into: TokenFields, response: any): void {
  const usage = response?.usage;
  if (usage != null) {
    into.inputTokens = count(usage.input_tokens);
    into.outputTokens = count(usage.output_tokens);
    into.cachedInputTokens = count(usage.input_tokens_details?.cached_tokens);
    into.reasoningTokens = count(usage.output_tokens_details?.reasoning_tokens);
  }
  let tools = 0;
  for (const item of arrayOr(response?.output)) if (item?.type === 'function_call') tools++;
  into.toolCalls = tools;
}
