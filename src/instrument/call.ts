// One instrumented call, from the moment the SDK method is called to its one record. Main thread.
// The span's parent is the span active when the call was made (captured here, at the start,
// because a stream ends later, in whatever context its consumer runs), passed to the record
// explicitly: null when there was none, so the record ignores the context active at the end.
// Recording is guarded: whatever happens here, the caller gets exactly what the SDK gave.
// Shared by the provider-client wrappers and the AI SDK integration (src/ai-sdk/).

import { context, diag, isSpanContextValid, trace } from '@opentelemetry/api';
import type { ChatCall, ParentSpanContext, RactoTracer } from '../index.js';
import { otelContextRegistered } from '../shared/otel-context.js';
import type { ResolvedInstrumentOptions } from './options.js';
import { clampUsage, type Usage } from './usage.js';

/** errorType of a call the caller gave up on: a stream abandoned, or an abort signal. */
export const CANCELLED = 'cancelled';

const INSTRUMENT = 'ractogateway/instrument';

export type CallKind = 'chat' | 'stream' | 'embed';

export class CallRecord {
  /** performance.now() when the call began (the AI SDK integration moves it back to a retried call's first attempt). */
  start = performance.now();
  kind: CallKind;
  /** The model asked for; replaced by the one the provider answered with, when it says. */
  model: string;
  /** Streams: performance.now() at the first chunk, or -1. */
  firstChunk = -1;
  /** Set by the caller's withResponse() (the body will be parsed) and asResponse() (it will not). */
  parsing = false;
  private done = false;
  private readonly parent: ParentSpanContext | null;
  private attributes: Readonly<Record<string, string>> | undefined;
  private readonly tracer: RactoTracer;
  private readonly provider: string;
  /** Who records, for the diag warnings: 'ractogateway/instrument' or 'ractogateway/ai-sdk'. */
  private readonly origin: string;

  constructor(tracer: RactoTracer, provider: string, kind: CallKind, model: unknown,
    attributes: Readonly<Record<string, string>> | undefined, origin = INSTRUMENT) {
    this.tracer = tracer;
    this.provider = provider;
    this.kind = kind;
    this.model = typeof model === 'string' && model.length !== 0 ? model : 'unknown';
    this.parent = otelContextRegistered() ? activeSpanContext() : null;
    this.attributes = attributes;
    this.origin = origin;
  }

  get recorded(): boolean {
    return this.done;
  }

  /** Notes the model the provider answered with. */
  answeredBy(model: unknown): void {
    if (typeof model === 'string' && model.length !== 0) this.model = model;
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

  /** A failed call whose errorType the caller worked out (the AI SDK integration's rules). */
  failWith(errorType: string, usage?: Usage): void {
    this.finish(usage, errorType);
  }

  private finish(usage: Usage | undefined, errorType: string | undefined): void {
    if (this.done) return;
    this.done = true;
    try {
      this.record(usage, errorType);
    } catch (err) {
      // The one input the library cannot vouch for is the user's attributes (an unknown key,
      // a value too long): keep the span, without them.
      const retry = this.attributes !== undefined;
      diag.warn(`${this.origin}: a ${this.provider} call ${retry ? 'is recorded without its attributes' : 'was not recorded'}: ${(err as Error)?.message ?? String(err)}`);
      if (!retry) return;
      this.attributes = undefined;
      try {
        this.record(usage, errorType);
      } catch (again) {
        diag.warn(`${this.origin}: a ${this.provider} call was not recorded: ${(again as Error)?.message ?? String(again)}`);
      }
    }
  }

  private record(usage: Usage | undefined, errorType: string | undefined): void {
    const end = performance.now();
    const latencyMs = end - this.start;
    const u = clampUsage(usage);
    const status = errorType === undefined ? 'ok' : 'error';
    if (this.kind === 'embed') {
      this.tracer.recordEmbedSpan({ provider: this.provider, model: this.model, latencyMs, endTime: end, inputTokens: u.input, status, errorType,
        attributes: this.attributes, parent: this.parent });
      return;
    }
    const call: ChatCall = {
      provider: this.provider, model: this.model, latencyMs, endTime: end, operation: this.kind, status, errorType,
      inputTokens: u.input, outputTokens: u.output, toolCalls: u.toolCalls,
      cachedInputTokens: u.cached, cacheWriteTokens: u.cacheWrite, reasoningTokens: u.reasoning,
      timeToFirstTokenMs: this.kind === 'stream' && this.firstChunk >= 0 ? Math.min(this.firstChunk - this.start, latencyMs) : undefined,
      attributes: this.attributes, parent: this.parent,
    };
    this.tracer.recordChatSpan(call);
  }
}

/** The span active now, or null (none, or an invalid one: the span is then a root span). */
function activeSpanContext(): ParentSpanContext | null {
  const sc = trace.getSpanContext(context.active());
  return sc !== undefined && isSpanContextValid(sc) ? sc : null;
}

/** A wrapper's call, started now: its attributes come from the request body the caller passed. */
export function startCall(tracer: RactoTracer, options: ResolvedInstrumentOptions, kind: CallKind, model: unknown, request: unknown): CallRecord {
  const attributes = options.attributes === undefined ? undefined : attributesOf(options.attributes, request);
  return new CallRecord(tracer, options.provider, kind, model, attributes);
}

/** The user's options.attributes(input), or undefined (with a warning) when it throws. */
export function attributesOf(fn: (input: any) => Readonly<Record<string, string>> | undefined, input: unknown,
  origin = INSTRUMENT): Readonly<Record<string, string>> | undefined {
  try {
    return fn(input) ?? undefined;
  } catch (err) {
    diag.warn(`${origin}: options.attributes threw, the call is recorded without attributes: ${(err as Error)?.message ?? String(err)}`);
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
