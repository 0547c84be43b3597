// Google Gemini (generateContent, streamGenerateContent) read into the GenAI conventions' shapes:
// a request's system instruction, contents and tools; a generation's id, candidates, finish
// reasons and token counts; a stream's candidates accumulated chunk by chunk. The `model` role is
// the conventions' `assistant`; a candidate that calls functions ends with finish reason
// 'tool_call' (Gemini says STOP). Pure, no thread of its own: the wrapper (instrument/google*.ts,
// on the SDK's parameters) and the wire parser (worker/wire/google-*.ts, on the REST shapes the
// SDK turns them into) call the same code.

import type { ChatMessage, MessagePart, OutputMessage, ToolDefinition } from '../messages.js';
import { arrayOr, count, defined, finishListOf, finishReason, modalityOf, outputMessage, responseIdOf, str, streamIndex, text, tool, StreamReader, type AnswerFields, type TokenFields } from './parts.js';

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

/** ContentListUnion (the SDK's): a string, a part, a Content, or a list of parts or of Contents; on the wire, a list of Content. */
export function contents(v: any): ChatMessage[] {
  if (v == null) return [];
  if (isContent(v)) return [{ role: role(v.role), parts: defined(v.parts.map(part)) }];
  if (Array.isArray(v)) {
    if (v.some(isContent)) return v.filter(isContent).map((c: any) => ({ role: role(c.role), parts: defined(c.parts.map(part)) }));
    return [{ role: 'user', parts: defined(v.map(part)) }];
  }
  const one = part(v);
  return one === undefined ? [] : [{ role: 'user', parts: [one] }];
}

/** A system instruction (a Content, a part, or a list of parts) as parts. */
export function systemParts(v: any): MessagePart[] {
  if (v == null) return [];
  if (isContent(v)) return defined(v.parts.map(part));
  return defined((Array.isArray(v) ? v : [v]).map(part));
}

/** A request's tools: each function declaration by its name, any other tool (googleSearch, codeExecution) by its kind. */
export function tools(list: unknown): ToolDefinition[] {
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

function candidateFinish(c: any, parts: readonly any[]): string | undefined {
  if (c?.finishReason === 'STOP' && parts.some((p) => p?.functionCall != null)) return 'tool_call';
  return finishReason(c?.finishReason);
}

const finishOf = (c: any): string | undefined => candidateFinish(c, arrayOr(c?.content?.parts));

/** A generation's id and finish reasons, written into `into`; its candidates as messages when `output` (else undefined). */
export function generateAnswer(into: AnswerFields, response: any, output: boolean): OutputMessage[] | undefined {
  const candidates = arrayOr(response?.candidates);
  into.responseId = responseIdOf(response?.responseId);
  into.finishReasons = finishListOf(candidates, finishOf);
  if (!output) return undefined;
  return candidates.map((c: any): OutputMessage => {
    const raw = arrayOr(c?.content?.parts);
    return outputMessage(role(c?.content?.role ?? 'model'), defined(raw.map(part)), candidateFinish(c, raw));
  });
}

/**
 * Gemini's usageMetadata: promptTokenCount includes the cached tokens; candidatesTokenCount
 * excludes the thinking tokens (thoughtsTokenCount), which the README's convention counts as
 * part of the output.
 */
export function generateUsage(into: TokenFields, m: any): void {
  if (m == null) return;
  const reasoning = count(m.thoughtsTokenCount);
  into.inputTokens = count(m.promptTokenCount);
  into.cachedInputTokens = count(m.cachedContentTokenCount);
  into.reasoningTokens = reasoning;
  into.outputTokens = count(m.candidatesTokenCount) + reasoning;
}

/** The function calls a response (or a stream's chunk) asks for: its functionCall parts. */
export function functionCalls(response: any): number {
  let n = 0;
  for (const candidate of arrayOr(response?.candidates)) {
    for (const p of arrayOr(candidate?.content?.parts)) if (p?.functionCall != null) n++;
  }
  return n;
}

interface CandidateSoFar {
  parts: any[];
  finish: unknown;
  called: boolean;
}

const streamedFinish = (c: CandidateSoFar): string | undefined => (c.finish === 'STOP' && c.called ? 'tool_call' : finishReason(c.finish));

/** A streamed generation, chunk by chunk: its id, each candidate's finish reason, and (output captured) its parts (texts joined). */
export class GenerateStreamReader extends StreamReader {
  #id: string | undefined;
  readonly #candidates: CandidateSoFar[] = [];

  chunk(chunk: any): void {
    this.seen = true;
    this.#id ??= responseIdOf(chunk?.responseId);
    const list = arrayOr(chunk?.candidates);
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      const so = (this.#candidates[streamIndex(c?.index, i)] ??= { parts: [], finish: undefined, called: false });
      if (c?.finishReason != null) so.finish = c.finishReason;
      for (const p of arrayOr(c?.content?.parts)) {
        if (p?.functionCall != null) so.called = true;
        if (!this.output) continue;
        const last = so.parts[so.parts.length - 1];
        // Text arrives in pieces: consecutive pieces of one kind make one part.
        if (typeof p?.text === 'string' && typeof last?.text === 'string' && (p.thought === true) === (last.thought === true)) last.text += p.text;
        else so.parts.push(typeof p?.text === 'string' ? { text: p.text, thought: p.thought } : p);
      }
    }
  }

  /** The stream's id and finish reasons, written into `into`; its candidates as messages when output is captured (else undefined). */
  answer(into: AnswerFields): OutputMessage[] | undefined {
    const cands = this.#candidates.filter((c) => c !== undefined);
    into.responseId = this.#id;
    into.finishReasons = finishListOf(cands, streamedFinish);
    if (!this.output) return undefined;
    return cands.map((c): OutputMessage => outputMessage('assistant', defined(c.parts.map(part)), streamedFinish(c)));
  }
}
