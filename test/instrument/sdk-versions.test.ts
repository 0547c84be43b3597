// Which provider SDKs the instrument tests run against: the root's majors in the "node" project,
// test/node22's newest majors in the "newest-sdks" project (Node 22 and later). Each client is
// asked what it is the way a server sees it, by the version it sends with a request.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from './fakes/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The provider SDK versions this project's package.json pins, by package name. */
    providerSdks: Record<string, string>;
  }
}

let server: FakeProvider;
beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());

/** The headers of the one request `call` makes (answered with an error, which is ignored). */
async function headersOf(call: () => Promise<unknown>): Promise<Record<string, unknown>> {
  server.requests.length = 0;
  server.answer({ status: 400, json: { error: { message: 'version probe' } } });
  await call().catch(() => undefined);
  expect(server.requests).toHaveLength(1);
  return server.requests[0]!.headers;
}

describe('the provider SDKs under test', () => {
  const versions = inject('providerSdks');

  it('are the openai the project pins', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const headers = await headersOf(() => client.embeddings.create({ model: 'm', input: 'a' }));
    expect(headers['x-stainless-package-version']).toBe(versions['openai']);
  });

  it('are the @anthropic-ai/sdk the project pins', async () => {
    const client = new Anthropic({ apiKey: 'k', baseURL: server.url, maxRetries: 0 });
    const headers = await headersOf(() => client.messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'a' }] }));
    expect(headers['x-stainless-package-version']).toBe(versions['@anthropic-ai/sdk']);
  });

  it('are the @google/genai the project pins', async () => {
    const client = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server.url } });
    const headers = await headersOf(() => client.models.generateContent({ model: 'm', contents: 'a' }));
    expect(String(headers['x-goog-api-client']).split(' ')[0]).toBe(`google-genai-sdk/${versions['@google/genai']}`);
  });
});
