// OpenAI Responses content on the wire, mapped to the GenAI conventions' shapes: the request's
// instructions (system), input items and tools; a response's id, why it ended, and one output
// message of all its items. Worker thread. The same mapping as instrument/openai-content.ts.

import type { WireCall, WireCapture } from '../../shared/wire.js';
import { arrayOr, contentOf } from './call.js';
import { defined, outputMessage, responseIdOf, str, text, tool, urlPart, type Message, type Part } from './parts.js';

function responsesPart(p: any): Part | undefined {
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
function responsesItem(item: any): Message | undefined {
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

/** A Responses request's instructions, input items and tools, as `capture` asks. */
export function responsesRequest(call: WireCall, capture: WireCapture, body: any): void {
  if (capture.system && typeof body?.instructions === 'string') contentOf(call).system = [text(body.instructions)];
  if (capture.input) contentOf(call).input = typeof body?.input === 'string' ? [{ role: 'user', parts: [text(body.input)] }] : defined(arrayOr(body?.input).map(responsesItem));
  if (capture.tools && Array.isArray(body?.tools)) contentOf(call).tools = defined(body.tools.map((t: any) => tool(t?.name ?? t?.type, t?.type)));
}

/** Why a response ended, in the conventions' words. */
function responseFinish(r: any, calledTools: boolean): string | undefined {
  if (r?.status === 'failed') return 'error';
  if (r?.status === 'incomplete') return r.incomplete_details?.reason === 'content_filter' ? 'content_filter' : 'length';
  if (r?.status !== 'completed') return undefined;
  return calledTools ? 'tool_call' : 'stop';
}

/** A whole response (plain, or the last one a stream carried): its id, why it ended, one output message of all its items. */
export function responsesAnswer(call: WireCall, capture: WireCapture, r: any): void {
  const items = arrayOr(r?.output);
  let calledTools = false;
  for (const item of items) if (item?.type === 'function_call') calledTools = true;
  const finish = responseFinish(r, calledTools);
  call.responseId = responseIdOf(r?.id);
  call.finishReasons = finish === undefined ? [] : [finish];
  if (capture.output && r != null) {
    const parts = defined(items.map(responsesItem)).flatMap((m) => m.parts);
    contentOf(call).output = [outputMessage('assistant', parts, finish)];
  }
}
