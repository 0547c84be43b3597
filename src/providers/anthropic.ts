// Anthropic Messages read into the GenAI conventions' shapes: a request's system prompt (given
// apart from the messages: the call's system instructions), messages and tools; a message's id,
// stop reason, content and token counts; a stream's content blocks accumulated by index. Pure, no
// thread of its own: the wrapper (instrument/anthropic*.ts) and the wire parser
// (worker/wire/anthropic-*.ts) call the same code.

import type { ChatMessage, MessagePart, OutputMessage, ToolDefinition } from '../messages.js';
import { arrayOr, count, defined, finishList, finishReason, outputMessage, responseIdOf, str, text, tool, toolResult, StreamReader, type AnswerFields, type TokenFields } from './parts.js';

function source(s: any, modality: string): MessagePart {
  if (s?.type === 'base64') return { type: 'blob', modality, mime_type: str(s.media_type) || null, content: str(s.data) };
  if (s?.type === 'url') return { type: 'uri', modality, uri: str(s.url) };
  if (s?.type === 'file') return { type: 'file', modality, file_id: str(s.file_id) };
  if (s?.type === 'text') return text(str(s.data));
  return { type: str(s?.type) || modality };
}

function block(b: any): MessagePart | undefined {
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

/** A string, or a list of content blocks, as parts (a system prompt, a message's content). */
export function blocks(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [text(content)];
  return defined(arrayOr(content).map(block));
}

/** A Messages request's messages. */
export function messagesInput(messages: unknown): ChatMessage[] {
  return defined(arrayOr(messages).map((m: any): ChatMessage | undefined =>
    (typeof m?.role === 'string' ? { role: m.role, parts: blocks(m.content) } : undefined)));
}

/** A Messages request's tools: a custom tool is a function; a server tool (web search, code execution) keeps its type. */
export function messagesTools(tools: readonly any[]): ToolDefinition[] {
  return defined(tools.map((t: any): ToolDefinition | undefined =>
    (t?.type === undefined || t?.type === 'custom' ? tool(t?.name) : tool(t.name ?? t.type, t.type))));
}

/** A message's id and stop reason, written into `into`; its content as one output message when `output` and there is a message (else undefined). */
export function messageAnswer(into: AnswerFields, data: any, output: boolean): OutputMessage[] | undefined {
  const finish = finishReason(data?.stop_reason);
  into.responseId = responseIdOf(data?.id);
  into.finishReasons = finishList(finish);
  return output && data != null ? [outputMessage(str(data.role) || 'assistant', blocks(data.content), finish)] : undefined;
}

/**
 * Anthropic reports the uncached input (`fresh`) apart from cache reads and writes; the README's
 * convention counts all three as input. Fields absent from `usage` keep their value (the
 * message_delta event repeats only some). Returns the uncached input now known, for the next event.
 */
export function messagesUsage(into: TokenFields, fresh: number, usage: any): number {
  if (usage == null) return fresh;
  if (usage.input_tokens != null) fresh = count(usage.input_tokens);
  if (usage.cache_read_input_tokens != null) into.cachedInputTokens = count(usage.cache_read_input_tokens);
  if (usage.cache_creation_input_tokens != null) into.cacheWriteTokens = count(usage.cache_creation_input_tokens);
  if (usage.output_tokens != null) into.outputTokens = count(usage.output_tokens);
  into.inputTokens = fresh + count(into.cachedInputTokens) + count(into.cacheWriteTokens);
  return fresh;
}

/** The tool calls of a message: its tool_use blocks. */
export function messageToolCalls(data: any): number {
  let tools = 0;
  // An index loop: a for-of here kept an iterator object per call (the wrappers' hot path).
  const blocks = arrayOr(data?.content);
  for (let i = 0; i < blocks.length; i++) if (blocks[i]?.type === 'tool_use') tools++;
  return tools;
}

interface BlockSoFar {
  type: string;
  id: string | null;
  name: string;
  text: string[];
  /** Tool input as streamed JSON text; or the block's input when it came whole. */
  json: string[];
  input: unknown;
}

/** A streamed message, event by event: its id, its stop reason, and (output captured) its content blocks by index. */
export class MessageStreamReader extends StreamReader {
  #id: string | undefined;
  #stop: unknown;
  readonly #blocks: BlockSoFar[] = [];

  event(e: any): void {
    this.seen = true;
    switch (e?.type) {
      case 'message_start':
        this.#id = responseIdOf(e.message?.id);
        return;
      case 'message_delta':
        if (e.delta?.stop_reason != null) this.#stop = e.delta.stop_reason;
        return;
      case 'content_block_start': {
        if (!this.output || typeof e.index !== 'number' || !Number.isInteger(e.index) || e.index < 0 || e.index >= 1024) return;
        const b = e.content_block ?? {};
        // A block's whole input is an object with keys; an empty one means the JSON follows in deltas.
        const input = b.input != null && typeof b.input === 'object' && Object.keys(b.input).length > 0 ? b.input : undefined;
        this.#blocks[e.index] = { type: str(b.type), id: str(b.id) || null, name: str(b.name), text: typeof b.text === 'string' && b.text !== '' ? [b.text] : [], json: [], input };
        return;
      }
      case 'content_block_delta': {
        const b = this.output && typeof e.index === 'number' ? this.#blocks[e.index] : undefined;
        if (b === undefined) return;
        const d = e.delta;
        if (d?.type === 'text_delta' && typeof d.text === 'string') b.text.push(d.text);
        else if (d?.type === 'thinking_delta' && typeof d.thinking === 'string') b.text.push(d.thinking);
        else if (d?.type === 'input_json_delta' && typeof d.partial_json === 'string') b.json.push(d.partial_json);
      }
    }
  }

  /** The stream's id and stop reason, written into `into`; its content as one output message when output is captured (else undefined). */
  answer(into: AnswerFields): OutputMessage[] | undefined {
    const finish = finishReason(this.#stop);
    into.responseId = this.#id;
    into.finishReasons = finishList(finish);
    if (!this.output) return undefined;
    const parts = defined(this.#blocks.map((b): MessagePart | undefined => {
      if (b === undefined) return undefined;
      if (b.type === 'text') return text(b.text.join(''));
      if (b.type === 'thinking') return { type: 'reasoning', content: b.text.join('') };
      if (b.type === 'tool_use' || b.type === 'server_tool_use') return { type: 'tool_call', id: b.id, name: b.name, arguments: b.json.length > 0 ? b.json.join('') : b.input ?? null };
      return b.type === '' ? undefined : { type: b.type };
    }));
    return [outputMessage('assistant', parts, finish)];
  }
}
