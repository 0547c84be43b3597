// OTLP when things go wrong: nobody listening, no OpenTelemetry SDK installed, secrets in errors.
import { execFile } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { TRACE_SERVICE } from './receivers.js';

const run = promisify(execFile);
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each([
  ['gRPC', (port: number) => ({ otlpEndpoint: `127.0.0.1:${port}` })],
  ['HTTP', (port: number) => ({ otlpHttpEndpoint: `http://127.0.0.1:${port}` })],
] as const)('OTLP/%s with no receiver listening', (_name, endpoint) => {
  it('resolves shutdown() within its timeout, keeps the event loop turning, and counts every span failed', async () => {
    const port = await closedPort();
    const tracer = new RactoTracer({ ...endpoint(port), exportTimeoutMillis: 800, shutdownTimeoutMillis: 3_000 });
    for (let i = 0; i < 1_000; i++) expect(tracer.recordChatSpan({ provider: 'p', model: 'm', latencyMs: 1 })).toBe(true);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    await tracer.shutdown();
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(0);
    const s = tracer.stats();
    expect(s).toMatchObject({ recorded: 1_000, exported: 0, dropped: 0, failed: 1_000, pending: 0 });
    const f = s.failedByReason;
    expect(f.exportError + f.exportTimeout + f.shutdownTimeout).toBe(1_000);
    expect(tracer.recordChatSpan({ provider: 'p', model: 'm', latencyMs: 1 })).toBe(false);
  });
});

describe('without any OpenTelemetry package but the API', () => {
  it('exports OTLP/HTTP JSON, to the console and to a customExporter: spans, resource and output are our own', async () => {
    const { stdout } = await run(process.execPath, ['--import', fixture('hide-otel-sdk.mjs'), fixture('construct-json.mjs')], { timeout: 20_000 });
    const lines = stdout.trim().split('\n');
    const chat = ['llm.chat', 'no-sdk', 16];
    expect(JSON.parse(lines.pop() as string)).toEqual({ ok: true, names: ['llm.chat', 'llm.chat', 'llm.chat'], handed: [chat, chat, chat], recorded: 3, exported: 3, failed: 0 });
    expect(lines.filter((l) => l.includes("name: 'llm.chat'"))).toHaveLength(3);
  });
});

describe('header values', () => {
  it('never appear in the messages the tracer logs about a failed export', async () => {
    const secret = 'sk-very-secret-0123456789';
    // A gRPC receiver that refuses the call and quotes the API key back in its error details,
    // which the exporter puts into its error message.
    const server = new grpc.Server();
    server.addService(
      TRACE_SERVICE,
      {
        Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
          callback({ code: grpc.status.UNAUTHENTICATED, details: `invalid key ${String(call.metadata.get('x-api-key')[0])}` });
        },
      },
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    const logged: string[] = [];
    const capture = (...args: unknown[]): void => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(' '));
    };
    diag.setLogger({ error: capture, warn: capture, info: capture, debug: capture, verbose: capture }, DiagLogLevel.ALL);
    try {
      const tracer = new RactoTracer({ otlpEndpoint: `127.0.0.1:${port}`, otlpHeaders: { 'x-api-key': secret } });
      tracer.recordChatSpan({ provider: 'p', model: 'm', latencyMs: 1 });
      await tracer.shutdown();
      expect(tracer.stats()).toMatchObject({ failed: 1, failedByReason: { exportError: 1 } });
    } finally {
      diag.disable();
      server.forceShutdown();
    }
    const failure = logged.find((l) => l.includes('otlpGrpc failed 1 spans'));
    expect(failure).toContain('UNAUTHENTICATED: invalid key [redacted]');
    expect(logged.join('\n')).not.toContain(secret);
  });
});
