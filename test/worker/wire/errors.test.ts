// The error mapping of the wire (errors.ts) and what a Gemini path says (google-path.ts).
import { describe, expect, it } from 'vitest';
import { refineErrorType, statusErrorType, WIRE_ERROR_TYPES } from '../../../src/worker/wire/errors.js';
import { googlePath } from '../../../src/worker/wire/google-path.js';
import { parseWire } from '../../../src/worker/wire/index.js';
import { NONE } from './exchange.js';

describe('statusErrorType', () => {
  it.each([
    ['openai.chat', 400, 'BadRequestError'], ['openai.responses', 401, 'AuthenticationError'], ['openai.embeddings', 403, 'PermissionDeniedError'],
    ['openai.chat', 404, 'NotFoundError'], ['openai.chat', 409, 'ConflictError'], ['openai.chat', 422, 'UnprocessableEntityError'],
    ['openai.chat', 429, 'RateLimitError'], ['openai.chat', 500, 'InternalServerError'], ['openai.chat', 529, 'InternalServerError'],
    ['openai.chat', 402, 'APIError'], ['anthropic.messages', 402, 'PaymentRequiredError'], ['anthropic.messages', 413, 'ContentTooLargeError'],
    ['anthropic.messages', 429, 'RateLimitError'], ['anthropic.messages', 503, 'ServiceUnavailableError'], ['anthropic.messages', 529, 'OverloadedError'],
    ['anthropic.messages', 502, 'InternalServerError'], ['anthropic.messages', 418, 'APIError'],
    ['google.generate', 400, 'ApiError'], ['google.generate', 503, 'ApiError'], ['google.batchEmbed', 429, 'ApiError'],
  ] as const)('%s %i is %s', (format, status, type) => {
    expect(statusErrorType(format, status)).toBe(type);
    expect(WIRE_ERROR_TYPES.has(type)).toBe(true);
  });

  it('refines only the generic class, by a rate limit or an overload the body names', () => {
    expect(refineErrorType('ApiError', { error: { code: 429, status: 'RESOURCE_EXHAUSTED' } })).toBe('RateLimitError');
    expect(refineErrorType('APIError', { type: 'error', error: { type: 'overloaded_error' } })).toBe('OverloadedError');
    expect(refineErrorType('APIError', { error: { code: 'rate_limit_exceeded' } })).toBe('RateLimitError');
    expect(refineErrorType('BadRequestError', { error: { type: 'rate_limit_error' } })).toBe('BadRequestError');
    expect(refineErrorType('ApiError', { error: { status: 'made up by a proxy' } })).toBe('ApiError');
    expect(refineErrorType('APIError', '<html>')).toBe('APIError');
  });

  it('leaves a failure before any response (status 0) to the main thread, with the model asked for', () => {
    const request = new TextEncoder().encode('{"model":"gpt-4o-mini","messages":[]}');
    const call = parseWire({ format: 'openai.chat', path: '/v1/chat/completions', status: 0, sse: false, headers: [], request, requestCut: false, response: new Uint8Array(0), responseCut: false }, NONE);
    expect(call).toMatchObject({ errorType: undefined, model: 'gpt-4o-mini', problem: undefined });
  });
});

describe('googlePath', () => {
  it.each([
    ['/v1beta/models/gemini-2.5-flash:generateContent', 'gemini-2.5-flash', 'generateContent'],
    ['/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash-001:streamGenerateContent', 'gemini-2.0-flash-001', 'streamGenerateContent'],
    ['/v1beta/models/text-embedding-004:batchEmbedContents', 'text-embedding-004', 'batchEmbedContents'],
    ['/v1beta/models/a%2Fb:embedContent', 'a/b', 'embedContent'],
    ['/v1beta/tunedModels/x:generateContent', 'tunedModels/x', 'generateContent'],
    ['/v1beta/models/:generateContent', undefined, 'generateContent'],
    ['/v1/chat/completions', undefined, ''],
  ])('%s', (path, model, method) => {
    expect(googlePath(path)).toEqual({ model, method });
  });
});
