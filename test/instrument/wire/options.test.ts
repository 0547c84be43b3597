// instrumentFetch's arguments, table-driven: each bad value is refused at once with a RactoError
// naming the field and the value; how paths and hosts are recognised (fetch-hosts.ts).
import { describe, expect, it } from 'vitest';
import { RactoTracer } from '../../pkg.js';
import { instrumentFetch } from './helpers.js';
import { formatOfPath, parseOrigin, providerOfHost } from '../../../dist/instrument/fetch-hosts.js';

const tracer = new RactoTracer({ inMemory: true });

describe('instrumentFetch(tracer, options)', () => {
  it.each([
    ['a tracer that is not one', [{}, undefined], /tracer/],
    ['options that are no object', [tracer, 'x'], /options must be an object/],
    ['a provider that is not a name', [tracer, { providers: { 'llm.internal': '' } }], /options\.providers\["llm\.internal"\].*""/],
    ['providers that are an array', [tracer, { providers: [] }], /options\.providers/],
    ['a negative byte limit', [tracer, { maxRequestBytes: -1 }], /options\.maxRequestBytes.*-1/],
    ['a fractional byte limit', [tracer, { maxResponseBytes: 1.5 }], /options\.maxResponseBytes.*1\.5/],
    ['a byte limit as text', [tracer, { maxResponseBytes: '1mb' }], /options\.maxResponseBytes.*1mb/],
    ['fallback as text', [tracer, { fallback: 'yes' }], /options\.fallback.*yes/],
  ])('refuses %s, naming it', (_what, args, message) => {
    expect(() => (instrumentFetch as (...a: unknown[]) => unknown)(...(args as unknown[]))).toThrow(message);
    try {
      (instrumentFetch as (...a: unknown[]) => unknown)(...(args as unknown[]));
    } catch (err) {
      expect((err as { code?: string }).code).toMatch(/^RACTO_ERR_/);
    }
  });

  it('recognises the formats by path, and nothing else', () => {
    expect(formatOfPath('/v1/chat/completions')).toBe('openai.chat');
    expect(formatOfPath('/openai/deployments/gpt4/chat/completions?api-version=2024-10-21')).toBe('openai.chat');
    expect(formatOfPath('/v1/responses')).toBe('openai.responses');
    expect(formatOfPath('/v1/embeddings')).toBe('openai.embeddings');
    expect(formatOfPath('/v1/messages')).toBe('anthropic.messages');
    expect(formatOfPath('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse')).toBe('google.generate');
    expect(formatOfPath('/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent')).toBe('google.generate');
    expect(formatOfPath('/v1beta/models/gemini-embedding-001:embedContent')).toBe('google.embed');
    expect(formatOfPath('/v1beta/models/gemini-embedding-001:batchEmbedContents')).toBe('google.batchEmbed');
    for (const other of ['/v1/models', '/v1/messages/count_tokens', '/v1/chat/completions/abc', '/health', '/', '']) expect(formatOfPath(other)).toBeUndefined();
  });

  it('names the provider of a known host, a suffix, the user\'s map, and leaves others to the format', () => {
    const user = new Map([['llm.internal', 'vllm'], ['*.corp.example', 'corp']]);
    expect(providerOfHost('api.openai.com', user)).toBe('openai');
    expect(providerOfHost('myres.openai.azure.com', user)).toBe('azure');
    expect(providerOfHost('us-central1-aiplatform.googleapis.com', user)).toBe('google');
    expect(providerOfHost('llm.internal', user)).toBe('vllm');
    expect(providerOfHost('a.corp.example', user)).toBe('corp');
    expect(providerOfHost('127.0.0.1', user)).toBeUndefined();
    expect(parseOrigin('https://api.openai.com')).toEqual({ host: 'api.openai.com', port: 443 });
    expect(parseOrigin('http://[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseOrigin('http://127.0.0.1:11434')).toEqual({ host: '127.0.0.1', port: 11434 });
  });
});
