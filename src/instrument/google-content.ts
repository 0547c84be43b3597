// Gemini's (@google/genai) request and answer shapes mapped to the semantic conventions'
// messages, and the answers' ids and finish reasons, into the call's fields. Main thread;
// google.ts's reader calls these. The `model` role is the conventions' `assistant`;
// `config.systemInstruction` is the call's system instructions. A call that asks for functions
// ends with finish reason 'tool_call' (Gemini says STOP).

import type { ChatMessage, MessagePart, OutputMessage, ToolDefinition } from '../index.js';
import type { CallRecord, StreamAnswer } from './call.js';
import { defined, finishListOf, finishReason, modalityOf, outputMessage, responseIdOf, str, streamIndex, text, tool } from './content.js';
import { arrayOr } from './usage.js';

function part(p: any): MessagePart | undefined {
  if (typeof p === 'string') return text(p);
  if (p == null || typeof p !== 'object') return undefined;
  if (typeof p.text === 'string') return p.thought === true ? { type: 'reasoning', content: p.text } : text(p.text);
  if (p.functionCall != null) return { type: 'tool_call', id: str(p.functionCall.id) || null, name: str(p.functionCall.name), arguments: p.functionCall.args ?? null };
  if (p.functionResponse != null) return { type: 'tool_call_response', id: str(p.functionResponse.id) || null, response: p.functionResponse.response ?? null };
  if (p.inlineData != null) {
    const mime = str(p.inlineData.mimeType);
    return { type: 'blob', modality: modalityOf(mime), mime_type: mime || null, content: str(p.inlineData.data) };
  }
  if (p.fileData != null) {
    const mime = str(p.fileData.mimeType);
    return { type: 'uri', modality: modalityOf(mime), mime_type: mime || null, uri: str(p.fileData.fileUri) };
  }
  if (p.executableCode != null) return { type: 'executable_code', code: str(p.executableCode.code), language: str(p.executableCode.language) };
  if (p.codeExecutionResult != null) return { type: 'code_execution_result', output: str(p.codeExecutionResult.output) };
  return undefined;
}

const role = (r: unknown): string => (r === 'model' ? 'assistant' : str(r) || 'user');

function isContent(v: any): boolean {
  return v != null && typeof v === 'object' && Array.isArray(v.parts);
}

/** ContentListUnion: a string, a part, a Content, or a list of parts or of Contents. */
function contents(v: any): ChatMessage[] {
  if (v == null) return [];
  if (isContent(v)) return [{ role: role(v.role), parts: defined(v.parts.map(part)) }];
  if (Array.isArray(v)) {
    if (v.some(isContent)) return v.filter(isContent).map((c: any) => ({ role: role(c.role), parts: defined(c.parts.map(part)) }));
    return [{ role: 'user', parts: defined(v.map(part)) }];
  }
  const one = part(v);
  return one === undefined ? [] : [{ role: 'user', parts: [one] }];
}

function systemParts(v: any): MessagePart[] {
  if (v == null) return [];
  if (isContent(v)) return defined(v.parts.map(part));
  return defined((Array.isArray(v) ? v : [v]).map(part));
}

function tools(list: unknown): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  for (const t of arrayOr(list)) {
    if (t == null || typeof t !== 'object') continue;
    for (const [kind, value] of Object.entries(t as Record<string, any>)) {
      if (kind === 'functionDeclarations') {
        for (const f of arrayOr(value)) {
          const def = tool(f?.name);
          if (def !== undefined) out.push(def);
        }
      } else if (value != null) out.push({ type: kind, name: kind });
    }
  }
  return out;
}

/** A generation's system instruction, contents and tools, as `call.capture` asks. */
export function generateRequest(call: CallRecord, params: any): void {
  const capture = call.capture;
  if (capture.system && params?.config?.systemInstruction != null) call.system = systemParts(params.config.systemInstruction);
  if (capture.input) call.input = contents(params?.contents);
  if (capture.tools && Array.isArray(params?.config?.tools)) call.tools = tools(params.config.tools);
}

function candidateFinish(c: any, parts: readonly any[]): string | undefined {
  if (c?.finishReason === 'STOP' && parts.some((p) => p?.functionCall != null)) return 'tool_call';
  return finishReason(c?.finishReason);
}

const finishOf = (c: any): string | undefined => candidateFinish(c, arrayOr(c?.content?.parts));

/** A generation's id, finish reasons and (when captured) candidates. */
export function generateAnswer(call: CallRecord, response: any): void {
  const candidates = arrayOr(response?.candidates);
  call.responseId = responseIdOf(response?.responseId);
  call.finishReasons = finishListOf(candidates, finishOf);
  if (call.capture.output) {
    call.output = candidates.map((c: any): OutputMessage => {
      const raw = arrayOr(c?.content?.parts);
      return outputMessage(role(c?.content?.role ?? 'model'), defined(raw.map(part)), candidateFinish(c, raw));
    });
  }
}

interface CandidateSoFar {
  parts: any[];
  finish: unknown;
  called: boolean;
}

/** A streamed generation, chunk by chunk: its id, each candidate's finish reason, and (output captured) its parts (texts joined). */
export class GenerateStreamAnswer implements StreamAnswer {
  #id: string | undefined;
  readonly #candidates: CandidateSoFar[] = [];
  readonly #output: boolean;

  constructor(output: boolean) {
    this.#output = output;
  }

  chunk(chunk: any): void {
    this.#id ??= responseIdOf(chunk?.responseId);
    const list = arrayOr(chunk?.candidates);
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      const index = streamIndex(c?.index, i);
      const so = (this.#candidates[index] ??= { parts: [], finish: undefined, called: false });
      if (c?.finishReason != null) so.finish = c.finishReason;
      for (const p of arrayOr(c?.content?.parts)) {
        if (p?.functionCall != null) so.called = true;
        if (!this.#output) continue;
        const last = so.parts[so.parts.length - 1];
        // Text arrives in pieces: consecutive pieces of one kind make one part.
        if (typeof p?.text === 'string' && typeof last?.text === 'string' && (p.thought === true) === (last.thought === true)) last.text += p.text;
        else so.parts.push(typeof p?.text === 'string' ? { text: p.text, thought: p.thought } : p);
      }
    }
  }

  into(call: CallRecord): void {
    const cands = this.#candidates.filter((c) => c !== undefined);
    const finish = (c: CandidateSoFar): string | undefined => (c.finish === 'STOP' && c.called ? 'tool_call' : finishReason(c.finish));
    call.responseId = this.#id;
    call.finishReasons = finishListOf(cands, finish);
    if (this.#output) call.output = cands.map((c): OutputMessage => outputMessage('assistant', defined(c.parts.map(part)), finish(c)));
  }
}
