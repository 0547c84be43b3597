// Gemini content on the wire, mapped to the GenAI conventions' shapes: the request's
// systemInstruction, contents and tools; a generation's candidates (finish STOP with a function
// call is 'tool_call'); a stream's candidates accumulated chunk by chunk. Worker thread. The same
// mapping as instrument/google-content.ts, which reads the SDK's parameters: on the wire they are
// already the REST shapes (contents a list of Content, systemInstruction a Content) the SDK
// turns them into.

import type { WireCall, WireCapture } from '../../shared/wire.js';
import { arrayOr, contentOf } from './call.js';
import { defined, finishListOf, finishReason, modalityOf, outputMessage, responseIdOf, str, streamIndex, text, tool, type Message, type Part } from './parts.js';

function part(p: any): Part | undefined {
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

const isContent = (v: any): boolean => v != null && typeof v === 'object' && Array.isArray(v.parts);

/** A list of Content (or, from a hand-written client, any ContentListUnion the SDK accepts). */
function contents(v: any): Message[] {
  if (v == null) return [];
  if (isContent(v)) return [{ role: role(v.role), parts: defined(v.parts.map(part)) }];
  if (Array.isArray(v)) {
    if (v.some(isContent)) return v.filter(isContent).map((c: any) => ({ role: role(c.role), parts: defined(c.parts.map(part)) }));
    return [{ role: 'user', parts: defined(v.map(part)) }];
  }
  const one = part(v);
  return one === undefined ? [] : [{ role: 'user', parts: [one] }];
}

function systemParts(v: any): Part[] {
  if (v == null) return [];
  if (isContent(v)) return defined(v.parts.map(part));
  return defined((Array.isArray(v) ? v : [v]).map(part));
}

function tools(list: unknown): Part[] {
  const out: Part[] = [];
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

/** A generation request's system instruction, contents and tools, as `capture` asks. */
export function generateRequest(call: WireCall, capture: WireCapture, body: any): void {
  if (capture.system && body?.systemInstruction != null) contentOf(call).system = systemParts(body.systemInstruction);
  if (capture.input) contentOf(call).input = contents(body?.contents);
  if (capture.tools && Array.isArray(body?.tools)) contentOf(call).tools = tools(body.tools);
}

function candidateFinish(c: any, parts: readonly any[]): string | undefined {
  if (c?.finishReason === 'STOP' && parts.some((p) => p?.functionCall != null)) return 'tool_call';
  return finishReason(c?.finishReason);
}

const finishOf = (c: any): string | undefined => candidateFinish(c, arrayOr(c?.content?.parts));

/** A generation's id, finish reasons and (when captured) candidates. */
export function generateAnswer(call: WireCall, capture: WireCapture, response: any): void {
  const candidates = arrayOr(response?.candidates);
  call.responseId = responseIdOf(response?.responseId);
  call.finishReasons = finishListOf(candidates, finishOf);
  if (capture.output) {
    contentOf(call).output = candidates.map((c: any): Message => {
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
export class GenerateStreamAnswer {
  #id: string | undefined;
  #seen = false;
  readonly #candidates: CandidateSoFar[] = [];
  readonly #output: boolean;

  constructor(output: boolean) {
    this.#output = output;
  }

  chunk(chunk: any): void {
    this.#seen = true;
    this.#id ??= responseIdOf(chunk?.responseId);
    const list = arrayOr(chunk?.candidates);
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      const so = (this.#candidates[streamIndex(c?.index, i)] ??= { parts: [], finish: undefined, called: false });
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

  into(call: WireCall): void {
    if (!this.#seen) return;
    const cands = this.#candidates.filter((c) => c !== undefined);
    const finish = (c: CandidateSoFar): string | undefined => (c.finish === 'STOP' && c.called ? 'tool_call' : finishReason(c.finish));
    call.responseId = this.#id;
    call.finishReasons = finishListOf(cands, finish);
    if (this.#output) contentOf(call).output = cands.map((c): Message => outputMessage('assistant', defined(c.parts.map(part)), finish(c)));
  }
}
