// What the AI SDK's events say about a model call's content and response, in the semantic
// conventions' shapes (src/messages.ts), into the call's fields. Main thread; telemetry.ts calls
// these, the request part only when the tracer captures some category (content.ts's Capture),
// and never for a call whose telemetry set recordInputs / recordOutputs to false.
//
//   onLanguageModelCallStart   instructions -> system, messages (ModelMessage[]) -> input, tools -> tools
//   onObjectStepStart          promptMessages (the provider-level prompt): its system messages -> system, the rest -> input
//   onLanguageModelCallEnd     content (ContentPart[]) -> one output message; responseId, request.url, finishReason
//   onObjectStepEnd            reasoning + objectText -> one output message; response.id, request.url, finishReason
//
// Binary data (an image or file given as bytes) is recorded base64-encoded, as the conventions'
// blob parts are, up to MAX_BLOB_BYTES of it: the tracer keeps at most 1 MiB of an attribute, and
// encoding a whole video on the request path would cost milliseconds.

import type { ChatMessage, MessagePart, ToolDefinition } from '../index.js';
import type { CallRecord } from '../instrument/call.js';
import { finishList, finishReason, modalityOf, outputMessage, responseIdOf, serverOf, text, tool, toolResult } from '../instrument/content.js';
import { arrayOr } from '../instrument/usage.js';

/** Most bytes of one binary value that are encoded (1.5 MiB: 2 MiB of base64, what the content writer copies at most). */
const MAX_BLOB_BYTES = 1_572_864;

/** A request as the start events carry it (structural: nothing here imports `ai`). */
export interface RequestEvent {
  readonly instructions?: unknown;
  readonly messages?: unknown;
  readonly promptMessages?: unknown;
  readonly tools?: unknown;
}

/** onLanguageModelCallStart: the instructions, the messages and the prepared tools. */
export function modelCallRequest(call: CallRecord, event: RequestEvent): void {
  const c = call.capture;
  if (c.system && event.instructions != null) call.system = instructions(event.instructions);
  if (c.input) call.input = messages(event.messages);
  if (c.tools && Array.isArray(event.tools)) call.tools = tools(event.tools);
}

/** onObjectStepStart (generateObject, streamObject): the provider-level prompt. */
export function objectStepRequest(call: CallRecord, event: RequestEvent): void {
  const c = call.capture;
  const all = arrayOr(event.promptMessages);
  if (c.system) {
    const system: MessagePart[] = [];
    for (const m of all) if (m?.role === 'system' && typeof m.content === 'string') system.push(text(m.content));
    if (system.length !== 0) call.system = system;
  }
  if (c.input) call.input = messages(all.filter((m) => m?.role !== 'system'));
}

/** Instructions: a string, a system message, or a list of them. */
function instructions(v: unknown): MessagePart[] {
  if (typeof v === 'string') return [text(v)];
  const out: MessagePart[] = [];
  for (const m of Array.isArray(v) ? v : [v]) {
    if (typeof m?.content === 'string') out.push(text(m.content));
  }
  return out;
}

function messages(list: unknown): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of arrayOr(list)) {
    if (typeof m?.role !== 'string' || m.role.length === 0) continue;
    out.push({ role: m.role, parts: typeof m.content === 'string' ? [text(m.content)] : parts(m.content) });
  }
  return out;
}

function parts(list: unknown): MessagePart[] {
  const out: MessagePart[] = [];
  for (const p of arrayOr(list)) {
    const part = partOf(p);
    if (part !== undefined) out.push(part);
  }
  return out;
}

/** One part of a message: the AI SDK's (ModelMessage) and the provider-level prompt's share their shapes. */
function partOf(p: any): MessagePart | undefined {
  switch (p?.type) {
    case 'text':
      return text(typeof p.text === 'string' ? p.text : '');
    case 'reasoning':
      return { type: 'reasoning', content: typeof p.text === 'string' ? p.text : '' };
    case 'tool-call':
      return { type: 'tool_call', id: idOf(p.toolCallId), name: typeof p.toolName === 'string' ? p.toolName : '', arguments: p.input ?? null };
    case 'tool-result':
      return { type: 'tool_call_response', id: idOf(p.toolCallId), response: toolOutput(p.output) };
    case 'image':
      return dataPart(p.image, typeof p.mediaType === 'string' ? p.mediaType : 'image/*');
    case 'file':
      return dataPart(p.data, typeof p.mediaType === 'string' ? p.mediaType : '');
    default:
      return typeof p?.type === 'string' ? { type: p.type } : undefined;
  }
}

function idOf(v: unknown): string | null {
  return typeof v === 'string' && v.length !== 0 ? v : null;
}

/** A tool's output (ToolResultOutput): its value; content of text parts as one string. */
function toolOutput(o: any): unknown {
  switch (o?.type) {
    case 'text':
    case 'json':
    case 'error-text':
    case 'error-json':
      return o.value ?? null;
    case 'content':
      return toolResult(o.value);
    default:
      return o ?? null;
  }
}

/**
 * Image or file data, in any of the AI SDK's forms: a URL, a `data:` or other URL string, base64
 * text, bytes, or a FileData object ({ type: 'data' | 'url' | 'reference' | 'text' }).
 */
function dataPart(data: any, mimeType: string): MessagePart {
  const modality = mimeType === '' ? 'file' : modalityOf(mimeType);
  const mime = mimeType === '' || mimeType.endsWith('/*') ? null : mimeType;
  if (data instanceof URL) return { type: 'uri', modality, mime_type: mime, uri: data.href };
  if (typeof data === 'string') {
    const m = /^data:([^;,]*)(?:;[^,]*)?,(.*)$/s.exec(data);
    if (m !== null) return { type: 'blob', modality, mime_type: m[1] || mime, content: m[2] };
    if (/^https?:\/\//.test(data)) return { type: 'uri', modality, mime_type: mime, uri: data };
    return { type: 'blob', modality, mime_type: mime, content: data };
  }
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return { type: 'blob', modality, mime_type: mime, content: base64(data) };
  switch (data?.type) {
    case 'data':
      return dataPart(data.data, mimeType);
    case 'url':
      return dataPart(data.url, mimeType);
    case 'text':
      return text(typeof data.text === 'string' ? data.text : '');
    case 'reference': {
      // A provider's reference ({ openai: 'file-…' }): its first id.
      const ids = data.reference != null && typeof data.reference === 'object' ? Object.values(data.reference) : [];
      return { type: 'file', modality, mime_type: mime, file_id: typeof ids[0] === 'string' ? ids[0] : '' };
    }
    default:
      return { type: 'blob', modality, mime_type: mime, content: '' };
  }
}

function base64(data: Uint8Array | ArrayBuffer): string {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const n = Math.min(bytes.byteLength, MAX_BLOB_BYTES);
  return Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('base64');
}

/** Prepared tools: { type: 'function', name, … } or a provider's { type: 'provider', id, name, … }: their type and name. */
function tools(list: readonly any[]): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  for (const t of list) {
    const def = t?.type === 'provider' ? tool(t.name, t.id) : tool(t?.name);
    if (def !== undefined) out.push(def);
  }
  return out;
}

/** An end event's response fields (both kinds of end). */
export interface AnswerEvent {
  readonly finishReason?: string;
  readonly responseId?: string;
  readonly request?: { readonly url?: string };
  readonly response?: { readonly id?: string };
  readonly content?: ReadonlyArray<unknown>;
  readonly objectText?: string;
  readonly reasoning?: unknown;
  readonly recordOutputs?: boolean;
}

/** The answer's id, finish reason and server; `output(call, event)` when the tracer captures outputs. */
export function answerFields(call: CallRecord, event: AnswerEvent, output: (call: CallRecord, event: AnswerEvent, finish: string | undefined) => void): void {
  const finish = finishReason(event.finishReason);
  call.responseId = responseIdOf(event.responseId ?? event.response?.id);
  call.finishReasons = finishList(finish);
  const server = serverOf(event.request?.url);
  if (server !== undefined) {
    call.serverAddress = server.address;
    call.serverPort = server.port;
  }
  if (call.capture.output && event.recordOutputs !== false) output(call, event, finish);
}

/** onLanguageModelCallEnd's content parts, as one assistant message. */
export function modelCallOutput(call: CallRecord, event: AnswerEvent, finish: string | undefined): void {
  const out: MessagePart[] = [];
  for (const p of arrayOr(event.content)) {
    if (p?.type === 'tool-error') out.push({ type: 'tool_call_response', id: idOf(p.toolCallId), response: { error: String(p.error) } });
    else if (p?.type === 'file') out.push(generatedFile(p.file));
    else {
      const part = partOf(p);
      if (part !== undefined) out.push(part);
    }
  }
  call.output = [outputMessage('assistant', out, finish)];
}

/** A file the model made (GeneratedFile: its base64 and mediaType). */
function generatedFile(f: any): MessagePart {
  return dataPart(typeof f?.base64 === 'string' ? f.base64 : '', typeof f?.mediaType === 'string' ? f.mediaType : '');
}

/** onObjectStepEnd's reasoning and JSON text, as one assistant message. */
export function objectStepOutput(call: CallRecord, event: AnswerEvent, finish: string | undefined): void {
  const out: MessagePart[] = [];
  if (typeof event.reasoning === 'string' && event.reasoning.length !== 0) out.push({ type: 'reasoning', content: event.reasoning });
  if (typeof event.objectText === 'string') out.push(text(event.objectText));
  call.output = [outputMessage('assistant', out, finish)];
}
