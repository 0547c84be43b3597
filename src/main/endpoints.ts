// The destinations the workers send to, from the resolved options, with the endpoint rules of the
// OTLP ones. Main thread, at construction.

import { invalidType } from '../errors.js';
import type { ResolvedOptions } from '../options/index.js';
import type { DestinationConfig } from '../shared/worker-config.js';

/** The worker-side destinations: OTLP/gRPC, OTLP/HTTP, console, then each workerExporters entry. */
export function workerDestinationsOf(opts: ResolvedOptions): DestinationConfig[] {
  const out: DestinationConfig[] = [];
  const otlp = {
    headers: opts.otlpHeaders,
    compression: opts.otlpCompression,
    timeoutMillis: opts.exportTimeoutMillis,
    concurrencyLimit: opts.maxPendingBatches + 1,
  };
  if (opts.otlpEndpoint !== undefined) {
    out.push({ kind: 'otlp-grpc', name: 'otlpGrpc', url: grpcUrl(opts.otlpEndpoint), ...otlp });
  }
  if (opts.otlpHttpEndpoint !== undefined) {
    out.push({
      kind: 'otlp-http',
      name: 'otlpHttp',
      url: opts.otlpHttpEndpointFinal ? opts.otlpHttpEndpoint : httpTracesUrl(opts.otlpHttpEndpoint),
      protocol: opts.otlpHttpProtocol,
      ...otlp,
    });
  }
  if (opts.console) out.push({ kind: 'console', name: 'console' });
  opts.workerExporters.forEach((spec, i) => out.push({ kind: 'module', name: `workerExporters[${i}]`, ...spec }));
  return out;
}

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
