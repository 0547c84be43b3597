// A plain (not streamed) call of a Stainless client (OpenAI, Anthropic) on a tracer that captures
// no content: what it keeps from its start to its answer, and the CallRecord it is read and
// recorded through, borrowed for that one synchronous step. Main thread.
//
// Why (issue 28, bench/wrap-cost.mjs): a CallRecord has ~50 fields, ~400 bytes a call, and a
// plain call needs most of them only while its answer is read and recorded, which happens in one
// synchronous step (answered() -> the reader -> finish() -> recordChatSpan, which copies what it
// keeps into the ring). So the call keeps a dozen fields, and the step reinitialises a spare
// record (CallRecord.init) rather than making one: the same reader, the same fields, the same
// record call, the same span. A step that begins while the spare is out (a diag logger that
// makes a call) gets a record of its own. Streams (read chunk by chunk, across turns) and calls
// that capture content (read at the start) keep a CallRecord of their own (callOf).

import type { ParentSpanContext, RactoTracer } from '../index.js';
import { attributesOf, callOf, CallRecord, parentNow, type AnswerReader, type CallKind } from './call.js';
import { NO_CAPTURE } from './content.js';
import type { ResolvedInstrumentOptions } from './options.js';

/** Who records, in the diag warnings (call.ts's default origin). */
const INSTRUMENT = 'ractogateway/instrument';

/** The record the next answer is read into, while no step holds it. */
let spare: CallRecord | undefined;

export class PlainCall {
  /** Stainless: the APIPromise's own parseResponse, _thenUnwrap, the failure handler, a parse begun (stainless.ts). */
  sdkParse: Function | undefined = undefined;
  sdkThenUnwrap: Function | undefined = undefined;
  onFailure: ((err: unknown) => void) | undefined = undefined;
  parsing = false;
  private done = false;
  private readonly start = performance.now();
  private readonly parent: ParentSpanContext | null = parentNow();
  private readonly tracer: RactoTracer;
  private readonly options: ResolvedInstrumentOptions;
  private readonly kind: CallKind;
  private readonly reader: AnswerReader;
  private readonly model: unknown;
  private readonly attributes: Readonly<Record<string, string>> | undefined;

  constructor(tracer: RactoTracer, options: ResolvedInstrumentOptions, kind: CallKind, reader: AnswerReader, model: unknown,
    attributes: Readonly<Record<string, string>> | undefined) {
    this.tracer = tracer;
    this.options = options;
    this.kind = kind;
    this.reader = reader;
    this.model = model;
    this.attributes = attributes;
  }

  /** The parsed answer: read and recorded. Returns `data`, untouched. */
  answered<T>(data: T): T {
    if (this.done) return data;
    const record = this.borrow();
    record.answered(data);
    release(record);
    return data;
  }

  ok(): void {
    if (this.done) return;
    const record = this.borrow();
    record.ok();
    release(record);
  }

  fail(error: unknown): void {
    if (this.done) return;
    const record = this.borrow();
    record.fail(error);
    release(record);
  }

  /** The spare record (or a new one), set to this call's start. */
  private borrow(): CallRecord {
    this.done = true;
    const o = this.options;
    let record = spare;
    spare = undefined;
    if (record === undefined) record = new CallRecord(this.tracer, o.provider, this.kind, this.reader, this.model, this.attributes);
    record.init(this.tracer, o.provider, this.kind, this.reader, this.model, this.attributes, INSTRUMENT, this.start, this.parent);
    const server = o.server;
    if (server !== undefined) {
      record.serverAddress = server.address;
      record.serverPort = server.port;
    }
    return record;
  }
}

/** The record back as the spare, keeping nothing of its call alive (a tracer shut down and let go, its ring). */
function release(record: CallRecord): void {
  record.detach();
  spare = record;
}

/**
 * A Stainless wrapper's plain call of `request`: a PlainCall, or a CallRecord of its own when
 * the tracer captures content (its request is read at the start).
 */
export function plainCallOf(tracer: RactoTracer, options: ResolvedInstrumentOptions, kind: CallKind, reader: AnswerReader,
  request: any): PlainCall | CallRecord {
  if (options.capture !== NO_CAPTURE) return callOf(CallRecord, tracer, options, kind, reader, request);
  const attributes = options.attributes === undefined ? undefined : attributesOf(options.attributes, request);
  return new PlainCall(tracer, options, kind, reader, request?.model, attributes);
}
