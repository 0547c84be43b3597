// Public API of `ractogateway/instrument`: wrappers that record every call of an official
// provider SDK client on a RactoTracer. Named exports only. The SDKs are optional peer
// dependencies: nothing here imports them.

export { instrumentOpenAI } from './openai.js';
export { instrumentAnthropic } from './anthropic.js';
export { instrumentGoogleGenAI } from './google.js';
export { CANCELLED } from './error-type.js';

export type { InstrumentOptions } from './options.js';
