// Property tests of parseWire (fast-check, seeded): random bytes, valid bodies with random bytes
// changed, and every valid stream cut at every byte. The parser never throws, and what it returns
// is always a well-formed call: whole token counts whose parts never exceed their whole, a problem
// and an error type from their closed sets, and for a cut stream nothing the whole stream does not say.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WIRE_FORMATS, type WireCall, type WireExchange } from '../../../src/shared/wire.js';
import { WIRE_ERROR_TYPES } from '../../../src/worker/wire/errors.js';
import { parseWire } from '../../../src/worker/wire/index.js';
import * as anthropic from '../../instrument/fakes/anthropic.js';
import * as google from '../../instrument/fakes/google.js';
import * as openai from '../../instrument/fakes/openai.js';
import { ALL, exchange, NONE } from './exchange.js';

const SEED = 2028;
const PROBLEMS = new Set(['cut', 'json', 'sse', 'utf8', 'shape']);
const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff;

/** What breaks the invariants of a call parseWire returns (none: an empty list). Plain checks, one expect per case. */
function flaws(c: WireCall): string[] {
  const out: string[] = [];
  if (!['chat', 'stream', 'embed'].includes(c.operation)) out.push(`operation ${c.operation}`);
  for (const n of [c.inputTokens, c.outputTokens, c.cachedInputTokens, c.cacheWriteTokens, c.reasoningTokens, c.toolCalls]) if (!isCount(n)) out.push(`count ${n}`);
  if (c.cachedInputTokens + c.cacheWriteTokens > c.inputTokens) out.push('input parts exceed input');
  if (c.reasoningTokens > c.outputTokens) out.push('reasoning exceeds output');
  if (c.problem !== undefined && !PROBLEMS.has(c.problem)) out.push(`problem ${c.problem}`);
  if (c.errorType !== undefined && !WIRE_ERROR_TYPES.has(c.errorType)) out.push(`errorType ${c.errorType}`);
  if (!c.finishReasons.every((r) => typeof r === 'string')) out.push('finish reasons');
  for (const s of [c.model, c.responseModel, c.responseId]) if (s !== undefined && typeof s !== 'string') out.push(`string ${String(s)}`);
  return out;
}

function wellFormed(c: WireCall): void {
  expect(flaws(c)).toEqual([]);
}

const chatReq = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } };
const GEMINI_STREAM = '/v1beta/models/gemini-2.5-flash:streamGenerateContent';

/** One valid exchange of every format, plain and streamed. */
const VALID: WireExchange[] = [
  exchange('openai.chat', { ...chatReq, stream: false }, openai.chatCompletion({ tools: true })),
  exchange('openai.chat', chatReq, openai.chatStream(chatReq, { tools: true })),
  exchange('openai.responses', { model: 'gpt-4.1', input: 'hi' }, { json: openai.responseObject() }),
  exchange('openai.responses', { model: 'gpt-4.1', input: 'hi', stream: true }, openai.responsesStream()),
  exchange('openai.embeddings', { model: 'text-embedding-3-small', input: ['a'] }, openai.embeddings({ input: ['a'] })),
  exchange('anthropic.messages', { model: 'claude', messages: [] }, anthropic.message({ tools: true })),
  exchange('anthropic.messages', { model: 'claude', messages: [], stream: true }, anthropic.messageStream({ tools: true })),
  exchange('google.generate', { contents: [] }, google.generateContent({ tools: true }), '/v1beta/models/gemini-2.5-flash:generateContent'),
  exchange('google.generate', { contents: [] }, google.streamGenerateContent({ tools: true }), GEMINI_STREAM),
  // Gemini's stream without ?alt=sse: one JSON array of the same chunks.
  { ...exchange('google.generate', { contents: [] }, { json: google.streamGenerateContent({ tools: true }).sse!.map((e) => e.data) }, GEMINI_STREAM) },
  exchange('google.batchEmbed', { requests: [{}] }, google.batchEmbedContents({ requests: [{}] }), '/v1beta/models/e:batchEmbedContents'),
];
const STREAMS = VALID.filter((ex) => ex.sse || ex.path === GEMINI_STREAM);

const capture = fc.constantFrom(NONE, ALL, { system: false, input: true, output: false, tools: true });

describe('parseWire on bad bytes', () => {
  it('never throws on random bytes, for any format, status and flags', () => {
    fc.assert(fc.property(
      fc.constantFrom(...WIRE_FORMATS), fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 1500 }),
      fc.constantFrom(0, 200, 200, 400, 429, 500, 529, 302), fc.boolean(), fc.boolean(), fc.boolean(), capture,
      fc.constantFrom('/v1/chat/completions', GEMINI_STREAM, '/models/:x', ''),
      (format, request, response, status, sse, requestCut, responseCut, cap, path) => {
        wellFormed(parseWire({ format, path, status, sse, headers: [], request, requestCut, response, responseCut }, cap));
      }), { seed: SEED, numRuns: 600 });
  });

  it('never throws on valid bodies with bytes changed, inserted or removed', () => {
    const edit = fc.record({ at: fc.nat(), op: fc.constantFrom('set', 'insert', 'delete'), byte: fc.constantFrom(0x22, 0x7b, 0x7d, 0x5b, 0x0a, 0x0d, 0x3a, 0x5c, 0xff, 0xc3, 0x30, 0x2c) });
    fc.assert(fc.property(fc.constantFrom(...VALID), fc.array(edit, { minLength: 1, maxLength: 8 }), fc.boolean(), capture, (ex, edits, onRequest, cap) => {
      const bytes = [...(onRequest ? ex.request : ex.response)];
      for (const e of edits) {
        const at = e.at % (bytes.length + 1);
        if (e.op === 'set') bytes[at] = e.byte;
        else if (e.op === 'insert') bytes.splice(at, 0, e.byte);
        else bytes.splice(at, 1);
      }
      const changed = Uint8Array.from(bytes);
      wellFormed(parseWire(onRequest ? { ...ex, request: changed } : { ...ex, response: changed }, cap));
    }), { seed: SEED, numRuns: 500 });
  });

  it('reads every stream cut at every byte: no throw, problem cut, nothing the whole stream does not say', () => {
    const bad: string[] = [];
    let cuts = 0;
    for (const ex of STREAMS) {
      const whole = parseWire(ex, ALL);
      expect(whole.problem).toBeUndefined();
      expect(whole.inputTokens).toBeGreaterThan(0);
      for (let at = 0; at < ex.response.length; at++, cuts++) {
        const cutEx = { ...ex, response: ex.response.subarray(0, at), responseCut: true };
        const cut = parseWire(cutEx, NONE);
        const f = flaws(cut);
        // Without content the parsers skip what only content needs (quiet chunks, deltas, the
        // request's body): the call's own fields must come out as if everything were read.
        const { content, ...all } = parseWire(cutEx, ALL);
        if (JSON.stringify(all) !== JSON.stringify({ ...cut, content: undefined })) f.push(`none ${JSON.stringify(cut)} != all ${JSON.stringify(all)}`);
        void content;
        if (cut.problem !== 'cut') f.push(`problem ${cut.problem}`);
        if (cut.model !== whole.model) f.push(`model ${cut.model}`);
        if (cut.responseModel !== undefined && cut.responseModel !== whole.responseModel) f.push(`responseModel ${cut.responseModel}`);
        if (cut.inputTokens !== 0 && cut.inputTokens !== whole.inputTokens) f.push(`input ${cut.inputTokens}`);
        if (cut.outputTokens > whole.outputTokens) f.push(`output ${cut.outputTokens}`);
        if (cut.toolCalls > whole.toolCalls) f.push(`tools ${cut.toolCalls}`);
        if (f.length > 0) bad.push(`${ex.format} ${ex.path} cut at ${at}: ${f.join(', ')}`);
      }
    }
    expect(cuts).toBeGreaterThan(5000);
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('reads a stream that ended early (not cut by the capture) as far as it went', () => {
    for (const ex of STREAMS) {
      for (let at = 0; at < ex.response.length; at += 7) {
        const early = parseWire({ ...ex, response: ex.response.subarray(0, at) }, NONE);
        const f = flaws(early);
        if (![undefined, 'sse', 'json'].includes(early.problem)) f.push(`problem ${early.problem}`);
        expect(f).toEqual([]);
      }
    }
  });

  it('reads a 50 MB answer and a deeply nested request without throwing', () => {
    const big = openai.chatCompletion({ content: 'x'.repeat(50 * 1024 * 1024) });
    const call = parseWire(exchange('openai.chat', { model: 'gpt-4o-mini', messages: [] }, big), NONE);
    expect(call).toMatchObject({ inputTokens: 1200, outputTokens: 300, problem: undefined });
    const deep = new TextEncoder().encode(`{"model":"m","messages":${'['.repeat(500_000)}`);
    const nested = parseWire({ ...VALID[0]!, request: deep }, ALL);
    expect(nested).toMatchObject({ model: 'm', problem: 'json', inputTokens: 1200 });
  });
});
