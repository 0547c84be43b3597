// The wire capture's fallback for Node 20 and 22, whose bundled undici (6) publishes no body
// chunks on the diagnostics channels. Main thread. instrumentFetch installs it only there: it
// wraps globalThis.fetch, and for a call the channels recognised (undici:request:create runs
// synchronously inside fetch(), so the wrapper learns at once whether its call is an LLM call)
// it takes the request body from the call's init (a string or bytes; a stream body is not read)
// and reads a clone of the response's body (Response.clone() tees it) beside the caller, ending
// the exchange when that copy ends. A call that is not recognised costs the wrapper one function
// call and a compare. Requests made with another fetch (an undici the application installs, an
// SDK's own) are not seen by it; an undici >= 7.15 publishes their chunks itself.

/** What the wrapper hands the capture for the call in progress, and gets back from it. */
export interface FallbackHooks {
  /** Set by the capture's create handler, while the wrapped fetch() runs, when it recognised the call. */
  pending: FallbackExchange | undefined;
}

/** The part of an exchange the fallback fills. */
export interface FallbackExchange {
  addRequest(chunk: Uint8Array): void;
  addResponse(chunk: Uint8Array): void;
  /** The copy of the body ended (or failed: errorType); the exchange is recorded once. */
  finish(errorType: string | undefined): void;
  /** The wrapper took the exchange: its end is the copy's, not the channel's. */
  taken(): void;
}

const encoder = new TextEncoder();

/** 'cancelled' for an abort, else the error's (or its cause's) code, else its class. */
function errorTypeOf(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown; cause?: { code?: unknown }; constructor?: { name?: unknown } } | null;
  if (e?.name === 'AbortError') return 'cancelled';
  const code = e?.cause?.code ?? e?.code;
  if (typeof code === 'string' && code.length > 0) return code;
  return typeof e?.constructor?.name === 'string' ? e.constructor.name : 'Error';
}

/** Wraps globalThis.fetch; returns the function that puts the original back. */
export function installFetchFallback(hooks: FallbackHooks): () => void {
  const original = globalThis.fetch;
  if (typeof original !== 'function') return () => undefined;
  const wrapped = function fetch(this: unknown, input: Parameters<typeof original>[0], init?: Parameters<typeof original>[1]): Promise<Response> {
    hooks.pending = undefined;
    const promise = original.call(this, input, init);
    const x = hooks.pending as FallbackExchange | undefined;
    if (x === undefined) return promise;
    hooks.pending = undefined;
    x.taken();
    const body = init?.body;
    if (typeof body === 'string') x.addRequest(encoder.encode(body));
    else if (body instanceof Uint8Array) x.addRequest(body);
    else if (body instanceof ArrayBuffer) x.addRequest(new Uint8Array(body));
    return promise.then((response) => {
      copyBody(response, x);
      return response;
    }, (err: unknown) => {
      // Failed before an answer: the channel's error event has recorded it, or this does.
      x.finish(errorTypeOf(err));
      throw err;
    });
  };
  globalThis.fetch = wrapped as typeof fetch;
  return () => {
    if (globalThis.fetch === wrapped) globalThis.fetch = original;
  };
}

/** Reads a clone of `response`'s body into `x` beside the caller's reading of the original. */
function copyBody(response: Response, x: FallbackExchange): void {
  let copy: Response;
  try {
    copy = response.clone();
  } catch {
    x.finish(undefined);
    return;
  }
  const reader = copy.body?.getReader();
  if (reader === undefined) {
    x.finish(undefined);
    return;
  }
  const pump = (): void => {
    reader.read().then(({ done, value }) => {
      if (done) return x.finish(undefined);
      if (value !== undefined) x.addResponse(value);
      pump();
    }, (err: unknown) => x.finish(errorTypeOf(err)));
  };
  pump();
}
