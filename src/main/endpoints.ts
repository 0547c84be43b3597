// Endpoint rules for the OTLP destinations. Main thread, at construction.

import { invalidType } from '../errors.js';

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
