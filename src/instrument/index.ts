// Public API of `ractogateway/instrument`: wrappers that record every call of an official
// provider SDK client on a RactoTracer, and the wire capture of fetch (instrumentFetch). Named exports only. The SDKs are optional peer
// dependencies: nothing here imports them.

export { instrumentOpenAI } from './openai.js';
export { instrumentAnthropic } from './anthropic.js';
export { instrumentGoogleGenAI } from './google.js';
export { CANCELLED } from './error-type.js';
export { instrumentFetch } from './fetch.js';
export { KNOWN_HOSTS, KNOWN_HOST_SUFFIXES, DEFAULT_PROVIDER_BY_FORMAT } from './fetch-hosts.js';
export { FETCH_CAPTURE_DEFAULTS } from './fetch-options.js';

export type { InstrumentOptions } from './options.js';
export type { FetchCaptureOptions } from './fetch-options.js';
