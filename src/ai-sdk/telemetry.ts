// The AI SDK 7 telemetry integration: an object for `registerTelemetry(...)` (or a call's
// `telemetry: { integrations }`) that records every model call on a RactoTracer. Main thread: the
// AI SDK calls these methods in the caller's async context, so the span active when a model call
// starts is its parent (CallRecord captures it then).
//
//   onStart(generateText | streamText) ── onLanguageModelCallStart ── …End ── (a step each) ── [onError | onAbort]
//   onStart(generateObject | streamObject) ── onObjectStepStart ── onObjectStepEnd ── [onError]
//   onStart(embed | embedMany) ── onEmbedStart ×n ── onEmbedEnd ×n ── [onError]      (embeds.ts)
//
// Operations are keyed by the AI SDK's callId (one per generateText / streamText / … call;
// operations.ts). Their steps run one after another, so an operation has at most one model call in
// flight; a start while one is open is the AI SDK retrying that call's stream, and the span covers
// both. Each callback implemented costs the AI SDK a copy of its event per call, so only these are
// (no onStepStart, onStepEnd, onEnd, tool events). Only the tracer's public API is used, through
// src/instrument's CallRecord.
//
// Under the wire capture (instrumentFetch) a model call is recorded here only: its start marks the
// caller's async context, its end closes the mark, and the capture skips what a marked call sends
// (wire-mark.ts).

import { diag } from '@opentelemetry/api';
import type { RactoTracer } from '../index.js';
import { attributesOf, CallRecord, type AnswerReader, type CallKind } from '../instrument/call.js';
import { capturesAny, NO_CAPTURE, type Capture } from '../instrument/content.js';
import { checkTracer } from '../instrument/options.js';
import { answerFields, modelCallOutput, modelCallRequest, objectStepOutput, objectStepRequest, type AnswerEvent } from './content.js';
import { count } from '../instrument/usage.js';
import { EmbedAttempts } from './embeds.js';
import type { AiSdkOperationStart, EmbedEnd, EmbedStart, ModelCallEnd, ModelCallStart, ObjectStepEnd, OperationAbort, StepError } from './events.js';
import { Operations, type Operation } from './operations.js';
import { resolveAiSdkOptions, type AiSdkTelemetryOptions, type ResolvedAiSdkOptions } from './options.js';
import { ProviderNames } from './provider.js';
import { markCall, remark, unmark } from './wire-mark.js';
import { emptyUsage, errorTypeOfFailure, PROVIDER_ERROR, setUsage, usageOf, type Usage } from './usage.js';

const ORIGIN = 'ractogateway/ai-sdk';

/** The AI SDK hands over what a call said in its events: no SDK answer or chunk to read. */
const EVENTS: AnswerReader = Object.freeze({ answer: () => undefined, chunk: (_call: CallRecord, chunk: unknown) => chunk });
/** The same, with the request's content read from a model call's start event (content.ts). */
const MODEL_CALL: AnswerReader = Object.freeze({ ...EVENTS, request: modelCallRequest });
const OBJECT_STEP: AnswerReader = Object.freeze({ ...EVENTS, request: objectStepRequest });

/** The operations that make spans, by the AI SDK's operationId; others (rerank, speech, transcription, …) make none. */
const KINDS: Readonly<Record<string, CallKind>> = Object.freeze({
  'ai.generateText': 'chat',
  'ai.generateObject': 'chat',
  'ai.streamText': 'stream',
  'ai.streamObject': 'stream',
  'ai.embed': 'embed',
  'ai.embedMany': 'embed',
});

/** What aiSdkTelemetry() returns: the AI SDK's `Telemetry` interface, the callbacks it implements. */
export interface AiSdkTelemetry {
  onStart(event: AiSdkOperationStart): void;
  onLanguageModelCallStart(event: ModelCallStart): void;
  onLanguageModelCallEnd(event: ModelCallEnd): void;
  onObjectStepStart(event: ModelCallStart): void;
  onObjectStepEnd(event: ObjectStepEnd): void;
  onStepError(event: StepError): void;
  onEmbedStart(event: EmbedStart): void;
  onEmbedEnd(event: EmbedEnd): void;
  onAbort(event: OperationAbort): void;
  onError(event: unknown): void;
}

/** A telemetry integration for the AI SDK that records each model call of every generation on `tracer`. */
export function aiSdkTelemetry(tracer: RactoTracer, options?: AiSdkTelemetryOptions): AiSdkTelemetry {
  checkTracer(tracer);
  return new RactoAiSdkTelemetry(tracer, resolveAiSdkOptions(options));
}

class RactoAiSdkTelemetry implements AiSdkTelemetry {
  readonly #tracer: RactoTracer;
  readonly #options: ResolvedAiSdkOptions;
  readonly #providers: ProviderNames;
  readonly #ops: Operations;
  /** The content categories the tracer records (NO_CAPTURE: none), read once. */
  readonly #capture: Capture;
  #evicted = 0;

  constructor(tracer: RactoTracer, options: ResolvedAiSdkOptions) {
    this.#tracer = tracer;
    const capture = (tracer as { contentCapture?: Capture }).contentCapture;
    this.#capture = capture === undefined || !capturesAny(capture) ? NO_CAPTURE : capture;
    this.#options = options;
    this.#providers = new ProviderNames(options.provider);
    this.#ops = new Operations(options.maxOpenCalls, (op) => this.#evict(op));
  }

  onStart(event: AiSdkOperationStart): void {
    const kind = Object.hasOwn(KINDS, event.operationId) ? KINDS[event.operationId] : undefined;
    if (kind === undefined) return;
    const fn = this.#options.attributes;
    this.#ops.begin(event.callId, { kind, attributes: fn === undefined ? undefined : attributesOf(fn, event, ORIGIN), implicit: false, call: undefined, embeds: undefined, mark: undefined });
  }

  onLanguageModelCallStart(event: ModelCallStart): void {
    // The request's content: event.instructions, event.messages and event.tools (content.ts).
    this.#startModelCall(event, MODEL_CALL);
  }

  onLanguageModelCallEnd(event: ModelCallEnd): void {
    // The answer: event.content (ContentPart[]: text, reasoning, tool-call, …), its id and server.
    this.#endModelCall(event.callId, event.modelId, event.finishReason, event.performance?.timeToFirstOutputMs, usageOf(event.usage, event.content),
      event, modelCallOutput);
  }

  onObjectStepStart(event: ModelCallStart): void {
    // generateObject's request is event.promptMessages (the provider-level prompt).
    this.#startModelCall(event, OBJECT_STEP);
  }

  onObjectStepEnd(event: ObjectStepEnd): void {
    // The answer is event.objectText (the JSON text the model wrote).
    this.#endModelCall(event.callId, event.response?.modelId ?? event.modelId, event.finishReason, event.msToFirstChunk, usageOf(event.usage),
      event, objectStepOutput);
  }

  onStepError(event: StepError): void {
    const op = this.#ops.get(event.callId);
    const call = op?.call;
    if (op === undefined || call === undefined) return;
    op.call = undefined;
    unmark(op);
    this.#ops.rest(event.callId, op);
    call.failWith(errorTypeOfFailure(event.error));
  }

  onEmbedStart(event: EmbedStart): void {
    const op = this.#ops.busyOp(event.callId, () => implicit('embed'));
    const call = new CallRecord(this.#tracer, this.#providers.of(event.provider), 'embed', EVENTS, event.modelId, op.attributes, ORIGIN);
    (op.embeds ??= new EmbedAttempts()).start(event.embedCallId, call, event.values);
    // One mark for the operation's embed calls (embedMany's chunks, the AI SDK's retries).
    remark(op);
  }

  onEmbedEnd(event: EmbedEnd): void {
    const op = this.#ops.get(event.callId);
    const call = op?.embeds?.end(event.embedCallId);
    if (op === undefined || call === undefined) return;
    if (op.embeds!.settled) {
      unmark(op);
      this.#ops.rest(event.callId, op);
    }
    const usage = emptyUsage();
    usage.input = count(event.usage?.tokens);
    setUsage(call, usage);
    call.ok();
  }

  /** streamText's abortSignal fired: the call in flight is 'cancelled'. */
  onAbort(event: OperationAbort): void {
    const op = this.#ops.take(event.callId);
    if (op !== undefined) settle(op, (call) => call.cancel());
  }

  /** The operation failed: its open calls fail with its error (generateText's abort is an AbortError: 'cancelled'). */
  onError(event: unknown): void {
    const { callId, error } = (event ?? {}) as { callId?: unknown; error?: unknown };
    const op = typeof callId === 'string' ? this.#ops.take(callId) : undefined;
    if (op === undefined) return;
    const errorType = errorTypeOfFailure(error);
    settle(op, (call) => call.failWith(errorType));
  }

  #startModelCall(event: ModelCallStart, reader: AnswerReader): void {
    const op = this.#ops.busyOp(event.callId, () => implicit('chat'));
    if (op.call !== undefined) {
      // The AI SDK retrying the call's stream: the same mark.
      remark(op);
      return;
    }
    markCall(op);
    const call = new CallRecord(this.#tracer, this.#providers.of(event.provider), op.kind, reader, event.modelId, op.attributes, ORIGIN);
    op.call = call;
    if (this.#capture !== NO_CAPTURE && event.recordInputs !== false) call.captureRequest(this.#capture, event);
    else call.capture = this.#capture;
  }

  #endModelCall(callId: string, model: string, finishReason: string | undefined, ttft: number | undefined, usage: Usage,
    event: AnswerEvent, output: Parameters<typeof answerFields>[2]): void {
    const op = this.#ops.get(callId);
    const call = op?.call;
    if (op === undefined || call === undefined) return;
    op.call = undefined;
    unmark(op);
    this.#ops.rest(callId, op);
    call.answeredBy(model);
    try {
      answerFields(call, event, output);
    } catch (err) {
      diag.debug(`${ORIGIN}: could not read a model call's answer: ${(err as Error)?.message ?? String(err)}`);
    }
    if (typeof ttft === 'number' && ttft >= 0) {
      // Only streams report a first chunk; an operation seen without onStart learns it here.
      if (op.implicit) call.operation = 'stream';
      call.firstChunk = call.start + ttft;
    }
    // finishReason 'error': the provider reported a failure inside its answer (an error event in
    // the stream), which the AI SDK does not pass to integrations.
    setUsage(call, usage);
    if (finishReason === 'error') call.failWith(PROVIDER_ERROR);
    else call.ok();
  }

  #evict(op: Operation): void {
    settle(op, (call) => call.cancel());
    if (this.#evicted++ === 0) {
      diag.warn(`${ORIGIN}: more than ${this.#options.maxOpenCalls} AI SDK model calls in flight (options.maxOpenCalls): the oldest is recorded as 'cancelled' and let go; a stream abandoned without its abortSignal never ends for telemetry`);
    }
  }
}

function implicit(kind: CallKind): Operation {
  return { kind, attributes: undefined, implicit: true, call: undefined, embeds: undefined, mark: undefined };
}

/** Records the calls an operation left open, one way. */
function settle(op: Operation, end: (call: CallRecord) => void): void {
  unmark(op);
  if (op.call !== undefined) end(op.call);
  if (op.embeds !== undefined) for (const call of op.embeds.unfinished()) end(call);
}
