// OpenAI Chat Completions (and the OpenAI-compatible servers) read into the GenAI conventions'
// shapes: a request's messages and tools, a completion's id, finish reasons, choices and token
// counts, a stream's choices accumulated chunk by chunk. Pure, no thread of its own: the wrapper
// (instrument/openai-content.ts, on the SDK's parameters and parsed answers) and the wire parser
// (worker/wire/openai-chat*.ts, on the JSON bytes the SDK sent and received) call the same code.
// System messages of a chat stay in its input, as the conventions ask for instructions that are
// part of the chat history.

import type { ChatMessage, MessagePart, OutputMessage, ToolDefinition } from '../messages.js';
import { arrayOr, count, defined, finishListOf, finishReason, outputMessage, responseIdOf, str, streamIndex, text, tool, toolResult, urlPart, StreamReader, type AnswerFields, type TokenFields } from './parts.js';

function chatPart(p: any): MessagePart | undefined {
  if (typeof p === 'string') return text(p);
  switch (p?.type) {
    case 'text':
      return text(str(p.text));
    case 'refusal':
      return text(str(p.refusal));
    case 'image_url':
      return urlPart(str(p.image_url?.url), 'image');
    case 'input_audio':
      return { type: 'blob', modality: 'audio', mime_type: `audio/${str(p.input_audio?.format) || 'wav'}`, content: str(p.input_audio?.data) };
    case 'file':
      if (typeof p.file?.file_id === 'string') return { type: 'file', modality: 'file', file_id: p.file.file_id };
      return urlPart(str(p.file?.file_data), 'file');
    default:
      return typeof p?.type === 'string' ? { type: p.type } : undefined;
  }
}

function chatContent(content: unknown): MessagePart[] {
  if (typeof content === 'string') return content.length === 0 ? [] : [text(content)];
  return defined(arrayOr(content).map(chatPart));
}

function toolCalls(calls: unknown): MessagePart[] {
  return defined(arrayOr(calls).map((c: any) => {
    const name = c?.function?.name ?? c?.custom?.name;
    if (typeof name !== 'string') return undefined;
    return { type: 'tool_call', id: typeof c.id === 'string' ? c.id : null, name, arguments: c.function?.arguments ?? c.custom?.input ?? null };
  }));
}

function chatMessage(m: any): ChatMessage | undefined {
  const role = m?.role;
  if (typeof role !== 'string' || role.length === 0) return undefined;
  let parts: MessagePart[];
  if (role === 'tool') parts = [{ type: 'tool_call_response', id: typeof m.tool_call_id === 'string' ? m.tool_call_id : null, response: toolResult(m.content) }];
  else {
    // The common message (text content only) costs one array and one part.
    parts = chatContent(m.content);
    if (typeof m.refusal === 'string') parts.push(text(m.refusal));
    if (m.tool_calls != null) for (const c of toolCalls(m.tool_calls)) parts.push(c);
    if (m.function_call != null) for (const c of toolCalls([{ function: m.function_call }])) parts.push(c);
  }
  return typeof m.name === 'string' ? { role, parts, name: m.name } : { role, parts };
}

/** A chat request's input messages (its `messages`). */
export function chatInput(messages: unknown): ChatMessage[] {
  const input: ChatMessage[] = [];
  for (const m of arrayOr(messages)) {
    const message = chatMessage(m);
    if (message !== undefined) input.push(message);
  }
  return input;
}

/** A chat request's tools (its `tools`): a function by its name, a custom tool by its name, any other by its type. */
export function chatTools(tools: unknown): ToolDefinition[] {
  return defined(arrayOr(tools).map((t: any) => (t?.function !== undefined ? tool(t.function?.name) : tool(t?.custom?.name ?? t?.type, t?.type))));
}

const choiceFinish = (c: any): string | undefined => finishReason(c?.finish_reason);

/** A chat completion's id and finish reasons, written into `into`; its messages when `output` (else undefined). */
export function chatAnswer(into: AnswerFields, data: any, output: boolean): OutputMessage[] | undefined {
  const choices = arrayOr(data?.choices);
  into.responseId = responseIdOf(data?.id);
  into.finishReasons = finishListOf(choices, choiceFinish);
  if (!output) return undefined;
  return choices.map((c: any): OutputMessage => {
    const m = c?.message ?? {};
    const parts = chatContent(m.content);
    if (typeof m.refusal === 'string') parts.push(text(m.refusal));
    parts.push(...toolCalls(m.tool_calls));
    return outputMessage(str(m.role) || 'assistant', parts, finishReason(c?.finish_reason));
  });
}

/** Chat Completions usage: prompt_tokens include the cached ones, completion_tokens the reasoning ones. */
export function chatUsage(into: TokenFields, usage: any): void {
  into.inputTokens = count(usage.prompt_tokens);
  into.outputTokens = count(usage.completion_tokens);
  into.cachedInputTokens = count(usage.prompt_tokens_details?.cached_tokens);
  into.reasoningTokens = count(usage.completion_tokens_details?.reasoning_tokens);
}

interface ChoiceSoFar {
  role: string;
  text: string[];
  refusal: string[];
  tools: { id: string | null; name: string; args: string[] }[];
  finish: string | undefined;
}

// Shared and never written (a reader without output: its lists are read, never pushed to).
const EMPTY_CHOICES: ChoiceSoFar[] = Object.freeze([]) as unknown as ChoiceSoFar[];
const NO_TEXT: string[] = Object.freeze([]) as unknown as string[];
const NO_TOOLS: ChoiceSoFar['tools'] = Object.freeze([]) as unknown as ChoiceSoFar['tools'];

const soFarFinish = (c: ChoiceSoFar): string | undefined => finishReason(c.finish);

/**
 * A streamed chat completion, chunk by chunk: its id, each choice's finish reason, and (output
 * captured) its text and tool calls. A choice or tool call that is not an object is passed over.
 */
export class ChatStreamReader extends StreamReader {
  #id: string | undefined;
  #choices: ChoiceSoFar[] = EMPTY_CHOICES;

  chunk(chunk: any): void {
    this.seen = true;
    if (this.#id === undefined) this.#id = responseIdOf(chunk?.id);
    // An index loop: a for-of here kept an iterator object per chunk (the wrappers' hot path).
    const all = arrayOr(chunk?.choices);
    for (let i = 0; i < all.length; i++) {
      const c = all[i];
      if (c == null) continue;
      const index = streamIndex(c.index, 0);
      const choice = this.#choices[index] ?? this.#newChoice(index);
      if (typeof c.finish_reason === 'string') choice.finish = c.finish_reason;
      if (!this.output) continue;
      const d = c.delta;
      if (typeof d?.role === 'string') choice.role = d.role;
      if (typeof d?.content === 'string') choice.text.push(d.content);
      if (typeof d?.refusal === 'string') choice.refusal.push(d.refusal);
      for (const t of arrayOr(d?.tool_calls)) {
        if (t == null) continue;
        const at = streamIndex(t.index, choice.tools.length);
        const tl = (choice.tools[at] ??= { id: null, name: '', args: [] });
        if (typeof t.id === 'string') tl.id = t.id;
        if (typeof t.function?.name === 'string') tl.name += t.function.name;
        if (typeof t.function?.arguments === 'string') tl.args.push(t.function.arguments);
      }
    }
  }

  /**
   * Choice `index`, first seen. Without output captured its lists stay empty (shared, never
   * written); the common stream's one choice gets an array of one (`[]` grown to hold it, and
   * three lists, were ~300 bytes a stream).
   */
  #newChoice(index: number): ChoiceSoFar {
    const choice: ChoiceSoFar = this.output
      ? { role: 'assistant', text: [], refusal: [], tools: [], finish: undefined }
      : { role: 'assistant', text: NO_TEXT, refusal: NO_TEXT, tools: NO_TOOLS, finish: undefined };
    if (this.#choices === EMPTY_CHOICES) this.#choices = index === 0 ? [choice] : [];
    this.#choices[index] = choice;
    return choice;
  }

  /** The stream's id and finish reasons, written into `into`; its messages when output is captured (else undefined). */
  answer(into: AnswerFields): OutputMessage[] | undefined {
    // The common stream (one choice, index 0) has no hole to leave out: no copy.
    const all = this.#choices;
    const choices = all.length === 1 && all[0] !== undefined ? all : all.filter((c) => c !== undefined);
    into.responseId = this.#id;
    into.finishReasons = finishListOf(choices, soFarFinish);
    if (!this.output) return undefined;
    return choices.map((c): OutputMessage => {
      const parts: MessagePart[] = [];
      if (c.text.length > 0) parts.push(text(c.text.join('')));
      if (c.refusal.length > 0) parts.push(text(c.refusal.join('')));
      for (const t of c.tools) if (t !== undefined) parts.push({ type: 'tool_call', id: t.id, name: t.name, arguments: t.args.join('') });
      return outputMessage(c.role, parts, finishReason(c.finish));
    });
  }
}
