// Content capture through real workers to real OTLP receivers (protobufjs decodes what arrives):
// off by default, the categories, redaction and truncation done in the worker, the response
// fields, the scrub module failing closed, sampling deciding before any content work.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { startGrpcReceiver, startHttpReceiver, type ReceivedSpan, type Receiver } from './receivers.js';

const scrubModule = fileURLToPath(new URL('../fixtures/scrub-acme.mjs', import.meta.url));
const base = { provider: 'openai', model: 'gpt-4o-mini', latencyMs: 12, inputTokens: 10, outputTokens: 5 };
const CONTENT_KEYS = ['gen_ai.system_instructions', 'gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.definitions'];

let http: Receiver;
let grpc: Receiver;
beforeAll(async () => {
  http = await startHttpReceiver();
  grpc = await startGrpcReceiver();
});
afterAll(async () => {
  await http.close();
  await grpc.close();
});

/** The spans `receiver` got for the response ids `ids`, by id. */
function byId(receiver: Receiver, ids: string[]): Map<string, ReceivedSpan> {
  const out = new Map<string, ReceivedSpan>();
  for (const s of receiver.spans) {
    const id = s.attributes['gen_ai.response.id'];
    if (typeof id === 'string' && ids.includes(id)) out.set(id, s);
  }
  return out;
}

let seq = 0;
const nextId = (): string => `chatcmpl-e2e-${++seq}`;

describe('content through the workers', () => {
  it('is off by default: the response fields arrive, no content attribute does', async () => {
    const t = new RactoTracer({ otlpHttpEndpoint: http.url });
    const id = nextId();
    t.recordChatSpan({ ...base, responseModel: 'gpt-4o-mini-2024-07-18', responseId: id, finishReasons: ['stop', 'length'],
      serverAddress: 'api.openai.com', serverPort: 443, input: 'hello', output: 'hi' });
    await t.shutdown();
    const s = byId(http, [id]).get(id)!;
    expect(s.attributes).toMatchObject({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': id, 'gen_ai.response.finish_reasons': ['stop', 'length'], 'server.address': 'api.openai.com', 'server.port': 443 });
    for (const k of CONTENT_KEYS) expect(s.attributes[k]).toBeUndefined();
  });

  it.each([['OTLP/HTTP', () => http] as const, ['OTLP/gRPC', () => grpc] as const])(
    'arrives over %s as the in-memory capture shows it, redacted and truncated by the worker', async (_name, receiver) => {
      const r = receiver();
      const endpoint = r === http ? { otlpHttpEndpoint: r.url } : { otlpEndpoint: r.url };
      const t = new RactoTracer({ ...endpoint, inMemory: true, captureContent: true, maxContentBytes: 2048 });
      const ids = [nextId(), nextId(), nextId()];
      t.recordChatSpan({ ...base, responseId: ids[0], system: 'You are terse.', input: 'my mail is ann@corp.example', output: 'noted',
        tools: [{ type: 'function', name: 'lookup' }] });
      t.recordChatSpan({ ...base, responseId: ids[1], input: [{ role: 'user', parts: [{ type: 'text', content: 'ü'.repeat(5000) }] }] });
      t.recordChatSpan({ ...base, responseId: ids[2], operation: 'stream', finishReasons: ['tool_call'],
        output: [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: '{"q":"Bearer abcdef123456789"}' }], finish_reason: 'tool_call' }] });
      await t.shutdown();
      const got = byId(r, ids);
      expect(got.size).toBe(3);
      for (const [i, span] of t.spans.entries()) {
        const attrs = got.get(ids[i])!.attributes;
        const c = span.content!;
        expect(attrs['gen_ai.system_instructions']).toBe(c.systemInstructions);
        expect(attrs['gen_ai.input.messages']).toBe(c.inputMessages);
        expect(attrs['gen_ai.output.messages']).toBe(c.outputMessages);
        expect(attrs['gen_ai.tool.definitions']).toBe(c.toolDefinitions);
        expect(attrs['llm.content.input.original_bytes']).toBe(c.originalBytes?.input);
      }
      const first = got.get(ids[0])!.attributes;
      expect(JSON.parse(first['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'my mail is [REDACTED:email]' }] }]);
      expect(JSON.parse(first['gen_ai.system_instructions'] as string)).toEqual([{ type: 'text', content: 'You are terse.' }]);
      const second = got.get(ids[1])!.attributes;
      expect(Buffer.byteLength(second['gen_ai.input.messages'] as string)).toBeLessThanOrEqual(2048);
      expect(second['llm.content.input.original_bytes']).toBe(Buffer.byteLength(JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'ü'.repeat(5000) }] }])));
      expect(JSON.parse(got.get(ids[2])!.attributes['gen_ai.output.messages'] as string)[0].parts[0].arguments).toEqual({ q: 'Bearer [REDACTED:bearerToken]' });
    });

  it('reaches a customExporter (its spans built in the worker) with the attributes OTLP gets', async () => {
    const seen: ReadableSpan[] = [];
    const t = new RactoTracer({ captureContent: true, otlpHttpEndpoint: http.url, customExporter: {
      export: (spans: ReadableSpan[], done: (r: { code: number }) => void) => { seen.push(...spans); done({ code: 0 }); },
      shutdown: async () => undefined,
    } });
    const id = nextId();
    t.recordChatSpan({ ...base, responseId: id, input: 'card 4111 1111 1111 1111', finishReasons: ['stop'] });
    await t.shutdown();
    const otlp = byId(http, [id]).get(id)!.attributes;
    expect(seen).toHaveLength(1);
    expect(seen[0].attributes['gen_ai.input.messages']).toBe(otlp['gen_ai.input.messages']);
    expect(seen[0].attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(otlp['gen_ai.input.messages']).toBe('[{"role":"user","parts":[{"type":"text","content":"card [REDACTED:cardNumber]"}]}]');
  });
});

describe('the scrub module in the workers', () => {
  it('fails closed on the span it throws on: exported without content, counted, said', async () => {
    const warnings: string[] = [];
    diag.setLogger({ error: () => {}, warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
    const t = new RactoTracer({ otlpHttpEndpoint: http.url, captureContent: true, redaction: { scrubModule: { module: scrubModule, exportName: 'scrub' } } });
    expect(await t.ready()).toBe(true);
    const ids = [nextId(), nextId()];
    t.recordChatSpan({ ...base, responseId: ids[0], input: 'please explode' });
    t.recordChatSpan({ ...base, responseId: ids[1], input: 'customer ACME-77 here' });
    await t.shutdown();
    diag.disable();
    expect(warnings).toEqual(['ractogateway: 1 spans exported without their content: the scrub module threw: scrubber exploded']);
    const got = byId(http, ids);
    expect(got.get(ids[0])!.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(got.get(ids[1])!.attributes['gen_ai.input.messages']).toBe('[{"role":"user","parts":[{"type":"text","content":"customer [CUSTOMER] here"}]}]');
    expect(t.stats()).toMatchObject({ recorded: 2, exported: 2, contentDropped: { scrubFailed: 1, arenaFull: 0 } });
  });

  it('fails closed when it cannot be loaded: ready() is false, spans go without content, counted', async () => {
    const t = new RactoTracer({ otlpHttpEndpoint: http.url, captureContent: true, redaction: { scrubModule: { module: '/nonexistent/scrub.mjs' } } });
    expect(await t.ready()).toBe(false);
    const id = nextId();
    t.recordChatSpan({ ...base, responseId: id, input: 'hello' });
    await t.shutdown();
    expect(byId(http, [id]).get(id)!.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(t.stats().contentDropped.scrubFailed).toBe(1);
  });

  it('runs only for the spans tail sampling keeps: a sampled-out span costs no content work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racto-scrub-'));
    const file = join(dir, 'calls');
    process.env.SCRUB_CALLS_FILE = file;
    try {
      const t = new RactoTracer({ otlpHttpEndpoint: http.url, captureContent: true, sampling: { ratio: 0, keepErrors: true },
        redaction: { scrubModule: { module: scrubModule, exportName: 'scrub' } } });
      await t.ready();
      for (let i = 0; i < 20; i++) {
        t.recordChatSpan({ ...base, responseId: nextId(), input: `question ${i}`, ...(i % 5 === 0 ? { status: 'error', errorType: 'Boom' } : {}) });
      }
      await t.shutdown();
      expect(t.stats()).toMatchObject({ recorded: 20, exported: 4, droppedByReason: { sampled: 16 } });
      // One text per call, scrubbed for the four error spans kept, never for the others.
      expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(4);
    } finally {
      delete process.env.SCRUB_CALLS_FILE;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
