// Public API of `ractogateway/ai-sdk`: a telemetry integration for the Vercel AI SDK 7
// (`registerTelemetry(aiSdkTelemetry(tracer))`). Named exports only. `ai` is an optional peer
// dependency: nothing here imports it.

export { aiSdkTelemetry } from './telemetry.js';
export { AI_SDK_DEFAULTS } from './options.js';

export type { AiSdkTelemetry } from './telemetry.js';
export type { AiSdkTelemetryOptions } from './options.js';
export type { AiSdkOperationStart } from './events.js';
