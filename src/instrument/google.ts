// instrumentGoogleGenAI: records the calls of a `@google/genai` client instance:
// models.generateContent, models.generateContentStream and models.embedContent. Main thread;
// the SDK is never imported. Its methods are own arrow-function properties of `client.models`,
// replaced there by wrappers; its streams are plain async generators, handed back wrapped.

import type { RactoTracer } from '../index.js';
import { CallRecord } from './call.js';
import { checkClient, checkTracer, clientContext, resolveInstrumentOptions, type InstrumentOptions } from './options.js';
import { GenerateStreamContent, generateRequest, generateResponse } from './google-content.js';
import { observeStream, type StreamObserver } from './stream.js';
import { count, emptyUsage, type Usage } from './usage.js';
import { wrapMethod } from './wrap.js';

/** Wraps `client` in place (and returns it): each call is recorded on `tracer` when it ends. */
export function instrumentGoogleGenAI<C extends object>(client: C, tracer: RactoTracer, options?: InstrumentOptions): C {
  checkClient(client, 'a GoogleGenAI client instance (new GoogleGenAI())', (c) => typeof c.models?.generateContent === 'function');
  checkTracer(tracer);
  const opts = { ...resolveInstrumentOptions(options, 'google'), ...clientContext(tracer, baseUrlOf(client)) };
  const models = (client as unknown as { models: object }).models;
  wrapMethod(models, 'generateContent', (generate) => async (params: any) => {
    const call = new CallRecord(tracer, opts, 'chat', params?.model, params);
    call.captureRequest(generateRequest, params);
    let response: any;
    try {
      response = await generate(params);
    } catch (err) {
      call.fail(err, undefined, aborted(params));
      throw err;
    }
    call.answeredBy(response?.modelVersion);
    const u = emptyUsage();
    readUsage(u, response?.usageMetadata);
    u.toolCalls = functionCalls(response);
    call.respond(generateResponse, response);
    call.ok(u);
    return response;
  });
  wrapMethod(models, 'generateContentStream', (generate) => async (params: any) => {
    const call = new CallRecord(tracer, opts, 'stream', params?.model, params);
    call.captureRequest(generateRequest, params);
    let stream: AsyncGenerator<any>;
    try {
      stream = await generate(params);
    } catch (err) {
      call.fail(err, undefined, aborted(params));
      throw err;
    }
    return observeStream(stream, call, chunkObserver(call), () => aborted(params));
  });
  wrapMethod(models, 'embedContent', (embed) => async (params: any) => {
    const call = new CallRecord(tracer, opts, 'embed', params?.model, params);
    let response: any;
    try {
      response = await embed(params);
    } catch (err) {
      call.fail(err, undefined, aborted(params));
      throw err;
    }
    // The Gemini API reports no tokens for embeddings; Vertex AI reports them per embedding.
    const u = emptyUsage();
    for (const e of Array.isArray(response?.embeddings) ? response.embeddings : []) u.input += count(e?.statistics?.tokenCount);
    call.ok(u);
    return response;
  });
  return client;
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

function aborted(params: any): boolean {
  return params?.config?.abortSignal?.aborted === true;
}

/**
 * Gemini's usageMetadata: promptTokenCount includes the cached tokens; candidatesTokenCount
 * excludes the thinking tokens (thoughtsTokenCount), which the README's convention counts as
 * part of the output.
 */
function readUsage(u: Usage, m: any): void {
  if (m == null) return;
  u.input = count(m.promptTokenCount);
  u.cached = count(m.cachedContentTokenCount);
  u.reasoning = count(m.thoughtsTokenCount);
  u.output = count(m.candidatesTokenCount) + u.reasoning;
}

function functionCalls(response: any): number {
  let n = 0;
  for (const candidate of Array.isArray(response?.candidates) ? response.candidates : []) {
    for (const part of Array.isArray(candidate?.content?.parts) ? candidate.content.parts : []) if (part?.functionCall != null) n++;
  }
  return n;
}

function chunkObserver(call: CallRecord): StreamObserver<any> {
  const u = emptyUsage();
  let tools = 0;
  const content = new GenerateStreamContent(call.capture);
  return {
    chunk(chunk) {
      call.answeredBy(chunk?.modelVersion);
      content.chunk(chunk);
      // Each chunk carries the usage so far; the last one the totals.
      readUsage(u, chunk?.usageMetadata);
      tools += functionCalls(chunk);
      return true;
    },
    usage: () => ({ ...u, toolCalls: tools }),
    end: () => call.respond(() => content.result(), undefined),
  };
}
