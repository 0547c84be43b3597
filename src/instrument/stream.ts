// What every provider's stream shares: the caller's iteration passes through the call's own
// record (a StreamCall is the async iterator), which sees each chunk, notes the first one's time,
// and records the call once when the stream ends: finished, failed, or abandoned by the consumer
// (break, return(), an abort signal), the last as errorType 'cancelled' with the usage seen so far.
// Main thread.
//
// Per chunk: one reaction on the SDK's own next() (its step bound once per stream), nothing else
// allocated: no async function (an `async next()` cost ~470 bytes a chunk, an async generator
// more, a queue and a promise per chunk, ~3 µs a chunk when it was measured), and the chunk
// the caller gets is the SDK's object, unless the reader hides or copies it (openai.ts: the
// usage the wrapper asked for).
//
// The SDKs' stream objects stay the caller's: for the Stainless SDKs (OpenAI, Anthropic) the
// stream's own iterator factory is replaced in place by a shared function, so `for await`,
// `tee()`, `toReadableStream()` and `controller.abort()` keep working on the object the SDK made.

import { CallRecord } from './call.js';

const DONE: IteratorResult<never> = Object.freeze({ done: true, value: undefined }) as IteratorResult<never>;
const CALL = Symbol('ractogateway.call');

export class StreamCall extends CallRecord implements AsyncIterableIterator<unknown> {
  /** A Stainless stream call's parsed answer is the SDK's Stream: observed in place, recorded when it ends. */
  override answered<T>(data: T): T {
    if (this.recorded || typeof data !== 'object' || data === null) return data;
    return observeStainlessStream(data, this);
  }

  /** Starts observing `inner` and returns this as its iterator; a second iteration gets `inner` itself. */
  iterate(inner: AsyncIterator<unknown>): AsyncIterator<unknown> {
    if (this.inner !== undefined) return inner;
    this.inner = inner;
    return this;
  }

  /** The step a chunk takes, bound once per stream: no async function, one reaction a chunk. */
  private onChunk: ((r: IteratorResult<unknown>) => IteratorResult<unknown> | Promise<IteratorResult<unknown>>) | undefined = undefined;
  private onError: ((err: unknown) => never) | undefined = undefined;

  next(): Promise<IteratorResult<unknown>> {
    if (this.ended) return Promise.resolve(DONE);
    let pending: Promise<IteratorResult<unknown>>;
    try {
      pending = (this.inner as AsyncIterator<unknown>).next();
    } catch (err) {
      return Promise.reject(err).catch(this.onError ??= streamFailed.bind(this));
    }
    return pending.then(this.onChunk ??= chunkStep.bind(this), this.onError ??= streamFailed.bind(this));
  }

  /**
   * The consumer left early (break, return(), a throw in its loop body): a cancel, and the SDK's
   * own return() closes the connection.
   */
  return(value?: unknown): Promise<IteratorResult<unknown>> {
    if (!this.ended) {
      this.ended = true;
      this.cancel();
    }
    const inner = this.inner;
    return inner?.return === undefined ? Promise.resolve({ done: true, value }) : inner.return(value);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The SDK's iterator finished: recorded (a cancel when the stream's controller was aborted). */
  streamEnded(): void {
    // The Stainless streams end quietly when their controller is aborted: that is a cancel.
    if (this.signal?.aborted === true) return this.cancel();
    try {
      this.reader.end?.(this);
    } catch {
      // What the end says is optional; the call is still recorded.
    }
    if (this.failure === undefined) this.ok();
    else this.fail(this.failure);
  }
}

/**
 * One chunk the SDK's iterator gave (`this` is the stream's call): seen by the reader, its first
 * one's time noted, and passed on as the SDK made it (or the reader's copy); a chunk the reader
 * hides pulls the next one.
 */
function chunkStep(this: StreamCall, r: IteratorResult<unknown>): IteratorResult<unknown> | Promise<IteratorResult<unknown>> {
  if (this.ended) return r;
  if (r.done === true) {
    this.ended = true;
    this.streamEnded();
    return r;
  }
  if (this.firstChunk < 0) this.firstChunk = performance.now();
  let shown: unknown = r.value;
  try {
    shown = this.reader.chunk(this, r.value);
  } catch {
    // A chunk we cannot read is still the caller's; the span keeps what was read before.
  }
  if (shown === r.value) return r;
  if (shown !== undefined) return { done: false, value: shown };
  return this.next();
}

/** The SDK's iterator failed: the call fails (once), and the caller's loop gets the error. */
function streamFailed(this: StreamCall, err: unknown): never {
  if (!this.ended) {
    this.ended = true;
    this.fail(err);
  }
  throw err;
}

interface StainlessStream {
  controller?: AbortController;
  iterator?: Function;
  [CALL]?: StreamCall;
}

/**
 * Observes a Stainless `Stream` in place and returns it. Its first iteration is observed (the
 * SDK refuses a second one, and tee() draws on one): through its iterator factory when it has
 * one of its own, else through its Symbol.asyncIterator.
 */
export function observeStainlessStream<S extends object>(stream: S, call: StreamCall): S {
  const s = stream as S & StainlessStream;
  call.signal = s.controller?.signal;
  s[CALL] = call;
  if (typeof s.iterator === 'function' && Object.hasOwn(s, 'iterator')) {
    call.factory = s.iterator;
    s.iterator = observedIterator;
  } else {
    call.factory = (s as unknown as AsyncIterable<unknown>)[Symbol.asyncIterator];
    Object.defineProperty(s, Symbol.asyncIterator, { value: observedIterator, configurable: true, writable: true });
  }
  return stream;
}

/** The observed stream's iterator factory, shared by every stream (`this` is the stream). */
function observedIterator(this: StainlessStream): AsyncIterator<unknown> {
  const call = this[CALL] as StreamCall;
  return call.iterate((call.factory as Function).call(this));
}
