// What every provider's stream shares: the caller's iteration passes through one async
// iterator that sees each chunk, notes the first one's time, and records the call once when
// the stream ends: finished, failed, or abandoned by the consumer (break, return(), an abort
// signal), the last as errorType 'cancelled' with the usage seen so far. Main thread.
//
// The SDKs' stream objects stay the caller's: for the Stainless SDKs (OpenAI, Anthropic) the
// stream's own iterator factory is wrapped in place, so `for await`, `tee()`,
// `toReadableStream()` and `controller.abort()` keep working on the object the SDK made.

import type { CallRecord } from './call.js';
import type { Usage } from './usage.js';

export interface StreamObserver<T> {
  /** Sees a chunk; returns false to keep it from the caller (a chunk we asked for ourselves). */
  chunk(item: T): boolean;
  /** The usage seen so far. */
  usage(): Usage;
  /** A failure the stream itself reported (an error event), or undefined when it ended well. */
  failure?(): unknown;
  /** The stream ended (finished, failed or abandoned): hands what it saw to the call, before it is recorded. */
  end?(): void;
}

/**
 * An async iterator that passes on what `inner` yields (minus the chunks the observer hides) and
 * records `call` once. Written by hand rather than as an async generator: a generator adds a
 * queue and a promise per chunk, about 3 µs a chunk here (bench/instrument-cost.mjs).
 */
export function observeStream<T>(
  inner: AsyncIterator<T>,
  call: CallRecord,
  observer: StreamObserver<T>,
  aborted: () => boolean,
): AsyncIterableIterator<T> {
  let ended = false;
  const DONE: IteratorResult<T> = { done: true, value: undefined };
  const onResult = (r: IteratorResult<T>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    if (ended) return r;
    if (r.done === true) {
      ended = true;
      observer.end?.();
      // The Stainless streams end quietly when their controller is aborted: that is a cancel.
      if (aborted()) call.cancel(observer.usage());
      else {
        const failure = observer.failure?.();
        if (failure === undefined) call.ok(observer.usage());
        else call.fail(failure, observer.usage());
      }
      return r;
    }
    if (call.firstChunk < 0) call.firstChunk = performance.now();
    let show = true;
    try {
      show = observer.chunk(r.value);
    } catch {
      // A chunk we cannot read is still the caller's; the span keeps what was read before.
    }
    return show ? r : next();
  };
  const onError = (err: unknown): never => {
    if (!ended) {
      ended = true;
      observer.end?.();
      call.fail(err, observer.usage(), aborted());
    }
    throw err;
  };
  const next = (): Promise<IteratorResult<T>> => (ended ? Promise.resolve(DONE) : inner.next().then(onResult, onError));
  return {
    next,
    // The consumer left early (break, return(), a throw in its loop body): a cancel, and the
    // SDK's own return() closes the connection.
    return(value?: unknown): Promise<IteratorResult<T>> {
      if (!ended) {
        ended = true;
        observer.end?.();
        call.cancel(observer.usage());
      }
      return inner.return === undefined ? Promise.resolve({ done: true, value: value as T }) : inner.return(value);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

interface StainlessStream<T> {
  controller?: AbortController;
  iterator?: () => AsyncIterator<T>;
  [Symbol.asyncIterator](): AsyncIterator<T>;
}

/**
 * Observes a Stainless `Stream` in place and returns it. Its first iteration is observed (the
 * SDK refuses a second one, and tee() draws on one): through its iterator factory when it has
 * one, else through its Symbol.asyncIterator.
 */
export function observeStainlessStream<T>(stream: StainlessStream<T>, call: CallRecord, observer: StreamObserver<T>): StainlessStream<T> {
  const signal = stream.controller?.signal;
  const aborted = (): boolean => signal?.aborted === true;
  let first = true;
  const wrap = (make: () => AsyncIterator<T>) => (): AsyncIterator<T> => {
    if (!first) return make();
    first = false;
    return observeStream(make(), call, observer, aborted);
  };
  const factory = stream.iterator;
  if (typeof factory === 'function' && Object.hasOwn(stream, 'iterator')) {
    stream.iterator = wrap(factory.bind(stream));
  } else {
    const own = stream[Symbol.asyncIterator].bind(stream);
    Object.defineProperty(stream, Symbol.asyncIterator, { value: wrap(own), configurable: true, writable: true });
  }
  return stream;
}
