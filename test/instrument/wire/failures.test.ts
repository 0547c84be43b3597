// The wire capture when things go wrong: each HTTP attempt of an SDK's retries is its own call;
// a refused connection and an abort are recorded once, with their type; bad bytes (a body cut
// off, invalid JSON, a broken stream, a 50 MB answer) are recorded with what could be read and
// counted, and neither the caller nor a worker sees an error of ours; a full arena records the
// call without its bytes, counted. Real official clients and fetch against servers on 127.0.0.1.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RactoTracer } from '../../pkg.js';
import * as fakeOpenAI from '../fakes/openai.js';
import { BODIES_FROM, instrumentFetch } from './helpers.js';

/** A server that answers each request with the next scripted raw writer. */
let server: Server;
let url: string;
const script: ((res: ServerResponse) => void)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => (script.shift() ?? ((r) => r.writeHead(500).end()))(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => {
  server.closeAllConnections();
  server.close(() => r());
}));

const json = (status: number, body: unknown) => (res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const raw = (contentType: string, text: string | Buffer) => (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': contentType });
  res.end(text);
};

const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

async function post(body: unknown = CHAT, signal?: AbortSignal): Promise<string> {
  const r = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  return r.text();
}

/** An in-memory tracer (the workers' own parsing code, on this thread) under the wire capture. */
function capture(options: ConstructorParameters<typeof RactoTracer>[0] = {}) {
  const tracer = new RactoTracer({ inMemory: true, ...options });
  const stop = instrumentFetch(tracer);
  return { tracer, stop };
}

describe(`the wire capture when things go wrong (bodies from the ${BODIES_FROM})`, () => {
  it('records each HTTP attempt of an SDK\'s retries as its own call, with its status', async () => {
    const { tracer, stop } = capture();
    try {
      script.push(json(500, { error: { message: 'boom', type: 'server_error' } }), json(429, { error: { message: 'slow down', type: 'requests' } }), json(200, fakeOpenAI.chatCompletion().json));
      const client = new OpenAI({ apiKey: 'k', baseURL: `${url}/v1`, maxRetries: 2 });
      // The SDK's backoff between attempts is short with retry-after-ms absent; bounded by its max.
      await client.chat.completions.create(CHAT as never);
      expect(tracer.spans.map((s) => [s.status, s.errorType, s.outputTokens])).toEqual([
        ['error', 'InternalServerError', 0], ['error', 'RateLimitError', 0], ['ok', null, 300],
      ]);
    } finally {
      stop();
    }
  });

  it('records a refused connection once, with its class, and an abort as cancelled', async () => {
    const { tracer, stop } = capture();
    try {
      // A port nothing listens on (taken, then closed again).
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      await expect(fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', body: '{}' })).rejects.toThrow();
      script.push((res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}\n\n');
        // Held open: the caller aborts.
      });
      const ac = new AbortController();
      const r = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ ...CHAT, stream: true }), signal: ac.signal });
      const reader = r.body!.getReader();
      await reader.read();
      ac.abort();
      await reader.read().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 20));
      const [refused, aborted] = tracer.spans;
      expect(tracer.spans).toHaveLength(2);
      expect(refused).toMatchObject({ status: 'error', provider: 'openai', serverPort: port, errorType: 'ECONNREFUSED' });
      expect(aborted).toMatchObject({ status: 'error', errorType: 'cancelled', operation: 'stream', model: 'gpt-4o-mini' });
    } finally {
      stop();
    }
  });

  it('records bad bytes with what could be read, counts them by kind, and never fails the caller', async () => {
    const { tracer, stop } = capture();
    try {
      script.push(raw('application/json', '{"id":"x","model":"gpt-4o-mini","choices":[{"ind'));
      expect(await post()).toContain('"id":"x"');
      script.push(raw('text/event-stream', 'data: {"id":"s","model":"gpt-4o-mini","choices":[]}\n\ndata: {not json\n\nevent\0: ?\n\n'));
      await post({ ...CHAT, stream: true });
      script.push(raw('application/json', Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0x61, 0x22, 0x3a])));
      await post();
      expect(tracer.spans).toHaveLength(3);
      for (const s of tracer.spans) expect(s).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', inputTokens: 0, outputTokens: 0 });
      expect(tracer.spans[1]!.responseModel).toBe('gpt-4o-mini');
      const problems = tracer.stats().wire.problems;
      // One problem per exchange, whatever its kind (a bad event in a stream is a JSON problem).
      expect(problems.json + problems.sse + problems.utf8 + problems.cut + problems.shape).toBe(3);
      expect(problems.json).toBeGreaterThan(0);
    } finally {
      stop();
    }
  });

  it('records a body cut off by the server with the connection error and what arrived', async () => {
    const { tracer, stop } = capture();
    try {
      script.push((res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
        res.write('{"id":"cut","model":"gpt-4o-mini-2024-07-18","choices":[');
        setTimeout(() => res.socket?.destroy(), 10);
      });
      await expect(post()).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 20));
      expect(tracer.spans).toHaveLength(1);
      const s = tracer.spans[0]!;
      expect(s.status).toBe('error');
      expect(s.model).toBe('gpt-4o-mini');
      expect(s.errorType).not.toBeNull();
      expect(tracer.stats().wire.problems.json + tracer.stats().wire.problems.cut).toBe(1);
    } finally {
      stop();
    }
  });

  it('cuts a 50 MB answer at maxResponseBytes: the caller gets all of it, the call is recorded, counted cut', async () => {
    const { tracer, stop } = capture();
    try {
      const big = JSON.stringify({ ...fakeOpenAI.chatCompletion({ content: 'x'.repeat(50 * 1024 * 1024) }).json as object });
      script.push(raw('application/json', big));
      expect((await post()).length).toBe(big.length);
      expect(tracer.spans).toHaveLength(1);
      expect(tracer.spans[0]).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', status: 'ok' });
      expect(tracer.stats().wire.problems.cut).toBe(1);
    } finally {
      stop();
    }
  });

  it('records the call without its bytes when the arena has no room, counted', async () => {
    const { tracer, stop } = capture({ captureContent: true, contentArenaBytes: 65_536 });
    try {
      script.push(raw('application/json', JSON.stringify(fakeOpenAI.chatCompletion({ content: 'y'.repeat(100_000) }).json)));
      await post();
      expect(tracer.spans).toHaveLength(1);
      expect(tracer.spans[0]).toMatchObject({ provider: 'openai', status: 'ok', inputTokens: 0 });
      expect(tracer.stats().wire.arenaFull).toBe(1);
      expect(tracer.stats().wire.recorded).toBe(1);
    } finally {
      stop();
    }
  });

  it('leaves requests that are not LLM calls alone', async () => {
    const { tracer, stop } = capture();
    try {
      script.push(json(200, { ok: true }), json(200, { ok: true }));
      await fetch(`${url}/v1/models`);
      await fetch(`${url}/v1/chat/completions/abc`, { method: 'POST', body: '{}' });
      expect(tracer.spans).toHaveLength(0);
      expect(tracer.stats().wire.recorded).toBe(0);
    } finally {
      stop();
    }
  });
});
