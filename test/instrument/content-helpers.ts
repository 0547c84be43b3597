// Shared by the content tests of the wrappers: a tracer whose spans go through a real worker to
// a real OTLP/HTTP receiver, and the attributes that arrive, content decoded from its JSON.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { RactoTracer, type RactoTracerOptions } from '../pkg.js';
import { startHttpReceiver, type AttrValue, type Receiver } from '../e2e/receivers.js';
import { startFakeProvider, type FakeProvider } from './fakes/server.js';

/** A fake provider and an OTLP/HTTP receiver for the file's tests, the receiver emptied before each. */
export function useFakeAndReceiver(): { server: FakeProvider; receiver: Receiver } {
  const ctx = {} as { server: FakeProvider; receiver: Receiver };
  beforeAll(async () => {
    ctx.server = await startFakeProvider();
    ctx.receiver = await startHttpReceiver();
  });
  afterAll(async () => {
    await ctx.server.close();
    await ctx.receiver.close();
  });
  beforeEach(() => {
    ctx.receiver.spans.length = 0;
  });
  return ctx;
}

export function exportingTracer(receiver: Receiver, options: RactoTracerOptions = { captureContent: true }): RactoTracer {
  return new RactoTracer({ otlpHttpEndpoint: receiver.url, ...options });
}

/** Shuts `tracer` down and returns the attributes of every span `receiver` holds (emptied before each test), in order. */
export async function exportedAttributes(tracer: RactoTracer, receiver: Receiver): Promise<Record<string, AttrValue>[]> {
  await tracer.shutdown();
  return receiver.spans.map((s) => s.attributes);
}

/** A content attribute, parsed. */
export function json(attrs: Record<string, AttrValue>, key: string): unknown {
  const v = attrs[key];
  return typeof v === 'string' ? JSON.parse(v) : v;
}

/** The port of a fake's URL, as server.port carries it. */
export function portOf(url: string): number {
  return Number(new URL(url).port);
}
