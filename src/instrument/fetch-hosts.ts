// How the wire capture recognises an LLM call: the wire format by method and path, the provider
// by host. Main thread; runs on `undici:request:create` for every request of the process, so the
// path test is a few string comparisons and the host lookup is cached per origin.

import type { WireFormat } from '../index.js';

/** Known hosts and their provider names (server.address → gen_ai.provider.name); README "Formats and hosts". */
export const KNOWN_HOSTS: Readonly<Record<string, string>> = Object.freeze({
  'api.openai.com': 'openai',
  'api.anthropic.com': 'anthropic',
  'generativelanguage.googleapis.com': 'google',
  'aiplatform.googleapis.com': 'google',
  'api.groq.com': 'groq',
  'api.mistral.ai': 'mistral',
  'api.deepseek.com': 'deepseek',
  'api.x.ai': 'xai',
  'openrouter.ai': 'openrouter',
  'api.together.xyz': 'together',
  'api.together.ai': 'together',
  'api.fireworks.ai': 'fireworks',
  'api.perplexity.ai': 'perplexity',
  'api.cerebras.ai': 'cerebras',
});

/** Host suffixes and their providers: Azure OpenAI resources, Vertex AI's regional endpoints. */
export const KNOWN_HOST_SUFFIXES: ReadonlyArray<readonly [suffix: string, provider: string]> = Object.freeze([
  ['.openai.azure.com', 'azure'],
  ['.services.ai.azure.com', 'azure'],
  ['-aiplatform.googleapis.com', 'google'],
] as const);

/** The provider of a host no table names, by its wire format (README: vLLM, Ollama, a gateway, …). */
export const DEFAULT_PROVIDER_BY_FORMAT: Readonly<Record<WireFormat, string>> = Object.freeze({
  'openai.chat': 'openai',
  'openai.responses': 'openai',
  'openai.embeddings': 'openai',
  'anthropic.messages': 'anthropic',
  'google.generate': 'google',
  'google.embed': 'google',
  'google.batchEmbed': 'google',
});

/** The wire format of a POST to `path` (query included or not), or undefined: not an LLM call. */
export function formatOfPath(path: string): WireFormat | undefined {
  const q = path.indexOf('?');
  const p = q < 0 ? path : path.slice(0, q);
  const last = p.charCodeAt(p.length - 1);
  // The last character sorts the candidates: 's' …/completions, …/responses, …/embeddings,
  // …/messages, …:batchEmbedContents; 't' …:generateContent, …:streamGenerateContent, …:embedContent.
  if (last === 115) {
    if (p.endsWith('/chat/completions')) return 'openai.chat';
    if (p.endsWith('/responses')) return 'openai.responses';
    if (p.endsWith('/embeddings')) return 'openai.embeddings';
    if (p.endsWith('/v1/messages')) return 'anthropic.messages';
    if (p.endsWith(':batchEmbedContents')) return 'google.batchEmbed';
    return undefined;
  }
  if (last === 116) {
    if (p.endsWith(':generateContent') || p.endsWith(':streamGenerateContent')) return 'google.generate';
    if (p.endsWith(':embedContent')) return 'google.embed';
  }
  return undefined;
}

/** A request's origin as the capture keeps it. */
export interface Origin {
  /** The provider by host (KNOWN_HOSTS, suffixes, the user's map), or undefined: by format. */
  provider: string | undefined;
  host: string;
  port: number;
}

/** The provider of `host` from the user's map (exact or '*.suffix' keys), then the known tables. */
export function providerOfHost(host: string, user: ReadonlyMap<string, string>): string | undefined {
  const mapped = user.get(host);
  if (mapped !== undefined) return mapped;
  for (const [key, provider] of user) if (key.startsWith('*.') && host.endsWith(key.slice(1))) return provider;
  const known = KNOWN_HOSTS[host];
  if (known !== undefined) return known;
  for (const [suffix, provider] of KNOWN_HOST_SUFFIXES) if (host.endsWith(suffix)) return provider;
  return undefined;
}

/** Host and port of an origin ('https://api.openai.com', 'http://127.0.0.1:8080', or a URL). */
export function parseOrigin(origin: unknown): { host: string; port: number } | undefined {
  const s = typeof origin === 'string' ? origin : origin instanceof URL ? origin.origin : undefined;
  if (s === undefined) return undefined;
  const scheme = s.indexOf('://');
  if (scheme < 0) return undefined;
  const rest = s.slice(scheme + 3);
  const https = s.startsWith('https');
  let host = rest;
  let port = https ? 443 : 80;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    host = rest.slice(1, close);
    const colon = rest.indexOf(':', close);
    if (colon > 0) port = Number(rest.slice(colon + 1));
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon > 0) {
      host = rest.slice(0, colon);
      port = Number(rest.slice(colon + 1));
    }
  }
  const slash = host.indexOf('/');
  if (slash >= 0) host = host.slice(0, slash);
  return { host: host.toLowerCase(), port: Number.isInteger(port) ? port : https ? 443 : 80 };
}
