// Shared by the wire parser tests: exchanges built from the fake providers' answers
// (test/instrument/fakes/), written as bytes the way the fake server writes them.
import type { WireCapture, WireExchange, WireFormat } from '../../../src/shared/wire.js';
import type { Answer, SseEvent } from '../../instrument/fakes/server.js';

export const NONE: WireCapture = Object.freeze({ system: false, input: false, output: false, tools: false });
export const ALL: WireCapture = Object.freeze({ system: true, input: true, output: true, tools: true });

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The bytes of server-sent events as the fake server (and the providers) write them. */
export function sseText(events: readonly SseEvent[]): string {
  return events.map((e) => `${e.event === undefined ? '' : `event: ${e.event}\n`}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`).join('');
}

/** The body bytes of a fake answer. */
export function answerBytes(a: Answer): Uint8Array {
  return utf8(a.sse === undefined ? JSON.stringify(a.json ?? {}) : sseText(a.sse));
}

/** An exchange of `format`: `request` serialized as the SDKs send it, `answer` as the fake sends it. */
export function exchange(format: WireFormat, request: unknown, answer: Answer, path = '/v1/x'): WireExchange {
  return {
    format, path, status: answer.status ?? 200, sse: answer.sse !== undefined, headers: [],
    request: utf8(JSON.stringify(request)), requestCut: false,
    response: answerBytes(answer), responseCut: false,
  };
}

/** `ex` with its response replaced by `bytes`. */
export function withResponse(ex: WireExchange, bytes: Uint8Array, cut = false): WireExchange {
  return { ...ex, response: bytes, responseCut: cut };
}
