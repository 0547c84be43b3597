// Property: random response fields (answered models, ids of every length and script, finish
// reasons, servers and ports, in any mix and order) come out of a real worker's OTLP/HTTP
// protobuf request, decoded by protobufjs, exactly as they were recorded, span by span: the
// encoder's cached blocks and per-span ids never leak from one span to another.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { startHttpReceiver, type Receiver } from './receivers.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startHttpReceiver();
});
afterAll(() => receiver.close());

const few = <T>(xs: T[]) => fc.constantFrom(...xs);
/** 1 to 96 bytes of UTF-8: ASCII ids as providers make them, and any other text that fits. */
const responseId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,96}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }).filter((s) => Buffer.byteLength(s) <= 96),
);
const responseArb = fc.record({
  responseModel: fc.option(few(['gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18', 'claude-sonnet-4-6-20260101', 'gemini-2.5-flash']), { nil: undefined }),
  responseId: fc.option(responseId, { nil: undefined }),
  finishReasons: fc.option(fc.array(few(['stop', 'length', 'tool_call', 'content_filter', 'end_turn']), { maxLength: 3 }), { nil: undefined }),
  serverAddress: fc.option(few(['api.openai.com', 'api.anthropic.com', '127.0.0.1', '::1']), { nil: undefined }),
  serverPort: fc.option(few([443, 80, 8080, 65535, 1]), { nil: undefined }),
});

type Response = { responseModel?: string; responseId?: string; finishReasons?: string[]; serverAddress?: string; serverPort?: number };

/** The response attributes a span of `r` must carry, from the call alone. */
function expected(r: Response): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  if (r.responseModel !== undefined) a['gen_ai.response.model'] = r.responseModel;
  if (r.responseId !== undefined) a['gen_ai.response.id'] = r.responseId;
  if (r.finishReasons !== undefined && r.finishReasons.length > 0) a['gen_ai.response.finish_reasons'] = r.finishReasons;
  if (r.serverAddress !== undefined) a['server.address'] = r.serverAddress;
  if (r.serverPort !== undefined) a['server.port'] = r.serverPort;
  return a;
}

const RESPONSE_KEYS = ['gen_ai.response.model', 'gen_ai.response.id', 'gen_ai.response.finish_reasons', 'server.address', 'server.port'];

describe('response fields through a real worker to OTLP/HTTP', () => {
  it('arrive on each span exactly as recorded, whatever mix of them each span has', async () => {
    const tracer = new RactoTracer({ otlpHttpEndpoint: receiver.url, ringCapacity: 256, maxExportBatchSize: 64 });
    let sent = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(responseArb, { minLength: 1, maxLength: 80 }), async (calls) => {
          receiver.spans.length = 0;
          // inputTokens numbers the calls, to find each one's span.
          calls.forEach((r, i) => {
            expect(tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 5, inputTokens: i, ...r })).toBe(true);
          });
          sent += calls.length;
          await tracer.flush();
          expect(receiver.spans).toHaveLength(calls.length);
          for (const s of receiver.spans) {
            const got = Object.fromEntries(RESPONSE_KEYS.filter((k) => k in s.attributes).map((k) => [k, s.attributes[k]]));
            expect(got).toEqual(expected(calls[s.attributes['llm.input_tokens'] as number]));
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      await tracer.shutdown();
    }
    expect(tracer.stats()).toMatchObject({ recorded: sent, exported: sent, dropped: 0, failed: 0 });
  });
});
