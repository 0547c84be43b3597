// `node --import ractogateway/register`, in real child processes configured only by the
// OpenTelemetry environment: an unmodified gateway that forwards with fetch gets its upstream
// calls recorded at a real OTLP/HTTP receiver (and ends as SIGTERM ends a process); a script that
// ends by itself exports every call first (Node 24+: bodies from the channels; 20, 22: the fetch fallback).
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type Receiver, type ReceivedSpan } from '../../e2e/receivers.js';
import * as fakeOpenAI from '../fakes/openai.js';
import { startFakeProvider, type FakeProvider } from '../fakes/server.js';
import { received } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GATEWAY = fileURLToPath(new URL('../../fixtures/wire-gateway.mjs', import.meta.url));
const CALLS = fileURLToPath(new URL('../../fixtures/wire-calls.mjs', import.meta.url));

let upstream: FakeProvider;
let receiver: Receiver;

beforeAll(async () => {
  upstream = await startFakeProvider();
  receiver = await startHttpReceiver();
});
afterAll(async () => {
  await upstream.close();
  await receiver.close();
});

/** The parent's environment without any OTEL_* variable, plus `vars`. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, ...vars };
}

/** What every recorded upstream call carries, read from its bytes. */
function expectUpstreamCall(span: ReceivedSpan, operation: string): void {
  const attrs = span.attributes;
  // Not an error (OTel status code 2).
  expect(span.status.code).not.toBe(2);
  expect(attrs).toMatchObject({ 'llm.provider': 'openai', 'llm.operation': operation, 'server.address': '127.0.0.1' });
  expect(attrs).toMatchObject({ 'llm.model': 'gpt-4o-mini', 'gen_ai.response.model': fakeOpenAI.CHAT_MODEL, 'llm.input_tokens': 1200, 'llm.output_tokens': 300 });
}

describe('node --import ractogateway/register', () => {
  it('records an unmodified gateway\'s upstream calls at the collector OTEL_* names, and ends as SIGTERM ends it', async () => {
    receiver.spans.length = 0;
    const child = spawn(process.execPath, ['--import', 'ractogateway/register', GATEWAY], {
      cwd: ROOT,
      env: envWith({ UPSTREAM_URL: upstream.url, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'third-party-gateway', OTEL_BSP_SCHEDULE_DELAY: 'soon' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const port = Number(/listening (\d+)/.exec(line.toString())?.[1]);
    upstream.answer(fakeOpenAI.chatCompletion(), (body) => fakeOpenAI.chatStream(body));
    const json = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
    expect((await json.json()).id).toBe('chatcmpl-1');
    const stream = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } }),
    });
    expect(await stream.text()).toContain('[DONE]');
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    // It ended as the signal ends a process with no handler: killed by SIGTERM, not a clean exit.
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    // The malformed variable was reported and left out; the tracer ran with the rest.
    expect(stderr).toContain('OTEL_BSP_SCHEDULE_DELAY');
    const spans = await received(receiver.spans, 2);
    expect(spans).toHaveLength(2);
    for (const s of spans) expect(s.resource['service.name']).toBe('third-party-gateway');
    const byOp = new Map(spans.map((s) => [s.attributes['llm.operation'], s]));
    expectUpstreamCall(byOp.get('chat')!, 'chat');
    expectUpstreamCall(byOp.get('stream')!, 'stream');
  });

  it('exports every call of a process that ends by itself, and lets it end', async () => {
    receiver.spans.length = 0;
    const n = 5;
    for (let i = 0; i < n; i++) upstream.answer(fakeOpenAI.chatCompletion());
    await promisify(execFile)(process.execPath, ['--import', 'ractogateway/register', CALLS, String(n)], {
      cwd: ROOT,
      env: envWith({ UPSTREAM_URL: upstream.url, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces` }),
      timeout: 20_000,
    });
    // Exited by itself (execFile resolved) with every call already at the receiver.
    expect(receiver.spans).toHaveLength(n);
    for (const s of receiver.spans) expectUpstreamCall(s, 'chat');
  });
});
