// instrumentGoogleGenAI: records the calls of a `@google/genai` client instance:
// models.generateContent, models.generateContentStream and models.embedContent. Main thread;
// the SDK is never imported. Its methods are own arrow-function properties of `client.models`,
// replaced there by wrappers; its streams are plain async generators, handed back observed (the
// call's StreamCall is the iterator the caller's loop pulls through).

import { markRequests } from './fetch-marker.js';
import type { RactoTracer } from '../index.js';
import { functionCalls, generateUsage } from '../providers/google.js';
import { callOf, CallRecord, type AnswerReader } from './call.js';
import { GenerateStreamAnswer, generateAnswer, generateRequest } from './google-content.js';
import { checkClient, checkTracer, clientContext, resolveInstrumentOptions, type InstrumentOptions } from './options.js';
import { StreamCall } from './stream.js';
import { arrayOr, count } from './usage.js';
import { wrapMethod } from './wrap.js';

/** Wraps `client` in place (and returns it): each call is recorded on `tracer` when it ends. */
export function instrumentGoogleGenAI<C extends object>(client: C, tracer: RactoTracer, options?: InstrumentOptions): C {
  checkClient(client, 'a GoogleGenAI client instance (new GoogleGenAI())', (c) => typeof c.models?.generateContent === 'function');
  checkTracer(tracer);
  const opts = { ...resolveInstrumentOptions(options, 'google'), ...clientContext(tracer, baseUrlOf(client)) };
  const models = (client as unknown as { models: object }).models;
  // One call, one span: the wire capture leaves this client's requests to the wrapper.
  markRequests((client as { apiClient?: unknown }).apiClient, 'apiCall');
  wrapMethod(models, 'generateContent', (generate) => async (params: any) => {
    const call = callOf(CallRecord, tracer, opts, 'chat', CONTENT, params);
    let response: unknown;
    try {
      response = await generate(params);
    } catch (err) {
      throw failed(call, err, params);
    }
    return call.answered(response);
  });
  wrapMethod(models, 'generateContentStream', (generate) => async (params: any) => {
    const call = callOf(StreamCall, tracer, opts, 'stream', CONTENT, params);
    let stream: AsyncIterator<unknown>;
    try {
      stream = await generate(params);
    } catch (err) {
      throw failed(call, err, params);
    }
    call.signal = abortSignal(params);
    return call.iterate(stream);
  });
  wrapMethod(models, 'embedContent', (embed) => async (params: any) => {
    const call = callOf(CallRecord, tracer, opts, 'embed', EMBED, params);
    let response: unknown;
    try {
      response = await embed(params);
    } catch (err) {
      throw failed(call, err, params);
    }
    return call.answered(response);
  });
  return client;
}

/** Records a failed call (cancelled when the caller's signal aborted) and returns the error, untouched. */
function failed(call: CallRecord, err: unknown, params: any): unknown {
  call.signal = abortSignal(params);
  call.fail(err);
  return err;
}

/** The client's base URL (the SDK keeps it on its API client), else the public endpoint it defaults to. */
function baseUrlOf(client: any): unknown {
  try {
    const url = client?.apiClient?.getBaseUrl?.();
    if (typeof url === 'string') return url;
  } catch {
    // An SDK without this method: the defaults below.
  }
  return client?.vertexai === true ? 'https://aiplatform.googleapis.com/' : 'https://generativelanguage.googleapis.com/';
}

function abortSignal(params: any): AbortSignal | undefined {
  return params?.config?.abortSignal;
}

const CONTENT: AnswerReader = {
  request: generateRequest,
  answer(call, response) {
    call.answeredBy(response?.modelVersion);
    generateUsage(call, response?.usageMetadata);
    call.toolCalls = functionCalls(response);
    generateAnswer(call, response);
  },
  chunk(call, chunk) {
    call.answeredBy(chunk?.modelVersion);
    ((call.answer ??= new GenerateStreamAnswer(call.capture.output)) as GenerateStreamAnswer).chunk(chunk);
    // Each chunk carries the usage so far; the last one the totals.
    generateUsage(call, chunk?.usageMetadata);
    call.toolCalls += functionCalls(chunk);
    return chunk;
  },
};

// The Gemini API reports no tokens for embeddings; Vertex AI reports them per embedding.
const EMBED: AnswerReader = {
  answer(call, response) {
    let input = 0;
    for (const e of arrayOr(response?.embeddings)) input += count(e?.statistics?.tokenCount);
    call.inputTokens = input;
  },
  chunk: (_call, chunk) => chunk,
};
