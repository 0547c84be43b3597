// Bad input: one row per malformed call, each a TypeError or RangeError naming the field and
// the value, and nothing written.
import { describe, expect, it } from 'vitest';
import { expectThrows } from '../helpers.js';
import { RactoTracer } from '../pkg.js';

const ok = { provider: 'openai', model: 'gpt-4o', latencyMs: 10 };
type Row = [label: string, call: unknown, type: typeof TypeError | typeof RangeError, message: string];

const chatRows: Row[] = [
  ['null call', null, TypeError, 'recordChatSpan(call) must be an object (received null)'],
  ['undefined call', undefined, TypeError, 'recordChatSpan(call) must be an object (received undefined)'],
  ['string call', 'gpt-4o', TypeError, 'recordChatSpan(call) must be an object (received "gpt-4o")'],
  ['array call', [], TypeError, 'recordChatSpan(call) must be an object (received an array)'],
  ['missing provider', { model: 'm', latencyMs: 1 }, TypeError, 'call.provider must be a non-empty string (received undefined)'],
  ['numeric provider', { ...ok, provider: 42 }, TypeError, 'call.provider must be a non-empty string (received 42)'],
  ['empty provider', { ...ok, provider: '' }, RangeError, 'call.provider must be a string of 1 to 256 characters (received "")'],
  ['empty model', { ...ok, model: '' }, RangeError, 'call.model must be a string of 1 to 256 characters (received "")'],
  ['huge model', { ...ok, model: 'x'.repeat(300) }, RangeError, `call.model must be a string of 1 to 256 characters (received "${'x'.repeat(40)}…" (300 chars))`],
  ['missing latency', { provider: 'p', model: 'm' }, TypeError, 'call.latencyMs must be a number of milliseconds (received undefined)'],
  ['string latency', { ...ok, latencyMs: '10' }, TypeError, 'call.latencyMs must be a number of milliseconds (received "10")'],
  ['negative latency', { ...ok, latencyMs: -0.5 }, RangeError, 'call.latencyMs must be a finite number >= 0 (received -0.5)'],
  ['NaN latency', { ...ok, latencyMs: Number.NaN }, RangeError, 'call.latencyMs must be a finite number >= 0 (received NaN)'],
  ['infinite latency', { ...ok, latencyMs: Infinity }, RangeError, 'call.latencyMs must be a finite number >= 0 (received Infinity)'],
  ['fractional input tokens', { ...ok, inputTokens: 1.5 }, RangeError, 'call.inputTokens must be an integer between 0 and 4294967295 (received 1.5)'],
  ['negative output tokens', { ...ok, outputTokens: -1 }, RangeError, 'call.outputTokens must be an integer between 0 and 4294967295 (received -1)'],
  ['tokens past 2^32', { ...ok, inputTokens: 2 ** 32 }, RangeError, 'call.inputTokens must be an integer between 0 and 4294967295 (received 4294967296)'],
  ['string tokens', { ...ok, inputTokens: '5' }, TypeError, 'call.inputTokens must be an integer (received "5")'],
  ['null tool calls', { ...ok, toolCalls: null }, TypeError, 'call.toolCalls must be an integer (received null)'],
  ['NaN tool calls', { ...ok, toolCalls: Number.NaN }, RangeError, 'call.toolCalls must be an integer between 0 and 4294967295 (received NaN)'],
  ['unknown cacheHit', { ...ok, cacheHit: 'partial' }, RangeError, `call.cacheHit must be 'exact', 'semantic' or 'miss' (received "partial")`],
  ['boolean cacheHit', { ...ok, cacheHit: true }, TypeError, `call.cacheHit must be 'exact', 'semantic' or 'miss' (received true)`],
  ['unknown status', { ...ok, status: 'failed' }, RangeError, `call.status must be 'ok' or 'error' (received "failed")`],
  ['unknown operation', { ...ok, operation: 'embed' }, RangeError, `call.operation must be 'chat' or 'stream' (received "embed")`],
  ['numeric errorType', { ...ok, status: 'error', errorType: 500 }, TypeError, 'call.errorType must be a non-empty string (received 500)'],
  ['errorType on success', { ...ok, errorType: 'Timeout' }, RangeError, `call.errorType must be absent unless call.status is 'error' (received "Timeout")`],
  ['-Infinity latency', { ...ok, latencyMs: -Infinity }, RangeError, 'call.latencyMs must be a finite number >= 0 (received -Infinity)'],
  ['Infinity tokens', { ...ok, outputTokens: Infinity }, RangeError, 'call.outputTokens must be an integer between 0 and 4294967295 (received Infinity)'],
  ['BigInt tokens', { ...ok, inputTokens: 12n }, TypeError, 'call.inputTokens must be an integer (received 12n)'],
  ['symbol model', { ...ok, model: Symbol('m') }, TypeError, 'call.model must be a non-empty string (received a symbol)'],
  ['10 MB provider', { ...ok, provider: 'p'.repeat(10 * 2 ** 20) }, RangeError, `call.provider must be a string of 1 to 256 characters (received "${'p'.repeat(40)}…" (10485760 chars))`],
  ['object latency', { ...ok, latencyMs: { valueOf: () => 5 } }, TypeError, 'call.latencyMs must be a number of milliseconds (received an object)'],
  ['NaN endTime', { ...ok, endTime: Number.NaN }, RangeError, 'call.endTime must be a finite number >= 0 (received NaN)'],
  ['string endTime', { ...ok, endTime: '5' }, TypeError, 'call.endTime must be a performance.now() timestamp (received "5")'],
  ['inherited bad latency', Object.assign(Object.create({ latencyMs: -1 }), { provider: 'p', model: 'm' }), RangeError, 'call.latencyMs must be a finite number >= 0 (received -1)'],
  ['function call', () => ok, TypeError, 'recordChatSpan(call) must be an object (received a function)'],
];

const embedRows: Row[] = [
  ['null call', null, TypeError, 'recordEmbedSpan(call) must be an object (received null)'],
  ['negative input tokens', { ...ok, inputTokens: -3 }, RangeError, 'call.inputTokens must be an integer between 0 and 4294967295 (received -3)'],
  ['unknown status', { ...ok, status: 'ERROR' }, RangeError, `call.status must be 'ok' or 'error' (received "ERROR")`],
  ['empty model', { ...ok, model: '' }, RangeError, 'call.model must be a string of 1 to 256 characters (received "")'],
];

describe('recordChatSpan validation', () => {
  it.each(chatRows)('rejects %s', (_label, call, Type, message) => {
    const t = new RactoTracer({ inMemory: true });
    expectThrows(() => t.recordChatSpan(call as never), Type, message);
    expect(t.spans).toEqual([]);
    expect(t.stats().recorded).toBe(0);
  });
});

describe('documented outcomes that are not errors', () => {
  it('ignores extra fields', () => {
    const t = new RactoTracer({ inMemory: true });
    expect(t.recordChatSpan({ ...ok, prompt: 'x'.repeat(1000), temperature: 0.2 } as never)).toBe(true);
    expect(t.spans[0]).toMatchObject({ provider: 'openai', model: 'gpt-4o', latencyMs: 10 });
    expect(Object.keys(t.spans[0])).not.toContain('prompt');
  });

  it('accepts an object with a null prototype, and reads inherited fields like own ones', () => {
    const t = new RactoTracer({ inMemory: true });
    expect(t.recordChatSpan(Object.assign(Object.create(null), ok))).toBe(true);
    expect(t.recordChatSpan(Object.assign(Object.create({ model: 'claude-sonnet-4-6' }), { provider: 'anthropic', latencyMs: 3 }))).toBe(true);
    expect(t.spans.map((s) => s.model)).toEqual(['gpt-4o', 'claude-sonnet-4-6']);
  });

  it('turns a polluted Object.prototype into a validation error, not a bad span', () => {
    const t = new RactoTracer({ inMemory: true });
    const proto = Object.prototype as Record<string, unknown>;
    proto.status = 'hacked';
    try {
      expectThrows(() => t.recordChatSpan(ok), RangeError, `call.status must be 'ok' or 'error' (received "hacked")`);
    } finally {
      delete proto.status;
    }
    expect(t.spans).toEqual([]);
    expect(t.recordChatSpan(ok)).toBe(true);
  });

  it('records -0 tokens as 0', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan({ ...ok, inputTokens: -0, outputTokens: -0 });
    expect(Object.is(t.spans[0].inputTokens, 0)).toBe(true);
    expect(Object.is(t.spans[0].outputTokens, 0)).toBe(true);
  });
});

describe('recordEmbedSpan validation', () => {
  it.each(embedRows)('rejects %s', (_label, call, Type, message) => {
    const t = new RactoTracer({ inMemory: true });
    expectThrows(() => t.recordEmbedSpan(call as never), Type, message);
    expect(t.spans).toEqual([]);
  });

  it('validates even when no destination is configured', () => {
    const t = new RactoTracer();
    expectThrows(() => t.recordEmbedSpan({ ...ok, latencyMs: -1 }), RangeError, 'call.latencyMs must be a finite number >= 0 (received -1)');
    expect(t.recordEmbedSpan(ok)).toBe(false);
    expect(t.stats()).toMatchObject({ recorded: 0, exported: 0, dropped: 0, pending: 0 });
  });
});

describe('option validation', () => {
  const rows: [string, unknown, typeof TypeError | typeof RangeError, string][] = [
    ['ringCapacity not a power of two', { ringCapacity: 1000 }, RangeError, 'options.ringCapacity must be a power of two between 64 and 4194304 (received 1000)'],
    ['ringCapacity too small', { ringCapacity: 32 }, RangeError, 'options.ringCapacity must be an integer between 64 and 4194304 (received 32)'],
    ['workers zero', { workers: 0 }, RangeError, 'options.workers must be an integer between 1 and 64 (received 0)'],
    ['batch bigger than the ring', { ringCapacity: 64, maxExportBatchSize: 65 }, RangeError, 'options.maxExportBatchSize must be an integer between 1 and 64 (received 65)'],
    ['console not boolean', { console: 'yes' }, TypeError, 'options.console must be a boolean (received "yes")'],
    ['empty serviceName', { serviceName: '' }, TypeError, 'options.serviceName must be a non-empty string (received "")'],
    ['unknown option', { inMemmory: true }, TypeError, 'options.inMemmory must be a known option (see RactoTracerOptions) (received true)'],
    ['customExporter without export()', { customExporter: {} }, TypeError, 'options.customExporter must be a SpanExporter (an object with export() and shutdown()) (received an object)'],
    ['bad fullRingPolicy', { fullRingPolicy: 'wait' }, RangeError, `options.fullRingPolicy must be 'drop' or 'block' (received "wait")`],
    ['fullRingBlockMillis zero', { fullRingBlockMillis: 0 }, RangeError, 'options.fullRingBlockMillis must be an integer between 1 and 3600000 (received 0)'],
    ['bad clock', { clock: 'fast' }, RangeError, `options.clock must be 'coarse' or 'precise' (received "fast")`],
    ['workerNice past 19', { workerNice: 20 }, RangeError, 'options.workerNice must be an integer between 0 and 19 (received 20)'],
    ['empty spoolDir', { spoolDir: '' }, TypeError, 'options.spoolDir must be a non-empty string (received "")'],
    ['spoolDir not a string', { spoolDir: 7 }, TypeError, 'options.spoolDir must be a non-empty string (received 7)'],
    ['spoolMaxBytes below 64 KiB', { spoolMaxBytes: 1000 }, RangeError, 'options.spoolMaxBytes must be an integer between 65536 and 281474976710656 (received 1000)'],
    ['spoolMaxBytes not a number', { spoolMaxBytes: '1GB' }, TypeError, 'options.spoolMaxBytes must be a number (received "1GB")'],
    ['options not an object', 5, TypeError, 'options must be an object (received 5)'],
  ];
  it.each(rows)('rejects %s', (_label, options, Type, message) => {
    expectThrows(() => new RactoTracer(options as never), Type, message, 'RACTO_ERR_INVALID_OPTION');
  });
});
