// Options of aiSdkTelemetry(). Main thread; checked once, when the integration is made.

import { invalidRange, invalidType } from '../errors.js';
import type { AiSdkOperationStart } from './events.js';
import type { ProviderOption } from './provider.js';

export interface AiSdkTelemetryOptions {
  /**
   * The span's provider, from the AI SDK's provider id: a map whose keys are ids ('lmstudio.chat')
   * or their first segment ('lmstudio'), or a function of the id; an id it does not name, or
   * for which it returns undefined, gets the default rule ('openai.chat' -> 'openai', …).
   */
  provider?: ProviderOption;
  /**
   * Attributes for the operation's spans (keys among the tracer's attributeKeys), from its
   * onStart event (functionId, provider, modelId, and the keys of runtimeContext that the call's
   * telemetry.includeRuntimeContext names: the AI SDK hides the others). Runs once per operation.
   */
  attributes?: (event: AiSdkOperationStart) => Readonly<Record<string, string>> | undefined;
  /**
   * Model calls followed in flight at once (default 10,000), and operations remembered between
   * their calls (as many). A stream its consumer abandons without its abortSignal is reported to no
   * integration by the AI SDK: past this bound the oldest call in flight is recorded as
   * 'cancelled' and let go.
   */
  maxOpenCalls?: number;
}

export interface ResolvedAiSdkOptions {
  provider: ProviderOption | undefined;
  attributes: AiSdkTelemetryOptions['attributes'];
  maxOpenCalls: number;
}

export const AI_SDK_DEFAULTS = Object.freeze({ maxOpenCalls: 10_000 });

const KNOWN = new Set(['provider', 'attributes', 'maxOpenCalls']);
const MAX_OPEN_CALLS = 1_000_000;
const OPTION = 'RACTO_ERR_INVALID_OPTION';

export function resolveAiSdkOptions(options: unknown): ResolvedAiSdkOptions {
  if (options === undefined) return { provider: undefined, attributes: undefined, maxOpenCalls: AI_SDK_DEFAULTS.maxOpenCalls };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalidType('options', 'an object', options, OPTION);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw invalidType(`options.${key}`, 'a known option (provider, attributes, maxOpenCalls)', o[key], OPTION);
  }
  const { provider, attributes, maxOpenCalls } = o;
  if (attributes !== undefined && typeof attributes !== 'function') {
    throw invalidType('options.attributes', 'a function (event) => attributes', attributes, OPTION);
  }
  if (maxOpenCalls !== undefined) {
    if (typeof maxOpenCalls !== 'number') throw invalidType('options.maxOpenCalls', 'an integer', maxOpenCalls, OPTION);
    if (!Number.isInteger(maxOpenCalls) || maxOpenCalls < 1 || maxOpenCalls > MAX_OPEN_CALLS) {
      throw invalidRange('options.maxOpenCalls', `an integer between 1 and ${MAX_OPEN_CALLS}`, maxOpenCalls, OPTION);
    }
  }
  return {
    provider: providerOption(provider),
    attributes: attributes as ResolvedAiSdkOptions['attributes'],
    maxOpenCalls: (maxOpenCalls as number | undefined) ?? AI_SDK_DEFAULTS.maxOpenCalls,
  };
}

function providerOption(v: unknown): ProviderOption | undefined {
  if (v === undefined || typeof v === 'function') return v as ProviderOption | undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw invalidType('options.provider', 'a map of AI SDK provider ids to names, or a function (providerId) => name', v, OPTION);
  }
  const map: Record<string, string> = {};
  for (const [id, name] of Object.entries(v)) {
    if (typeof name !== 'string') throw invalidType(`options.provider["${id}"]`, 'a string', name, OPTION);
    if (name.length === 0 || name.length > 256) throw invalidRange(`options.provider["${id}"]`, 'a string of 1 to 256 characters', name, OPTION);
    map[id] = name;
  }
  return Object.freeze(map);
}
