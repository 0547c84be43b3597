// Anthropic Messages content on the wire, mapped to the GenAI conventions' shapes: the request's
// system prompt, messages and tools; a message's id, stop reason and content; a stream's content
// blocks accumulated by index. Worker thread. The same mapping as instrument/anthropic-content.ts.

import type { WireCall, WireCapture } from '../../shared/wire.js';
import { arrayOr, contentOf } from './call.js';
import { defined, finishReason, outputMessage, responseIdOf, str, text, tool, toolResult, type Message, type Part } from './parts.js';

function source(s: any, modality: string): Part {
  if (s?.type === 'base64') return { type: 'blob', modality, mime_type: str(s.media_type) || null, content: str(s.data) };
  if (s?.type === 'url') return { type: 'uri', modality, uri: str(s.url) };
  if (s?.type === 'file') return { type: 'file', modality, file_id: str(s.file_id) };
  if (s?.type === 'text') return text(str(s.data));
  return { type: str(s?.type) || modality };
}

function block(b: any): Part | undefined {
  if (typeof b === 'string') return text(b);
  switch (b?.type) {
    case 'text':
      return text(str(b.text));
    case 'thinking':
      return { type: 'reasoning', content: str(b.thinking) };
    case 'tool_use':
    case 'server_tool_use':
      return { type: 'tool_call', id: str(b.id) || null, name: str(b.name), arguments: b.input ?? null };
    case 'tool_result':
      return { type: 'tool_call_response', id: str(b.tool_use_id) || null, response: toolResult(b.content) };
    case 'image':
      return source(b.source, 'image');
    case 'document':
      return source(b.source, 'file');
    default:
      return typeof b?.type === 'string' ? { type: b.type } : undefined;
  }
}

function blocks(content: unknown): Part[] {
  if (typeof content === 'string') return [text(content)];
  return defined(arrayOr(content).map(block));
}

/** A Messages request's system prompt, messages and tools, as `capture` asks. */
export function messagesRequest(call: WireCall, capture: WireCapture, body: any): void {
  if (capture.system && body?.system != null) contentOf(call).system = blocks(body.system);
  if (capture.input) {
    contentOf(call).input = defined(arrayOr(body?.messages).map((m: any): Message | undefined =>
      (typeof m?.role === 'string' ? { role: m.role, parts: blocks(m.content) } : undefined)));
  }
  if (capture.tools && Array.isArray(body?.tools)) {
    // A custom tool is a function; a server tool (web search, code execution) keeps its type.
    contentOf(call).tools = defined(body.tools.map((t: any): Part | undefined =>
      (t?.type === undefined || t?.type === 'custom' ? tool(t?.name) : tool(t.name ?? t.type, t.type))));
  }
}

/** A message's id, stop reason and (when captured) content. */
export function messageAnswer(call: WireCall, capture: WireCapture, data: any): void {
  const finish = finishReason(data?.stop_reason);
  call.responseId = responseIdOf(data?.id);
  call.finishReasons = finish === undefined ? [] : [finish];
  if (capture.output && data != null) contentOf(call).output = [outputMessage(str(data.role) || 'assistant', blocks(data.content), finish)];
}

interface BlockSoFar {
  type: string;
  id: string | null;
  name: string;
  text: string[];
  json: string[];
  input: unknown;
}

/** A streamed message, event by event: its id, its stop reason, and (output captured) its content blocks by index. */
export class MessageStreamAnswer {
  #id: string | undefined;
  #stop: unknown;
  #seen = false;
  readonly #blocks: BlockSoFar[] = [];
  readonly #output: boolean;

  constructor(output: boolean) {
    this.#output = output;
  }

  event(e: any): void {
    this.#seen = true;
    switch (e?.type) {
      case 'message_start':
        this.#id = responseIdOf(e.message?.id);
        return;
      case 'message_delta':
        if (e.delta?.stop_reason != null) this.#stop = e.delta.stop_reason;
        return;
      case 'content_block_start': {
        if (!this.#output || typeof e.index !== 'number' || !Number.isInteger(e.index) || e.index < 0 || e.index >= 1024) return;
        const b = e.content_block ?? {};
        const input = b.input != null && typeof b.input === 'object' && Object.keys(b.input).length > 0 ? b.input : undefined;
        this.#blocks[e.index] = { type: str(b.type), id: str(b.id) || null, name: str(b.name), text: typeof b.text === 'string' && b.text !== '' ? [b.text] : [], json: [], input };
        return;
      }
      case 'content_block_delta': {
        const b = this.#output && typeof e.index === 'number' ? this.#blocks[e.index] : undefined;
        if (b === undefined) return;
        const d = e.delta;
        if (d?.type === 'text_delta' && typeof d.text === 'string') b.text.push(d.text);
        else if (d?.type === 'thinking_delta' && typeof d.thinking === 'string') b.text.push(d.thinking);
        else if (d?.type === 'input_json_delta' && typeof d.partial_json === 'string') b.json.push(d.partial_json);
      }
    }
  }

  into(call: WireCall): void {
    if (!this.#seen) return;
    const finish = finishReason(this.#stop);
    call.responseId = this.#id;
    call.finishReasons = finish === undefined ? [] : [finish];
    if (this.#output) {
      const parts = defined(this.#blocks.map((b): Part | undefined => {
        if (b === undefined) return undefined;
        if (b.type === 'text') return text(b.text.join(''));
        if (b.type === 'thinking') return { type: 'reasoning', content: b.text.join('') };
        if (b.type === 'tool_use' || b.type === 'server_tool_use') return { type: 'tool_call', id: b.id, name: b.name, arguments: b.json.length > 0 ? b.json.join('') : b.input ?? null };
        return b.type === '' ? undefined : { type: b.type };
      }));
      contentOf(call).output = [outputMessage('assistant', parts, finish)];
    }
  }
}
