// OpenAI's request and answer shapes (Chat Completions, Responses) mapped to the semantic
// conventions' messages, for the content the tracer captures, and the answers' ids and finish
// reasons, into the call's fields. Main thread; openai.ts's readers call these. System messages
// of a chat stay in its input, as the conventions ask for instructions that are part of the chat
// history; the Responses API's `instructions` are its system instructions.

import type { ChatMessage, MessagePart, OutputMessage, ToolDefinition } from '../index.js';
import type { CallRecord, StreamAnswer } from './call.js';
import { defined, finishList, finishListOf, finishReason, outputMessage, responseIdOf, str, streamIndex, text, tool, toolResult, urlPart } from './content.js';
import { arrayOr } from './usage.js';

// ---- Chat Completions ----

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

function chatTools(tools: unknown): ToolDefinition[] {
  return defined(arrayOr(tools).map((t: any) => (t?.function !== undefined ? tool(t.function?.name) : tool(t?.custom?.name ?? t?.type, t?.type))));
}

/** A chat request's input messages and tools, as `call.capture` asks. */
export function chatRequest(call: CallRecord, body: any): void {
  if (call.capture.input) {
    const input: ChatMessage[] = [];
    for (const m of arrayOr(body?.messages)) {
      const message = chatMessage(m);
      if (message !== undefined) input.push(message);
    }
    call.input = input;
  }
  if (call.capture.tools && Array.isArray(body?.tools)) call.tools = chatTools(body.tools);
}

const choiceFinish = (c: any): string | undefined => finishReason(c?.finish_reason);

/** A chat completion's id, finish reasons and (when captured) messages. */
export function chatAnswer(call: CallRecord, data: any): void {
  const choices = arrayOr(data?.choices);
  call.responseId = responseIdOf(data?.id);
  call.finishReasons = finishListOf(choices, choiceFinish);
  if (call.capture.output) {
    call.output = choices.map((c: any): OutputMessage => {
      const m = c?.message ?? {};
      const parts = chatContent(m.content);
      if (typeof m.refusal === 'string') parts.push(text(m.refusal));
      parts.push(...toolCalls(m.tool_calls));
      return outputMessage(str(m.role) || 'assistant', parts, finishReason(c?.finish_reason));
    });
  }
}

interface ChoiceSoFar {
  role: string;
  text: string[];
  refusal: string[];
  tools: { id: string | null; name: string; args: string[] }[];
  finish: string | undefined;
}

// Shared and never written (ChatStreamAnswer without output: its lists are read, never pushed to).
const EMPTY_CHOICES: ChoiceSoFar[] = Object.freeze([]) as unknown as ChoiceSoFar[];
const NO_TEXT: string[] = Object.freeze([]) as unknown as string[];
const NO_TOOLS: ChoiceSoFar['tools'] = Object.freeze([]) as unknown as ChoiceSoFar['tools'];

const soFarFinish = (c: ChoiceSoFar): string | undefined => finishReason(c.finish);

/** A streamed chat completion, chunk by chunk: its id, each choice's finish reason, and (output captured) its text and tool calls. */
export class ChatStreamAnswer implements StreamAnswer {
  #id: string | undefined;
  #choices: ChoiceSoFar[] = EMPTY_CHOICES;
  readonly #output: boolean;

  constructor(output: boolean) {
    this.#output = output;
  }

  chunk(chunk: any): void {
    if (this.#id === undefined) this.#id = responseIdOf(chunk?.id);
    // An index loop: a for-of here kept an iterator object per chunk (issue 28).
    const all = arrayOr(chunk?.choices);
    for (let i = 0; i < all.length; i++) {
      const c = all[i];
      const index = streamIndex(c?.index, 0);
      const choice = this.#choices[index] ?? this.#newChoice(index);
      if (typeof c.finish_reason === 'string') choice.finish = c.finish_reason;
      if (!this.#output) continue;
      const d = c.delta;
      if (typeof d?.role === 'string') choice.role = d.role;
      if (typeof d?.content === 'string') choice.text.push(d.content);
      if (typeof d?.refusal === 'string') choice.refusal.push(d.refusal);
      for (const t of arrayOr(d?.tool_calls)) {
        const at = streamIndex(t?.index, choice.tools.length);
        const tool = (choice.tools[at] ??= { id: null, name: '', args: [] });
        if (typeof t.id === 'string') tool.id = t.id;
        if (typeof t.function?.name === 'string') tool.name += t.function.name;
        if (typeof t.function?.arguments === 'string') tool.args.push(t.function.arguments);
      }
    }
  }

  /**
   * Choice `index`, first seen. Without output captured its lists stay empty (shared, never
   * written); the common stream's one choice gets an array of one (issue 28: `[]` grown to hold
   * it, and three lists, were ~300 bytes a stream).
   */
  #newChoice(index: number): ChoiceSoFar {
    const choice: ChoiceSoFar = this.#output
      ? { role: 'assistant', text: [], refusal: [], tools: [], finish: undefined }
      : { role: 'assistant', text: NO_TEXT, refusal: NO_TEXT, tools: NO_TOOLS, finish: undefined };
    if (this.#choices === EMPTY_CHOICES) this.#choices = index === 0 ? [choice] : [];
    this.#choices[index] = choice;
    return choice;
  }

  into(call: CallRecord): void {
    // The common stream (one choice, index 0) has no hole to leave out: no copy.
    const all = this.#choices;
    const choices = all.length === 1 && all[0] !== undefined ? all : all.filter((c) => c !== undefined);
    call.responseId = this.#id;
    call.finishReasons = finishListOf(choices, soFarFinish);
    if (this.#output) {
      call.output = choices.map((c): OutputMessage => {
        const parts: MessagePart[] = [];
        if (c.text.length > 0) parts.push(text(c.text.join('')));
        if (c.refusal.length > 0) parts.push(text(c.refusal.join('')));
        for (const t of c.tools) if (t !== undefined) parts.push({ type: 'tool_call', id: t.id, name: t.name, arguments: t.args.join('') });
        return outputMessage(c.role, parts, finishReason(c.finish));
      });
    }
  }
}

// ---- Responses ----

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

/** A Responses request's instructions, input items and tools, as `call.capture` asks. */
export function responsesRequest(call: CallRecord, body: any): void {
  const capture = call.capture;
  if (capture.system && typeof body?.instructions === 'string') call.system = [text(body.instructions)];
  if (capture.input) call.input = typeof body?.input === 'string' ? [{ role: 'user', parts: [text(body.input)] }] : defined(arrayOr(body?.input).map(responsesItem));
  if (capture.tools && Array.isArray(body?.tools)) {
    call.tools = defined(body.tools.map((t: any) => tool(t?.name ?? t?.type, t?.type)));
  }
}

/** Why a response ended, in the conventions' words. */
function responseFinish(r: any, calledTools: boolean): string | undefined {
  if (r?.status === 'failed') return 'error';
  if (r?.status === 'incomplete') return r.incomplete_details?.reason === 'content_filter' ? 'content_filter' : 'length';
  if (r?.status !== 'completed') return undefined;
  return calledTools ? 'tool_call' : 'stop';
}

/** A whole response (non-streamed, or the last one a stream carried): its id, why it ended, one output message of all its items. */
export function responsesAnswer(call: CallRecord, r: any): void {
  const items = arrayOr(r?.output);
  let calledTools = false;
  for (const item of items) if (item?.type === 'function_call') calledTools = true;
  const finish = responseFinish(r, calledTools);
  call.responseId = responseIdOf(r?.id);
  call.finishReasons = finishList(finish);
  if (call.capture.output && r != null) {
    const parts = defined(items.map(responsesItem)).flatMap((m) => m.parts as MessagePart[]);
    call.output = [outputMessage('assistant', parts, finish)];
  }
}

/** A Responses stream's answer: the last response its events carried (call.last), whatever way it ended. */
export const RESPONSES_STREAM: StreamAnswer = Object.freeze({ into: (call: CallRecord) => responsesAnswer(call, call.last) });
