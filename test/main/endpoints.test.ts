import { describe, expect, it } from 'vitest';
import { grpcUrl, httpTracesUrl } from '../../src/main/endpoints.js';
import { expectThrows } from '../helpers.js';

describe('OTLP endpoint rules', () => {
  it.each([
    ['http://localhost:4318', 'http://localhost:4318/v1/traces'],
    ['http://localhost:4318/', 'http://localhost:4318/v1/traces'],
    ['https://otel.example.com', 'https://otel.example.com/v1/traces'],
    ['http://localhost:4318/v1/traces', 'http://localhost:4318/v1/traces'],
    ['http://collector:9999/custom/path', 'http://collector:9999/custom/path'],
  ])('sends OTLP/HTTP for %s to %s', (given, used) => {
    expect(httpTracesUrl(given)).toBe(used);
  });

  it.each([
    ['http://localhost:4317', 'http://localhost:4317'],
    ['localhost:4317', 'http://localhost:4317'],
    ['127.0.0.1:4317', 'http://127.0.0.1:4317'],
    ['https://otel.example.com:443', 'https://otel.example.com'],
  ])('sends OTLP/gRPC for %s to %s', (given, used) => {
    expect(grpcUrl(given)).toBe(used);
  });

  it('refuses an HTTP endpoint that is not a URL, naming the option', () => {
    expectThrows(() => httpTracesUrl('localhost:4318'), TypeError, 'options.otlpHttpEndpoint must be an http:// or https:// URL (received "localhost:4318")', 'RACTO_ERR_INVALID_OPTION');
    expectThrows(() => httpTracesUrl('not a url'), TypeError, 'options.otlpHttpEndpoint must be a valid URL (received "not a url")', 'RACTO_ERR_INVALID_OPTION');
  });

  it('refuses a gRPC endpoint with another scheme', () => {
    expectThrows(() => grpcUrl('ftp://host:4317'), TypeError, 'options.otlpEndpoint must be host:port or an http:// or https:// URL (received "ftp://host:4317")', 'RACTO_ERR_INVALID_OPTION');
  });
});
