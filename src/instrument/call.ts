// One instrumented call, from the moment the SDK method is called to its one record. Main thread.
// The span's parent is the span active when the call was made (captured here, at the start,
// because a stream ends later, in whatever context its consumer runs), passed to the record
// explicitly: null when there was none, so the record ignores the context active at the end.
// Recording is guarded: whatever happens here, the caller gets exactly what the SDK gave.
// The response fields (answered model, id, finish reasons) and the content the tracer captures
// are mapped by each provider's *-content.ts and handed here (captureRequest, respond).

import { context, diag, isSpanContextValid, trace } from '@opentelemetry/api';
import type { ChatCall, ParentSpanContext, RactoTracer } from '../index.js';
import { otelContextRegistered } from '../shared/otel-context.js';
import type { ResolvedInstrumentOptions } from './options.js';
import { clampUsage, type Usage } from './usage.js';
import type { Capture, RequestContent, ResponseContent } from './content.js';

/** errorType of a call the caller gave up on: a stream abandoned, or an abort signal. */
export const CANCELLED = 'cancelled';

export type CallKind = 'chat' | 'stream' | 'embed';

export class CallRecord {
  readonly start = performance.now();
  kind: CallKind;
  /** The model asked for. */
  model: string;
  /** The model the provider answered with, when it says. */
  responseModel: string | undefined;
  /** The content categories the tracer records (all false: none; response ids and finish reasons are read anyway). */
  readonly capture: Capture;
  /** Streams: performance.now() at the first chunk, or -1. */
  firstChunk = -1;
  /** Set by the caller's withResponse() (the body will be parsed) and asResponse() (it will not). */
  parsing = false;
  private done = false;
  private readonly parent: ParentSpanContext | null;
  private attributes: Readonly<Record<string, string>> | undefined;
  private readonly tracer: RactoTracer;
  private readonly provider: string;
  private readonly server: ResolvedInstrumentOptions['server'];
  private request: RequestContent | undefined;
  private response: ResponseContent | undefined;

  constructor(tracer: RactoTracer, options: ResolvedInstrumentOptions, kind: CallKind, model: unknown, request: unknown) {
    this.tracer = tracer;
    this.provider = options.provider;
    this.kind = kind;
    this.model = typeof model === 'string' && model.length !== 0 ? model : 'unknown';
    this.parent = otelContextRegistered() ? activeSpanContext() : null;
    this.attributes = options.attributes === undefined ? undefined : attributesOf(options.attributes, request);
    this.capture = options.capture;
    this.server = options.server;
  }

  /** Maps the request's content when the tracer records any of its categories (never throws). */
  captureRequest<B>(map: (body: B, capture: Capture) => RequestContent, body: B): void {
    const c = this.capture;
    if (!c.system && !c.input && !c.tools) return;
    try {
      this.request = map(body, c);
    } catch (err) {
      diag.debug(`ractogateway/instrument: could not read a ${this.provider} request's content: ${String(err)}`);
    }
  }

  /** Maps the answer's id, finish reasons and (when recorded) messages (never throws). */
  respond<D>(map: (data: D, capture: Capture) => ResponseContent, data: D): void {
    try {
      this.response = map(data, this.capture);
    } catch (err) {
      diag.debug(`ractogateway/instrument: could not read a ${this.provider} answer's fields: ${String(err)}`);
    }
  }

  get recorded(): boolean {
    return this.done;
  }

  /** Notes the model the provider answered with. */
  answeredBy(model: unknown): void {
    if (typeof model === 'string' && model.length !== 0 && model.length <= 256) this.responseModel = model;
  }

  ok(usage: Usage | undefined): void {
    this.finish(usage, undefined);
  }

  /** A failed call: errorType is the error's class name, or 'cancelled' when the caller aborted. */
  fail(error: unknown, usage?: Usage, aborted = false): void {
    this.finish(usage, aborted || isAbort(error) ? CANCELLED : errorTypeOf(error));
  }

  cancel(usage: Usage | undefined): void {
    this.finish(usage, CANCELLED);
  }

  private finish(usage: Usage | undefined, errorType: string | undefined): void {
    if (this.done) return;
    this.done = true;
    try {
      this.record(usage, errorType);
    } catch (err) {
      // The inputs the library cannot vouch for are the user's attributes (an unknown key, a
      // value too long) and what a provider sent (an id too long, content of another shape):
      // keep the span, without them.
      const retry = this.attributes !== undefined || this.request !== undefined || this.response !== undefined;
      diag.warn(`ractogateway/instrument: a ${this.provider} call ${retry ? 'is recorded without its attributes, response fields and content' : 'was not recorded'}: ${(err as Error)?.message ?? String(err)}`);
      if (!retry) return;
      this.attributes = undefined;
      this.request = undefined;
      this.response = undefined;
      try {
        this.record(usage, errorType);
      } catch (again) {
        diag.warn(`ractogateway/instrument: a ${this.provider} call was not recorded: ${(again as Error)?.message ?? String(again)}`);
      }
    }
  }

  private record(usage: Usage | undefined, errorType: string | undefined): void {
    const end = performance.now();
    const latencyMs = end - this.start;
    const u = clampUsage(usage);
    const status = errorType === undefined ? 'ok' : 'error';
    const server = this.server;
    if (this.kind === 'embed') {
      this.tracer.recordEmbedSpan({ provider: this.provider, model: this.model, latencyMs, endTime: end, inputTokens: u.input, status, errorType,
        attributes: this.attributes, parent: this.parent, responseModel: this.responseModel, serverAddress: server?.address, serverPort: server?.port });
      return;
    }
    const req = this.request;
    const res = this.response;
    const call: ChatCall = {
      provider: this.provider, model: this.model, latencyMs, endTime: end, operation: this.kind, status, errorType,
      inputTokens: u.input, outputTokens: u.output, toolCalls: u.toolCalls,
      cachedInputTokens: u.cached, cacheWriteTokens: u.cacheWrite, reasoningTokens: u.reasoning,
      timeToFirstTokenMs: this.kind === 'stream' && this.firstChunk >= 0 ? this.firstChunk - this.start : undefined,
      attributes: this.attributes, parent: this.parent,
      responseModel: this.responseModel, serverAddress: server?.address, serverPort: server?.port,
      responseId: res?.responseId, finishReasons: res?.finishReasons,
      system: req?.system, input: req?.input, tools: req?.tools, output: res?.output,
    };
    this.tracer.recordChatSpan(call);
  }
}

/** The span active now, or null (none, or an invalid one: the span is then a root span). */
function activeSpanContext(): ParentSpanContext | null {
  const sc = trace.getSpanContext(context.active());
  return sc !== undefined && isSpanContextValid(sc) ? sc : null;
}

function attributesOf(fn: (request: any) => Readonly<Record<string, string>> | undefined, request: unknown): Readonly<Record<string, string>> | undefined {
  try {
    return fn(request) ?? undefined;
  } catch (err) {
    diag.warn(`ractogateway/instrument: options.attributes threw, the call is recorded without attributes: ${(err as Error)?.message ?? String(err)}`);
    return undefined;
  }
}

/** The SDK error's class name (RateLimitError, APIConnectionError, ApiError, …). */
export function errorTypeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctor === 'string' && ctor.length !== 0 && ctor !== 'Object') return ctor;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name.length !== 0) return name;
  }
  return typeof error;
}

/** An abort by the caller: the SDKs' APIUserAbortError, or the platform's AbortError. */
export function isAbort(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return ctor === 'APIUserAbortError' || (error as { name?: unknown }).name === 'AbortError';
}
