// Endpoint rules for the OTLP destinations, and the check that their optional packages are
// installed. Main thread, at construction.

import { invalidType, RactoError } from '../errors.js';

/**
 * OTLP/HTTP: a URL without a path gets the collectors' `/v1/traces` (the original used the
 * documented `http://localhost:4318` as given, which collectors answer with 404); a URL with a
 * path is used as given.
 */
export function httpTracesUrl(endpoint: string): string {
  const url = parse(endpoint, 'options.otlpHttpEndpoint');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidType('options.otlpHttpEndpoint', 'an http:// or https:// URL', endpoint, 'RACTO_ERR_INVALID_OPTION');
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  return url.href;
}

/** OTLP/gRPC: accepts `http://host:4317`, `https://host:4317` and a bare `host:4317`. */
export function grpcUrl(endpoint: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  const url = parse(withScheme, 'options.otlpEndpoint', endpoint);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw invalidType('options.otlpEndpoint', 'host:port or an http:// or https:// URL', endpoint, 'RACTO_ERR_INVALID_OPTION');
  }
  return `${url.protocol}//${url.host}`;
}

function parse(value: string, field: string, shown: string = value): URL {
  try {
    return new URL(value);
  } catch {
    throw invalidType(field, 'a valid URL', shown, 'RACTO_ERR_INVALID_OPTION');
  }
}

/** The optional peer packages, pinned to the versions this release is tested with. */
export const PEERS = {
  /** OTLP/HTTP with http/json encoding. Protobuf over HTTP and gRPC need no package: our encoder, node:http and node:http2. */
  json: { name: '@opentelemetry/exporter-trace-otlp-http', version: '0.223.1' },
} as const;

/** Throws a RactoError saying what to install when `pkg` cannot be resolved from this package. */
export function requirePeer(pkg: { name: string; version: string }, option: string): void {
  try {
    import.meta.resolve(pkg.name);
  } catch (cause) {
    throw new RactoError(
      'RACTO_ERR_MISSING_PEER',
      `options.${option} needs the optional package ${pkg.name}, which is not installed: run \`npm install ${pkg.name}@${pkg.version}\``,
      { cause },
    );
  }
}
