// The span's provider from the AI SDK's provider id ('openai.chat', 'anthropic.messages',
// 'google.generative-ai', 'google.vertex.chat', 'amazon-bedrock', 'mistral.chat', 'lmstudio.chat'
// for createOpenAICompatible({ name: 'lmstudio' }), …): the user's mapping first, else the id's
// provider family. Names are resolved once per distinct id. Main thread.

import { diag } from '@opentelemetry/api';

export type ProviderOption = Readonly<Record<string, string>> | ((providerId: string) => string | undefined);

/** Ids whose first segment is not their provider family. */
const FAMILIES: ReadonlyArray<readonly [prefix: string, name: string]> = [
  ['google.vertex', 'vertex'],
  ['google-vertex', 'vertex'],
  ['amazon-bedrock', 'bedrock'],
];

/**
 * The default rule: 'openai.responses' -> 'openai', 'anthropic.messages' -> 'anthropic',
 * 'google.generative-ai' -> 'google', 'google.vertex.chat' and 'vertex.anthropic.messages' ->
 * 'vertex', 'amazon-bedrock' -> 'bedrock', 'mistral.embedding' -> 'mistral', 'gateway' -> 'gateway'.
 * These are the names the pricing and the GenAI attributes know (gen_ai.provider.name 'openai',
 * 'gcp.gemini', 'gcp.vertex_ai', 'aws.bedrock', 'mistral_ai', …).
 */
export function providerFamily(id: string): string {
  const lower = id.toLowerCase();
  for (const [prefix, name] of FAMILIES) {
    if (lower === prefix || lower.startsWith(`${prefix}.`) || lower.startsWith(`${prefix}-`)) return name;
  }
  const dot = lower.indexOf('.');
  return dot <= 0 ? lower : lower.slice(0, dot);
}

const MAX_NAMES = 256;
const MAX_LENGTH = 256;

export class ProviderNames {
  private readonly names = new Map<string, string>();
  private readonly option: ProviderOption | undefined;

  constructor(option: ProviderOption | undefined) {
    this.option = option;
  }

  /** The span's provider for the AI SDK's id `id`. */
  of(id: unknown): string {
    const key = typeof id === 'string' && id.length !== 0 ? id : 'unknown';
    let name = this.names.get(key);
    if (name !== undefined) return name;
    name = this.resolve(key);
    // A bounded memo: ids come from the provider objects of the application, a handful.
    if (this.names.size < MAX_NAMES) this.names.set(key, name);
    return name;
  }

  private resolve(id: string): string {
    const option = this.option;
    let mapped: unknown;
    if (typeof option === 'function') {
      try {
        mapped = option(id);
      } catch (err) {
        diag.warn(`ractogateway/ai-sdk: options.provider threw for "${id}", the default name is used: ${(err as Error)?.message ?? String(err)}`);
      }
    } else if (option !== undefined) {
      mapped = Object.hasOwn(option, id) ? option[id] : Object.hasOwn(option, head(id)) ? option[head(id)] : undefined;
    }
    if (typeof mapped === 'string' && mapped.length !== 0) return mapped.slice(0, MAX_LENGTH);
    return providerFamily(id).slice(0, MAX_LENGTH);
  }
}

function head(id: string): string {
  const dot = id.indexOf('.');
  return dot < 0 ? id : id.slice(0, dot);
}
