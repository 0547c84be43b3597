// One instrumented call, from the moment the SDK method is called to its one record. Main thread.
//
// A CallRecord is the only object the wrappers make per call, and it is the record's input: its
// public fields are the ChatCall / EmbedCall fields, filled in as the answer is read, and the
// object itself is handed to recordChatSpan / recordEmbedSpan. For a stream it is also the async
// iterator the caller's loop pulls through (stream.ts). The per-call places:
//   - the constructor sees the request body (attributes, the model asked for; callOf() also the
//     content the tracer captures, through the reader's `request`);
//   - `answered(data)` sees a plain call's parsed answer, or a stream, once;
//   - `chunk()` (stream.ts) sees each chunk of a stream;
// each provider's reading of them is one shared `AnswerReader` (openai.ts, anthropic.ts, google.ts).
// The response fields (answered model, id, finish reasons, server) are read on every call; the
// content (issue 22: system, input, tools, output) only for the categories the tracer captures
// (`capture`, all false by default, so a call maps none). Each provider's content mapping lives in
// its *-content.ts; a stream's answer is accumulated there and handed to the call as it ends.
//
// The span's parent is the span active when the call was made (captured here, at the start,
// because a stream ends later, in whatever context its consumer runs), passed to the record
// explicitly: null when there was none, so the record ignores the context active at the end; and
// read only when an OTel context manager is registered (without one no span can be active).
// Recording is guarded: whatever happens here, the caller gets exactly what the SDK gave.
// Shared by the provider-client wrappers and the AI SDK integration (src/ai-sdk/).

import { context, diag, isSpanContextValid, trace } from '@opentelemetry/api';
import type { ChatMessage, MessagePart, OutputMessage, ParentSpanContext, RactoTracer, ToolDefinition } from '../index.js';
import { otelContextRegistered } from '../shared/otel-context.js';
import { NO_CAPTURE, type Capture } from './content.js';
import type { ResolvedInstrumentOptions } from './options.js';
import { count } from './usage.js';
import { CANCELLED, errorTypeOf, isAbort } from './error-type.js';

/** Who records, in the diag warnings. */
const INSTRUMENT = 'ractogateway/instrument';

/** Longest model name the record takes (MAX_STRING_LENGTH). */
const MAX_NAME = 256;

export type CallKind = 'chat' | 'stream' | 'embed';

/** How one provider method's answers are read: one shared object per method, never per call. */
export interface AnswerReader {
  /** Reads a plain call's parsed answer into the call's fields. */
  answer(call: CallRecord, data: any): void;
  /** Reads one stream chunk; returns what the caller sees: the chunk, a copy of it, or undefined to hide it. */
  chunk(call: CallRecord, chunk: any): unknown;
  /** A stream ended: reads what only its end says (the Responses API's last response). */
  end?(call: CallRecord): void;
  /** The request's content, for the categories `call.capture` says (system, input, tools). */
  request?(call: CallRecord, body: any): void;
}

/** A stream's answer as its chunks built it up (the *-content.ts accumulators). */
export interface StreamAnswer {
  /** Hands what the stream said (its id, finish reasons, captured output) to the call's fields. */
  into(call: CallRecord): void;
}

export class CallRecord {
  // Every field is set by init(), the constructor's and a reused record's (plain-call.ts): a
  // field added here must be set there, in this order (one hidden class for every record).
  // --- the record's input (ChatCall / EmbedCall) ---
  provider!: string;
  /** The model asked for. */
  model!: string;
  operation!: 'chat' | 'stream';
  latencyMs!: number;
  endTime!: number;
  status!: 'ok' | 'error';
  errorType!: string | undefined;
  inputTokens!: number;
  outputTokens!: number;
  toolCalls!: number;
  cachedInputTokens!: number | undefined;
  cacheWriteTokens!: number | undefined;
  reasoningTokens!: number | undefined;
  timeToFirstTokenMs!: number | undefined;
  attributes!: Readonly<Record<string, string>> | undefined;
  parent!: ParentSpanContext | null;
  /** The model the provider answered with, when it says (`model` stays the one asked for). */
  responseModel!: string | undefined;
  responseId!: string | undefined;
  finishReasons!: readonly string[] | undefined;
  serverAddress!: string | undefined;
  serverPort!: number | undefined;
  /** The content the tracer captures (capture): left undefined for the categories it does not. */
  system!: readonly MessagePart[] | undefined;
  input!: readonly ChatMessage[] | undefined;
  tools!: readonly ToolDefinition[] | undefined;
  output!: readonly OutputMessage[] | undefined;

  // --- the call's own state ---
  /** performance.now() when the call began (the AI SDK integration moves it back to a retried call's first attempt). */
  start!: number;
  embed!: boolean;
  reader!: AnswerReader;
  /** Streams: performance.now() at the first chunk, or -1. */
  firstChunk!: number;
  /** The SDK began parsing the body (withResponse() too); asResponse() alone never does. */
  parsing!: boolean;
  /** Stainless: the APIPromise's own parseResponse, which the observing one calls (stainless.ts). */
  sdkParse!: Function | undefined;
  /** Stainless (openai 7.5x): the APIPromise's own `_thenUnwrap`, which the observing one calls (stainless.ts). */
  sdkThenUnwrap!: Function | undefined;
  /** Stainless: the call's failure handler, bound once, for its reactions (stainless.ts). */
  onFailure!: ((err: unknown) => void) | undefined;
  /** Streams: the SDK's iterator factory, the iterator being observed, the abort signal. */
  factory!: Function | undefined;
  inner!: AsyncIterator<unknown> | undefined;
  signal!: AbortSignal | undefined;
  ended!: boolean;
  /** OpenAI chat streams: usage was asked for by the wrapper, so its answer is hidden. */
  addedUsage!: boolean;
  /** Scratch the readers keep between chunks: Anthropic's uncached input, streamed tool-call keys, the last response, a failure event. */
  freshInput!: number;
  toolKeys!: Set<number> | undefined;
  last: unknown;
  failure: unknown;
  /** The content categories recorded (the tracer's contentCapture; NO_CAPTURE: none). */
  capture!: Capture;
  /** Streams: their answer so far, handed to the fields above when the call ends. */
  answer!: StreamAnswer | undefined;
  private done!: boolean;
  private tracer!: RactoTracer;
  private origin!: string;

  constructor(tracer: RactoTracer, provider: string, kind: CallKind, reader: AnswerReader, model: unknown,
    attributes: Readonly<Record<string, string>> | undefined, origin = INSTRUMENT) {
    this.init(tracer, provider, kind, reader, model, attributes, origin, performance.now(), parentNow());
  }

  /** Sets every field: from the arguments, or to its value at a call's start. */
  init(tracer: RactoTracer, provider: string, kind: CallKind, reader: AnswerReader, model: unknown,
    attributes: Readonly<Record<string, string>> | undefined, origin: string, start: number, parent: ParentSpanContext | null): void {
    this.provider = provider;
    this.model = typeof model === 'string' && model.length !== 0 ? model : 'unknown';
    this.operation = kind === 'stream' ? 'stream' : 'chat';
    this.latencyMs = 0;
    this.endTime = 0;
    this.status = 'ok';
    this.errorType = undefined;
    this.inputTokens = 0;
    this.outputTokens = 0;
    this.toolCalls = 0;
    this.cachedInputTokens = 0;
    this.cacheWriteTokens = 0;
    this.reasoningTokens = 0;
    this.timeToFirstTokenMs = undefined;
    this.attributes = attributes;
    this.parent = parent;
    this.responseModel = undefined;
    this.responseId = undefined;
    this.finishReasons = undefined;
    this.serverAddress = undefined;
    this.serverPort = undefined;
    this.system = undefined;
    this.input = undefined;
    this.tools = undefined;
    this.output = undefined;
    this.start = start;
    this.embed = kind === 'embed';
    this.reader = reader;
    this.firstChunk = -1;
    this.parsing = false;
    this.sdkParse = undefined;
    this.sdkThenUnwrap = undefined;
    this.onFailure = undefined;
    this.factory = undefined;
    this.inner = undefined;
    this.signal = undefined;
    this.ended = false;
    this.addedUsage = false;
    this.freshInput = 0;
    this.toolKeys = undefined;
    this.last = undefined;
    this.failure = undefined;
    this.capture = NO_CAPTURE;
    this.answer = undefined;
    this.done = false;
    this.tracer = tracer;
    this.origin = origin;
  }

  /** A reused record between two calls (plain-call.ts): holds no tracer, attributes or answer of the last one. */
  detach(): void {
    this.tracer = undefined as unknown as RactoTracer;
    this.parent = null;
    this.attributes = this.finishReasons = undefined;
    this.responseId = this.responseModel = undefined;
  }

  get recorded(): boolean {
    return this.done;
  }

  /** Notes the model the provider answered with (gen_ai.response.model; it prices the call). */
  answeredBy(model: unknown): void {
    if (typeof model === 'string' && model.length !== 0 && model.length <= MAX_NAME) this.responseModel = model;
  }

  /** Maps the request's content for the categories `capture` records (never throws into the caller). */
  captureRequest(capture: Capture, body: unknown): void {
    this.capture = capture;
    const request = this.reader.request;
    if (request === undefined || (!capture.system && !capture.input && !capture.tools)) return;
    try {
      request(this, body);
    } catch (err) {
      diag.debug(`${this.origin}: could not read a ${this.provider} request's content: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  /** A plain call's parsed answer: read and recorded. Returns `data`, untouched. */
  answered<T>(data: T): T {
    if (this.done) return data;
    try {
      this.reader.answer(this, data);
    } catch (err) {
      diag.warn(`${this.origin}: could not read a response: ${(err as Error)?.message ?? String(err)}`);
    }
    this.finish(undefined);
    return data;
  }

  ok(): void {
    this.finish(undefined);
  }

  /** A failed call: errorType is the error's class name, or 'cancelled' when the caller aborted. */
  fail(error: unknown): void {
    this.finish(this.signal?.aborted === true || isAbort(error) ? CANCELLED : errorTypeOf(error));
  }

  cancel(): void {
    this.finish(CANCELLED);
  }

  /** A failed call whose errorType the caller worked out (the AI SDK integration's rules). */
  failWith(errorType: string): void {
    this.finish(errorType);
  }

  private finish(errorType: string | undefined): void {
    if (this.done) return;
    this.done = true;
    const end = performance.now();
    this.endTime = end;
    this.latencyMs = end - this.start;
    if (errorType !== undefined) {
      this.status = 'error';
      this.errorType = errorType;
    }
    this.clamp();
    const answer = this.answer;
    if (answer !== undefined) {
      try {
        answer.into(this);
      } catch {
        // What the stream said is optional; the call is still recorded.
      }
    }
    try {
      this.record();
    } catch (err) {
      // The inputs the library cannot vouch for are the user's attributes (an unknown key, a
      // value too long) and what the provider sent (content of another shape): keep the span,
      // without them.
      const retry = this.attributes !== undefined || this.hasResponse();
      diag.warn(`${this.origin}: a ${this.provider} call ${retry ? 'is recorded without its attributes, response fields and content' : 'was not recorded'}: ${(err as Error)?.message ?? String(err)}`);
      if (!retry) return;
      this.attributes = this.system = this.input = this.tools = this.output = undefined;
      this.responseModel = this.responseId = this.finishReasons = this.serverAddress = this.serverPort = undefined;
      try {
        this.record();
      } catch (again) {
        diag.warn(`${this.origin}: a ${this.provider} call was not recorded: ${(again as Error)?.message ?? String(again)}`);
      }
    }
  }

  private hasResponse(): boolean {
    return this.responseModel !== undefined || this.responseId !== undefined || this.finishReasons !== undefined || this.serverAddress !== undefined ||
      this.system !== undefined || this.input !== undefined || this.tools !== undefined || this.output !== undefined;
  }

  private record(): void {
    if (this.embed) this.tracer.recordEmbedSpan(this);
    else this.tracer.recordChatSpan(this);
  }

  /**
   * The usage the tracer accepts whatever the provider sent (the parts never exceed their whole:
   * a provider or proxy that reports them inconsistently must not cost the span). A plain call
   * without a breakdown leaves those fields undefined, the record's short path.
   */
  private clamp(): void {
    const input = count(this.inputTokens);
    const output = count(this.outputTokens);
    const cached = Math.min(count(this.cachedInputTokens), input);
    const cacheWrite = Math.min(count(this.cacheWriteTokens), input - cached);
    const reasoning = Math.min(count(this.reasoningTokens), output);
    this.inputTokens = input;
    this.outputTokens = output;
    this.toolCalls = count(this.toolCalls);
    if (this.operation === 'stream') {
      this.timeToFirstTokenMs = this.firstChunk >= 0 ? Math.min(this.firstChunk - this.start, this.latencyMs) : undefined;
    } else if (cached === 0 && cacheWrite === 0 && reasoning === 0) {
      this.cachedInputTokens = this.cacheWriteTokens = this.reasoningTokens = undefined;
      return;
    }
    this.cachedInputTokens = cached;
    this.cacheWriteTokens = cacheWrite;
    this.reasoningTokens = reasoning;
  }
}

/** A call's parent: the span active when it starts, read only when an OTel context manager is registered. */
export function parentNow(): ParentSpanContext | null {
  return otelContextRegistered() ? activeSpanContext() : null;
}

/** The span active now, or null (none, or an invalid one: the span is then a root span). */
function activeSpanContext(): ParentSpanContext | null {
  const sc = trace.getSpanContext(context.active());
  return sc !== undefined && isSpanContextValid(sc) ? sc : null;
}

type CallClass<C extends CallRecord> = new (...args: ConstructorParameters<typeof CallRecord>) => C;

/**
 * A wrapper's call of `request` (a CallRecord or a StreamCall): provider and attributes from the
 * wrapper's options, the server from its client's base URL, the request's content when the
 * tracer captures some.
 */
export function callOf<C extends CallRecord>(Kind: CallClass<C>, tracer: RactoTracer, options: ResolvedInstrumentOptions,
  kind: CallKind, reader: AnswerReader, request: any): C {
  const attributes = options.attributes === undefined ? undefined : attributesOf(options.attributes, request);
  const call = new Kind(tracer, options.provider, kind, reader, request?.model, attributes);
  const server = options.server;
  if (server !== undefined) {
    call.serverAddress = server.address;
    call.serverPort = server.port;
  }
  if (options.capture !== NO_CAPTURE) call.captureRequest(options.capture, request);
  return call;
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
