// The content-capture options: what is captured by default and per category, the semantic
// conventions' environment variable, and clear errors for bad values.
import { afterEach, describe, expect, it } from 'vitest';
import { expectThrows } from '../helpers.js';
import { RactoTracer } from '../pkg.js';

const CODE = 'RACTO_ERR_INVALID_OPTION';
const ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';
const call = { provider: 'openai', model: 'gpt-4o', latencyMs: 5, system: 'be brief', input: 'hi', output: 'hello',
  tools: [{ type: 'function', name: 'lookup' }] };

afterEach(() => {
  delete process.env[ENV];
});

/** The content the one span of a tracer made with `options` carries. */
function contentWith(options: Record<string, unknown>) {
  const t = new RactoTracer({ inMemory: true, ...options });
  t.recordChatSpan(call);
  return t.spans[0]!.content;
}

describe('captureContent', () => {
  it('captures nothing by default: the span has no content and the tracer says so', () => {
    const t = new RactoTracer({ inMemory: true });
    t.recordChatSpan(call);
    expect(t.spans[0]!.content).toBeNull();
    expect(t.contentCapture).toEqual({ system: false, input: false, output: false, tools: false });
  });

  it('captures every category with true', () => {
    const c = contentWith({ captureContent: true });
    expect(Object.keys(c!).sort()).toEqual(['inputMessages', 'outputMessages', 'systemInstructions', 'toolDefinitions']);
  });

  it.each([
    ['system', 'systemInstructions'],
    ['input', 'inputMessages'],
    ['output', 'outputMessages'],
    ['tools', 'toolDefinitions'],
  ])('captures only the %s category when it alone is on', (category, field) => {
    const c = contentWith({ captureContent: { [category]: true } });
    expect(Object.keys(c!)).toEqual([field]);
  });

  it('is turned on by OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true', () => {
    process.env[ENV] = 'true';
    const t = new RactoTracer({ inMemory: true });
    expect(t.contentCapture).toEqual({ system: true, input: true, output: true, tools: true });
    t.recordChatSpan(call);
    expect(t.spans[0]!.content?.inputMessages).toBe('[{"role":"user","parts":[{"type":"text","content":"hi"}]}]');
  });

  it('leaves the option in charge over the environment variable', () => {
    process.env[ENV] = 'TRUE';
    expect(new RactoTracer({ inMemory: true, captureContent: false }).contentCapture.input).toBe(false);
    expect(new RactoTracer({ inMemory: true, captureContent: { output: true } }).contentCapture).toEqual({ system: false, input: false, output: true, tools: false });
  });

  it('ignores other values of the environment variable', () => {
    process.env[ENV] = 'false';
    expect(new RactoTracer({ inMemory: true }).contentCapture.input).toBe(false);
    process.env[ENV] = 'yes';
    expect(new RactoTracer({ inMemory: true }).contentCapture.input).toBe(false);
  });

  it('does not even read the content fields of a call while their category is off', () => {
    const t = new RactoTracer({ inMemory: true, captureContent: { output: true } });
    // Invalid input, never looked at: the call is recorded with its output alone.
    expect(t.recordChatSpan({ ...call, input: 42 as never })).toBe(true);
    expect(Object.keys(t.spans[0]!.content!)).toEqual(['outputMessages']);
  });
});

describe('content options', () => {
  it.each([
    [{ captureContent: 'yes' }, TypeError, 'options.captureContent must be a boolean or an object like { input: true, output: true } (received "yes")'],
    [{ captureContent: { prompts: true } }, TypeError, "options.captureContent.prompts must be one of 'system', 'input', 'output', 'tools' (received true)"],
    [{ captureContent: { input: 1 } }, TypeError, 'options.captureContent.input must be a boolean (received 1)'],
    [{ maxContentBytes: 100 }, RangeError, 'options.maxContentBytes must be an integer between 256 and 1048576 (received 100)'],
    [{ maxContentBytes: '16k' }, TypeError, 'options.maxContentBytes must be a number (received "16k")'],
    [{ contentArenaBytes: 1024 }, RangeError, 'options.contentArenaBytes must be an integer between 65536 and 2147483647 (received 1024)'],
    [{ redaction: 'on' }, TypeError, 'options.redaction must be a boolean or an object like { patterns: [/secret/] } (received "on")'],
    [{ redaction: { rule: [] } }, TypeError, "options.redaction.rule must be one of 'rules', 'pii', 'patterns', 'scrubModule' (received an array)"],
    [{ redaction: { rules: ['email', 'creditCard'] } }, RangeError, "options.redaction.rules[1] must be 'privateKey', 'urlCredentials', 'connectionString', 'jwt', 'bearerToken', 'apiKey', 'cloudKey', 'codeToken', 'paymentKey', 'messagingToken', 'platformToken', 'awsSecretKey', 'secretValue', 'cardNumber', 'email', 'iban', 'ssn', 'ipv4', 'ipv6', 'phone' (received \"creditCard\")"],
    [{ redaction: { pii: 'yes' } }, TypeError, 'options.redaction.pii must be a boolean (received "yes")'],
    [{ redaction: { rules: 'email' } }, TypeError, 'options.redaction.rules must be a boolean or an array of rule names (received "email")'],
    [{ redaction: { patterns: ['secret'] } }, TypeError, 'options.redaction.patterns[0] must be a RegExp (received "secret")'],
    [{ redaction: { patterns: [/x*/] } }, RangeError, 'options.redaction.patterns[0] must be a pattern that does not match the empty string (received "/x*/")'],
    [{ redaction: { scrubModule: './scrub.js' } }, TypeError, 'options.redaction.scrubModule must be an object { module, exportName } (received "./scrub.js")'],
    [{ redaction: { scrubModule: { module: '' } } }, TypeError, 'options.redaction.scrubModule.module must be a non-empty string (received "")'],
    [{ redaction: { scrubModule: { module: 'x', exportName: 7 } } }, TypeError, 'options.redaction.scrubModule.exportName must be a non-empty string (received 7)'],
  ])('%j is refused', (options, Type, message) => {
    expectThrows(() => new RactoTracer({ inMemory: true, captureContent: true, ...options } as never), Type, message, CODE);
  });

  it('validates the content options even while nothing is captured', () => {
    expectThrows(() => new RactoTracer({ inMemory: true, maxContentBytes: 1 }), RangeError,
      'options.maxContentBytes must be an integer between 256 and 1048576 (received 1)', CODE);
  });
});
