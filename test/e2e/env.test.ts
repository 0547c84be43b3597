// A process configured only by the OpenTelemetry environment variables (test/fixtures/env-only.mjs:
// `new RactoTracer()` with no options, no shutdown() call) exports to the collector named there,
// a real receiver on 127.0.0.1 (OTLP/HTTP protobuf and JSON on node:http, OTLP/gRPC on
// @grpc/grpc-js, decoded by protobufjs or JSON.parse), and ends by itself with every span delivered.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
// The internal entry register builds on, from the built package as the tracer is.
import { withEnvSource } from '../../dist/options/env.js';
import { startGrpcReceiver, startHttpReceiver, type Receiver } from './receivers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/env-only.mjs', import.meta.url));
const SPANS = 20;

/** The parent's environment without any OTEL_* variable, plus `vars`. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_')) env[k] = v;
  return { ...env, ...vars };
}

/** Runs the fixture to its own end (no kill, no exit call): resolves with its output once it has exited. */
function runFixture(vars: Record<string, string>) {
  return promisify(execFile)(process.execPath, [FIXTURE, String(SPANS)], { env: envWith(vars), timeout: 20_000 });
}

const RESOURCE = {
  OTEL_SERVICE_NAME: 'env-only-gateway',
  OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,team=llm%20platform,service.name=overridden',
};

function expectDelivered(receiver: Receiver): void {
  expect(receiver.spans).toHaveLength(SPANS);
  expect(receiver.spans.map((s) => s.attributes['gen_ai.usage.input_tokens']).sort((a, b) => Number(a) - Number(b)))
    .toEqual(Array.from({ length: SPANS }, (_, i) => i));
  for (const s of receiver.spans) {
    expect(s.resource).toMatchObject({ 'service.name': 'env-only-gateway', 'deployment.environment': 'staging', team: 'llm platform' });
  }
}

describe('a process configured only by environment variables', () => {
  it('exports over OTLP/HTTP protobuf to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces, with the headers and compression named there', async () => {
    const receiver = await startHttpReceiver();
    try {
      await runFixture({ ...RESOURCE, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=k%3D1', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' });
      expectDelivered(receiver);
      expect(receiver.headers.every((h) => h['content-type'] === 'application/x-protobuf' && h['x-api-key'] === 'k=1')).toBe(true);
      expect(receiver.encodings.every((e) => e === 'gzip')).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('exports over OTLP/HTTP JSON to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given', async () => {
    const receiver = await startHttpReceiver();
    try {
      await runFixture({ ...RESOURCE, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/custom/path`, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' });
      expectDelivered(receiver);
      expect(receiver.headers.every((h) => String(h['content-type']).startsWith('application/json'))).toBe(true);
      expect(receiver.jsonBodies.length).toBe(receiver.requests);
    } finally {
      await receiver.close();
    }
  });

  it('exports over OTLP/gRPC to a bare host:port', async () => {
    const receiver = await startGrpcReceiver();
    try {
      await runFixture({ ...RESOURCE, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace('http://', ''), OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=blue' });
      expectDelivered(receiver);
      expect(receiver.headers.every((h) => h['x-team'] === 'blue')).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('refuses to start on a malformed variable, naming it', async () => {
    const run = runFixture({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_BSP_SCHEDULE_DELAY: '5s' });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('OTEL_BSP_SCHEDULE_DELAY must be an integer between 1 and 3600000 (received "5s")'),
    });
  });

  it('sends nothing with OTEL_SDK_DISABLED=true, and still ends by itself', async () => {
    const receiver = await startHttpReceiver();
    try {
      await runFixture({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: 'true' });
      expect(receiver.requests).toBe(0);
    } finally {
      await receiver.close();
    }
  });
});

describe('a tracer made in the lenient mode (withEnvSource, as register makes it)', () => {
  it('leaves a malformed variable out, reports it, and exports with the rest', async () => {
    const receiver = await startHttpReceiver();
    const invalid: string[] = [];
    try {
      const tracer = new RactoTracer(withEnvSource({}, {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: 'soon', OTEL_SERVICE_NAME: 'lenient' },
        onInvalid: (err) => invalid.push(err.message),
      }));
      for (let i = 0; i < 5; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 2, inputTokens: i });
      await tracer.shutdown();
      expect(invalid).toEqual(['OTEL_BSP_SCHEDULE_DELAY must be an integer between 1 and 3600000 (received "soon")']);
      expect(receiver.spans).toHaveLength(5);
      expect(receiver.spans.every((s) => s.resource['service.name'] === 'lenient')).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});

describe('a tracer disabled by OTEL_SDK_DISABLED', () => {
  it('records nothing but answers every call: record returns false, stats read zeros, flush and shutdown resolve', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    let tracer: RactoTracer;
    try {
      tracer = new RactoTracer({ inMemory: true, metrics: true });
    } finally {
      delete process.env.OTEL_SDK_DISABLED;
    }
    expect(tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 })).toBe(false);
    expect(tracer.recordEmbedSpan({ provider: 'openai', model: 'text-embedding-3-small', latencyMs: 1 })).toBe(false);
    expect(tracer.spans).toEqual([]);
    expect(tracer.stats()).toMatchObject({ recorded: 0, exported: 0, dropped: 0, failed: 0, pending: 0 });
    await expect(tracer.flush()).resolves.toBeUndefined();
    await expect(tracer.shutdown()).resolves.toBeUndefined();
  });

  it('still checks a record call\'s arguments', () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    try {
      const tracer = new RactoTracer();
      expect(() => tracer.recordChatSpan({ provider: '', model: 'gpt-4o', latencyMs: 1 })).toThrow('call.provider must be a string of 1 to 256 characters');
    } finally {
      delete process.env.OTEL_SDK_DISABLED;
    }
  });
});
