// Shared by the AI SDK tests: the built integration (what ships), the real AI SDK providers
// pointed at a fake provider on 127.0.0.1, and an in-memory tracer with its integration.
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { Telemetry } from 'ai';
import { RactoTracer } from '../../pkg.js';
import type { FakeProvider } from '../../instrument/fakes/server.js';
import { aiSdkTelemetry, type AiSdkTelemetryOptions } from '../../../dist/ai-sdk/index.js';

export { aiSdkTelemetry };
export { onlySpan, spansOf } from '../../instrument/helpers.js';

// The AI SDK's deprecation notices (generateObject) and its default stream error logger would
// only add noise to the test output.
globalThis.AI_SDK_LOG_WARNINGS = false;

export function providers(server: FakeProvider, name = 'lmstudio') {
  return {
    openai: createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'k' }),
    anthropic: createAnthropic({ baseURL: `${server.url}/v1`, apiKey: 'k' }),
    compatible: createOpenAICompatible({ name, baseURL: `${server.url}/v1`, apiKey: 'k', includeUsage: true }),
  };
}

export interface Recorded {
  tracer: RactoTracer;
  /** For a call's `telemetry` option: this test's integration only (none registered globally). */
  telemetry: { integrations: Telemetry[] };
}

export function recorded(options?: AiSdkTelemetryOptions, attributeKeys: string[] = []): Recorded {
  const tracer = new RactoTracer({ inMemory: true, attributeKeys, clock: 'precise' });
  return { tracer, telemetry: { integrations: [aiSdkTelemetry(tracer, options)] } };
}

/** Resolves after `ms` milliseconds (the AI SDK reports some events a tick after the caller sees the outcome). */
export const settle = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms));
