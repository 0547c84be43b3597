// The parity harness: one call made by the official SDK client through its wrapper, against the
// fake provider on 127.0.0.1, gives the wrapper's span; the same exchange's bytes (the request the
// fake received, the answer it sent, written as it writes them) go through parseWire, and the
// WireCall is recorded on a second in-memory tracer as the wire capture records it. The two
// SpanRecords are compared field by field.
import { expect } from 'vitest';
import type { WireCall, WireFormat } from '../../../src/shared/wire.js';
import { parseWire } from '../../../src/worker/wire/index.js';
import type { FakeProvider, Scripted } from '../../instrument/fakes/server.js';
import { RactoTracer, type SpanRecord } from '../../pkg.js';
import { answerBytes } from './exchange.js';

/** The fields compared: everything a call's bytes decide (times, attributes and the server come from elsewhere). */
export const FIELDS = [
  'provider', 'model', 'operation', 'name', 'inputTokens', 'outputTokens', 'cachedInputTokens', 'cacheWriteTokens', 'reasoningTokens',
  'toolCalls', 'costUsd', 'priceSource', 'status', 'errorType', 'responseModel', 'responseId', 'finishReasons', 'content',
] as const satisfies readonly (keyof SpanRecord)[];

export const contentTracer = (captureContent = true): RactoTracer => new RactoTracer({ inMemory: true, captureContent });

/** Records `call` as the wire capture does (the capture engineer's mapping of a WireCall onto the record). */
export function recordWire(tracer: RactoTracer, provider: string, call: WireCall): void {
  const common = {
    provider, model: call.model ?? 'unknown', latencyMs: 1, responseModel: call.responseModel,
    status: call.errorType === undefined ? 'ok' as const : 'error' as const, errorType: call.errorType,
  };
  if (call.operation === 'embed') {
    tracer.recordEmbedSpan({ ...common, inputTokens: call.inputTokens });
    return;
  }
  const c = call.content;
  tracer.recordChatSpan({
    ...common, operation: call.operation, inputTokens: call.inputTokens, outputTokens: call.outputTokens,
    cachedInputTokens: call.cachedInputTokens, cacheWriteTokens: call.cacheWriteTokens, reasoningTokens: call.reasoningTokens,
    toolCalls: call.toolCalls, responseId: call.responseId, finishReasons: call.finishReasons,
    system: c?.system as never, input: c?.input as never, output: c?.output as never, tools: c?.tools as never,
  });
}

export interface Case {
  name: string;
  format: WireFormat;
  provider: string;
  answer: Scripted;
  /** Makes the call with a client wrapped on `tracer`, against the fake at `url` (a stream consumed to its end; an error caught). */
  call: (tracer: RactoTracer, url: string) => Promise<unknown>;
  /** Fields where the wire reading differs from the wrapper's on purpose (README, error mapping), with the wire's value. */
  differs?: Partial<Record<(typeof FIELDS)[number], unknown>>;
}

/** Runs one case: the wrapper's span and the wire's, compared field by field. */
export async function compare(c: Case, server: FakeProvider, captureContent: boolean): Promise<{ wrapper: SpanRecord; wire: SpanRecord; call: WireCall }> {
  const wrapped = contentTracer(captureContent);
  server.requests.length = 0;
  server.answer(c.answer);
  await c.call(wrapped, server.url).catch(() => undefined);
  for (let i = 0; i < 200 && wrapped.spans.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  expect(wrapped.spans).toHaveLength(1);
  const wrapper = wrapped.spans[0]!;
  const seen = server.requests[0]!;
  const answer = typeof c.answer === 'function' ? c.answer(seen.body) : c.answer;
  const url = new URL(seen.path, 'http://x');
  const call = parseWire({
    format: c.format, path: url.pathname, status: answer.status ?? 200, sse: answer.sse !== undefined, headers: [],
    request: new TextEncoder().encode(JSON.stringify(seen.body)), requestCut: false, response: answerBytes(answer), responseCut: false,
  }, wrapped.contentCapture);
  const mirror = contentTracer(captureContent);
  recordWire(mirror, c.provider, call);
  const wire = mirror.spans[0]!;
  for (const field of FIELDS) {
    const expected = c.differs !== undefined && Object.hasOwn(c.differs, field) ? c.differs[field] : wrapper[field];
    expect({ field, value: wire[field] }).toEqual({ field, value: expected });
  }
  await mirror.shutdown();
  await wrapped.shutdown();
  return { wrapper, wire, call };
}
