// Options of instrumentFetch (the wire capture). Main thread; checked once, when it starts.

import { invalidRange, invalidType } from '../errors.js';

export interface FetchCaptureOptions {
  /**
   * Provider names by host, for hosts the built-in table does not know (or to rename one): exact
   * host names, or '*.example.com' for every subdomain. A host in neither gets the provider of its
   * wire format ('openai', 'anthropic' or 'google').
   */
  providers?: Readonly<Record<string, string>>;
  /** Bytes of a request body copied for the workers to parse; past it the body is cut (default 262,144). */
  maxRequestBytes?: number;
  /** Bytes of a response body copied for the workers to parse; past it the body is cut (default 1,048,576). */
  maxResponseBytes?: number;
  /**
   * Node 20 and 22 only (no body chunks on the channels): wrap globalThis.fetch to copy the bodies
   * of its LLM calls (fetch-fallback.ts). Default true; false records those calls without bytes.
   */
  fallback?: boolean;
}

export interface ResolvedFetchCaptureOptions {
  providers: ReadonlyMap<string, string>;
  maxRequestBytes: number;
  maxResponseBytes: number;
  fallback: boolean;
}

export const FETCH_CAPTURE_DEFAULTS = Object.freeze({
  maxRequestBytes: 256 * 1024,
  maxResponseBytes: 1024 * 1024,
});

const MAX_BYTES = 64 * 1024 * 1024;

export function resolveFetchCaptureOptions(options: unknown): ResolvedFetchCaptureOptions {
  if (options === undefined) return { providers: new Map(), ...FETCH_CAPTURE_DEFAULTS, fallback: true };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidType('options', 'an object', options, 'RACTO_ERR_INVALID_OPTION');
  }
  const o = options as Record<string, unknown>;
  const providers = new Map<string, string>();
  if (o.providers !== undefined) {
    if (typeof o.providers !== 'object' || o.providers === null || Array.isArray(o.providers)) {
      throw invalidType('options.providers', 'an object of provider names by host', o.providers, 'RACTO_ERR_INVALID_OPTION');
    }
    for (const [host, provider] of Object.entries(o.providers)) {
      if (typeof provider !== 'string' || provider.length === 0) {
        throw invalidType(`options.providers[${JSON.stringify(host)}]`, 'a non-empty provider name', provider, 'RACTO_ERR_INVALID_OPTION');
      }
      providers.set(host.toLowerCase(), provider);
    }
  }
  return {
    providers,
    maxRequestBytes: bytes(o.maxRequestBytes, 'maxRequestBytes', FETCH_CAPTURE_DEFAULTS.maxRequestBytes),
    maxResponseBytes: bytes(o.maxResponseBytes, 'maxResponseBytes', FETCH_CAPTURE_DEFAULTS.maxResponseBytes),
    fallback: o.fallback === undefined ? true : flag(o.fallback, 'fallback'),
  };
}

function flag(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalidType(`options.${name}`, 'true or false', value, 'RACTO_ERR_INVALID_OPTION');
  return value;
}

function bytes(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidType(`options.${name}`, 'a number of bytes', value, 'RACTO_ERR_INVALID_OPTION');
  if (!Number.isInteger(value) || value < 0 || value > MAX_BYTES) {
    throw invalidRange(`options.${name}`, `an integer between 0 and ${MAX_BYTES}`, value, 'RACTO_ERR_INVALID_OPTION');
  }
  return value;
}
