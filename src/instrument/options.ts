// Options of the provider-client wrappers (instrumentOpenAI / instrumentAnthropic /
// instrumentGoogleGenAI). Main thread; checked once, when a client is instrumented.

import { invalidType, invalidRange } from '../errors.js';
import type { CaptureCategories, RactoTracer } from '../index.js';
import { capturesAny, NO_CAPTURE, serverOf } from './content.js';

export interface InstrumentOptions {
  /**
   * Attributes for the call's span, from the request body the caller passed (e.g. the tenant);
   * keys must be among the tracer's attributeKeys. Runs once per call, when the call starts.
   */
  attributes?: (request: any) => Readonly<Record<string, string>> | undefined;
  /** The span's provider; default 'openai', 'anthropic' or 'google' ('azure' for an Azure OpenAI client). */
  provider?: string;
  /**
   * OpenAI streams: ask for usage (`stream_options.include_usage`) when the caller did not, and
   * keep the answer out of their loop; default true. false leaves the request as the caller made
   * it (for servers that refuse the option): such streams are recorded with the tokens the stream
   * reports, that is none.
   */
  streamUsage?: boolean;
}

export interface ResolvedInstrumentOptions {
  attributes: ((request: any) => Readonly<Record<string, string>> | undefined) | undefined;
  provider: string;
  streamUsage: boolean;
  /** The content categories the tracer records (tracer.contentCapture), read once per client. */
  capture: Readonly<CaptureCategories>;
  /** server.address and server.port of the client's base URL. */
  server: { address: string; port: number } | undefined;
}

/** The tracer's content capture and the client's server, for every call of one client (content.ts). */
export function clientContext(tracer: RactoTracer, baseURL: unknown): Pick<ResolvedInstrumentOptions, 'capture' | 'server'> {
  // A tracer-like object without contentCapture (a test double, an older tracer) records none;
  // one that records none is NO_CAPTURE itself, which its calls then compare with.
  const capture = (tracer as { contentCapture?: Readonly<CaptureCategories> }).contentCapture;
  return { capture: capture === undefined || !capturesAny(capture) ? NO_CAPTURE : capture, server: serverOf(baseURL) };
}

export function resolveInstrumentOptions(options: unknown, defaultProvider: string): ResolvedInstrumentOptions {
  if (options === undefined) return { attributes: undefined, provider: defaultProvider, streamUsage: true, capture: NO_CAPTURE, server: undefined };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidType('options', 'an object', options, 'RACTO_ERR_INVALID_OPTION');
  }
  const { attributes, provider, streamUsage } = options as Record<string, unknown>;
  if (attributes !== undefined && typeof attributes !== 'function') {
    throw invalidType('options.attributes', 'a function (request) => attributes', attributes, 'RACTO_ERR_INVALID_OPTION');
  }
  if (provider !== undefined) {
    if (typeof provider !== 'string') throw invalidType('options.provider', 'a non-empty string', provider, 'RACTO_ERR_INVALID_OPTION');
    if (provider.length === 0 || provider.length > 256) {
      throw invalidRange('options.provider', 'a string of 1 to 256 characters', provider, 'RACTO_ERR_INVALID_OPTION');
    }
  }
  if (streamUsage !== undefined && typeof streamUsage !== 'boolean') {
    throw invalidType('options.streamUsage', 'a boolean', streamUsage, 'RACTO_ERR_INVALID_OPTION');
  }
  return {
    attributes: attributes as ResolvedInstrumentOptions['attributes'],
    provider: (provider as string | undefined) ?? defaultProvider,
    streamUsage: (streamUsage as boolean | undefined) ?? true,
    capture: NO_CAPTURE,
    server: undefined,
  };
}

/** The `client` argument: an SDK client instance (an object whose resources we wrap). */
export function checkClient(client: unknown, what: string, has: (c: any) => boolean): void {
  if (typeof client !== 'object' || client === null || !has(client)) {
    throw invalidType('client', what, client);
  }
}

export function checkTracer(tracer: unknown): void {
  if (typeof tracer !== 'object' || tracer === null || typeof (tracer as { recordChatSpan?: unknown }).recordChatSpan !== 'function') {
    throw invalidType('tracer', 'a RactoTracer', tracer);
  }
}
