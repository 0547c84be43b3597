// OpenAI Chat Completions content on the wire, mapped to the GenAI conventions' shapes: the
// request's messages and tools, a completion's choices, a stream's choices accumulated chunk by
// chunk (with each choice's finish reason and the stream's id). Worker thread. The same mapping
// as instrument/openai-content.ts, on the wire JSON (the SDK sends the caller's body as given).

import type { WireCall, WireCapture } from '../../shared/wire.js';
import { arrayOr, contentOf } from './call.js';
import { defined, finishListOf, finishReason, outputMessage, responseIdOf, str, streamIndex, text, tool, toolResult, urlPart, type Message, type Part } from './parts.js';

function chatPart(p: any): Part | undefined {
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

function chatContent(content: unknown): Part[] {
  if (typeof content === 'string') return content.length === 0 ? [] : [text(content)];
  return defined(arrayOr(content).map(chatPart));
}

function toolCalls(calls: unknown): Part[] {
  return defined(arrayOr(calls).map((c: any) => {
    const name = c?.function?.name ?? c?.custom?.name;
    if (typeof name !== 'string') return undefined;
    return { type: 'tool_call', id: typeof c.id === 'string' ? c.id : null, name, arguments: c.function?.arguments ?? c.custom?.input ?? null };
  }));
}

function chatMessage(m: any): Message | undefined {
  const role = m?.role;
  if (typeof role !== 'string' || role.length === 0) return undefined;
  let parts: Part[];
  if (role === 'tool') parts = [{ type: 'tool_call_response', id: typeof m.tool_call_id === 'string' ? m.tool_call_id : null, response: toolResult(m.content) }];
  else {
    parts = chatContent(m.content);
    if (typeof m.refusal === 'string') parts.push(text(m.refusal));
    if (m.tool_calls != null) parts.push(...toolCalls(m.tool_calls));
    if (m.function_call != null) parts.push(...toolCalls([{ function: m.function_call }]));
  }
  return typeof m.name === 'string' ? { role, parts, name: m.name } : { role, parts };
}

/** A chat request's input messages and tools, as `capture` asks. */
export function chatRequest(call: WireCall, capture: WireCapture, body: any): void {
  if (capture.input) contentOf(call).input = defined(arrayOr(body?.messages).map(chatMessage));
  if (capture.tools && Array.isArray(body?.tools)) {
    contentOf(call).tools = defined(body.tools.map((t: any) => (t?.function !== undefined ? tool(t.function?.name) : tool(t?.custom?.name ?? t?.type, t?.type))));
  }
}

const choiceFinish = (c: any): string | undefined => finishReason(c?.finish_reason);

/** A chat completion's id, finish reasons and (when captured) messages. */
export function chatAnswer(call: WireCall, capture: WireCapture, data: any): void {
  const choices = arrayOr(data?.choices);
  call.responseId = responseIdOf(data?.id);
  call.finishReasons = finishListOf(choices, choiceFinish);
  if (capture.output) {
    contentOf(call).output = choices.map((c: any): Message => {
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

/** A streamed chat completion, chunk by chunk: its id, each choice's finish reason, and (output captured) its text and tool calls. */
export class ChatStreamAnswer {
  #id: string | undefined;
  #seen = false;
  readonly #choices: ChoiceSoFar[] = [];
  readonly #output: boolean;

  constructor(output: boolean) {
    this.#output = output;
  }

  chunk(chunk: any): void {
    this.#seen = true;
    if (this.#id === undefined) this.#id = responseIdOf(chunk?.id);
    for (const c of arrayOr(chunk?.choices)) {
      if (c == null) continue;
      const index = streamIndex(c.index, 0);
      const choice = (this.#choices[index] ??= { role: 'assistant', text: [], refusal: [], tools: [], finish: undefined });
      if (typeof c.finish_reason === 'string') choice.finish = c.finish_reason;
      if (!this.#output) continue;
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

  into(call: WireCall): void {
    if (!this.#seen) return;
    const choices = this.#choices.filter((c) => c !== undefined);
    call.responseId = this.#id;
    call.finishReasons = finishListOf(choices, (c) => finishReason(c.finish));
    if (this.#output) {
      contentOf(call).output = choices.map((c): Message => {
        const parts: Part[] = [];
        if (c.text.length > 0) parts.push(text(c.text.join('')));
        if (c.refusal.length > 0) parts.push(text(c.refusal.join('')));
        for (const t of c.tools) if (t !== undefined) parts.push({ type: 'tool_call', id: t.id, name: t.name, arguments: t.args.join('') });
        return outputMessage(c.role, parts, finishReason(c.finish));
      });
    }
  }
}
