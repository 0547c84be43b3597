// A scriptable HTTP server on 127.0.0.1 that answers like an LLM provider: each request takes
// the next scripted answer (JSON, or server-sent events written as the providers write them).
// The provider-specific payloads live beside this file (openai.ts, anthropic.ts, google.ts).

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SseEvent {
  /** The `event:` line, when the provider names its events (Anthropic, OpenAI Responses). */
  event?: string;
  /** The `data:` payload: an object (sent as JSON) or a raw string such as `[DONE]`. */
  data: unknown;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  sse?: SseEvent[];
  /** After the events, keep the response open until the client goes away (an abandoned stream). */
  hold?: boolean;
}

export type Scripted = Answer | ((body: any) => Answer);

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  /** Resolves when the client closed the connection before the answer ended. */
  aborted: Promise<void>;
}

export interface FakeProvider {
  url: string;
  requests: SeenRequest[];
  /** Queues answers for the next requests, in order (a function answers from the request body). */
  answer(...answers: Scripted[]): void;
  close(): Promise<void>;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const queue: Scripted[] = [];
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      let resolveAborted!: () => void;
      const aborted = new Promise<void>((r) => (resolveAborted = r));
      res.on('close', () => {
        if (!res.writableFinished) resolveAborted();
      });
      const body = text === '' ? undefined : JSON.parse(text);
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, aborted });
      const next = queue.shift() ?? { status: 500, json: { error: { message: 'fake provider: no answer queued' } } };
      send(res, typeof next === 'function' ? next(body) : next);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (...answers) => void queue.push(...answers),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function send(res: ServerResponse, a: Answer): void {
  const status = a.status ?? 200;
  if (a.sse === undefined) {
    res.writeHead(status, { 'content-type': 'application/json', ...a.headers });
    res.end(JSON.stringify(a.json ?? {}));
    return;
  }
  res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...a.headers });
  for (const e of a.sse) {
    const data = typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
    res.write(`${e.event === undefined ? '' : `event: ${e.event}\n`}data: ${data}\n\n`);
  }
  if (!a.hold) res.end();
}

/** A port on 127.0.0.1 with nothing listening (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
