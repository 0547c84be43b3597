// Redaction of captured content, on by default: the built-in rules, the user's patterns and
// scrub module, what they leave alone. In memory (the calling thread runs the workers' code);
// through workers in test/e2e/content.test.ts.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';

const base = { provider: 'openai', model: 'gpt-4o', latencyMs: 5 };
const scrubModule = fileURLToPath(new URL('../fixtures/scrub-acme.mjs', import.meta.url));

/** The text of the one input message after redaction under `options`. */
function redacted(text: string, options: Record<string, unknown> = {}): string {
  const t = new RactoTracer({ inMemory: true, captureContent: true, ...options });
  t.recordChatSpan({ ...base, input: text });
  return JSON.parse(t.spans[0]!.content!.inputMessages!)[0].parts[0].content;
}

describe('built-in redaction rules (on by default)', () => {
  it.each([
    ['an OpenAI key', 'key sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345 here', 'key [REDACTED:apiKey] here'],
    ['an Anthropic key', 'sk-ant-api03-AAAABBBBCCCCDDDDEEEEFFFF-x', '[REDACTED:apiKey]'],
    ['a Google API key', 'AIzaSyA1234567890abcdefghijklmnopqrstuv', '[REDACTED:apiKey]'],
    ['an AWS access key id', 'id=AKIAIOSFODNN7EXAMPLE;', 'id=[REDACTED:cloudKey];'],
    ['a GitHub token', 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', '[REDACTED:codeToken]'],
    ['a bearer token, the scheme kept', 'Authorization: Bearer abc.DEF-123_ghi~jkl', 'Authorization: Bearer [REDACTED:bearerToken]'],
    ['basic credentials, any case', 'authorization: basic dXNlcjpwYXNzd29yZA==', 'authorization: basic [REDACTED:bearerToken]'],
    ['a JWT', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end', 'token [REDACTED:jwt] end'],
    ['an e-mail address', 'write to jane.doe+gw@mail.example.co.uk today', 'write to [REDACTED:email] today'],
    ['a card number with spaces', 'card 4111 1111 1111 1111 ok', 'card [REDACTED:cardNumber] ok'],
    ['a card number with dashes', 'card 5500-0000-0000-0004.', 'card [REDACTED:cardNumber].'],
    ['a card number in one run', 'pan=378282246310005', 'pan=[REDACTED:cardNumber]'],
  ])('replaces %s', (_what, text, expected) => {
    expect(redacted(text)).toBe(expected);
  });

  it.each([
    ['digits that fail the Luhn check', 'order 4111 1111 1111 1112 shipped'],
    ['a long id of digits', 'trace 12345678901234567890123456789 ok'],
    ['a phrase with the word Basic', 'Basic authentication is deprecated'],
    ['a word ending in sk-', 'task-abcdefghijklmnopqrstuvwxyz0123'],
    ['a short sk- word', 'sk-learn is a library'],
    ['an @ that is no address', 'meet @ noon, user@localhost'],
  ])('leaves %s alone', (_what, text) => {
    expect(redacted(text)).toBe(text);
  });

  it('runs only the rules named in redaction.rules', () => {
    expect(redacted('mail a@b.io with sk-proj-AbCdEfGhIjKlMnOpQrStUvWx', { redaction: { rules: ['email'] } }))
      .toBe('mail [REDACTED:email] with sk-proj-AbCdEfGhIjKlMnOpQrStUvWx');
  });

  it('runs none with redaction: false', () => {
    const text = 'mail a@b.io, card 4111 1111 1111 1111';
    expect(redacted(text, { redaction: false })).toBe(text);
  });

  it('replaces the user patterns too, after the rules', () => {
    expect(redacted('ticket INC-4411 from a@b.io', { redaction: { patterns: [/INC-\d+/, /from/i] } }))
      .toBe('ticket [REDACTED] [REDACTED] [REDACTED:email]');
  });

  it('redacts every text of the content: tool arguments, tool results, tool descriptions, names left alone', () => {
    const t = new RactoTracer({ inMemory: true, captureContent: true });
    t.recordChatSpan({ ...base,
      input: [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'email_user', arguments: '{"to":"bob@corp.example"}' }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { sent: ['bob@corp.example'] } }] },
        { role: 'user', parts: [{ type: 'blob', modality: 'image', mime_type: 'image/png', content: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc' }] }],
      tools: [{ type: 'function', name: 'email_user', description: 'Mails support@corp.example' }] });
    const c = t.spans[0]!.content!;
    expect(JSON.parse(c.inputMessages!)).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'email_user', arguments: { to: '[REDACTED:email]' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { sent: ['[REDACTED:email]'] } }] },
      // A blob is base64 data, not text: left as it is.
      { role: 'user', parts: [{ type: 'blob', modality: 'image', mime_type: 'image/png', content: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc' }] },
    ]);
    expect(JSON.parse(c.toolDefinitions!)).toEqual([{ type: 'function', name: 'email_user', description: 'Mails [REDACTED:email]' }]);
  });

  it('drops the unfinished token of a text cut at the copy limit, so half a key never shows', () => {
    // maxContentBytes 256: the main thread copies 512 bytes of text and cuts the rest; the cut
    // falls inside the key, whose copied start alone would not match the rule.
    const text = `${'word '.repeat(100)}sk-proj-${'A'.repeat(40)} tail`;
    const out = redacted(text, { maxContentBytes: 256 });
    expect(out).not.toMatch(/sk-|AAAA/);
    expect(out.endsWith('…[truncated]')).toBe(true);
  });
});

describe('the scrub module', () => {
  it('scrubs every text after the rules, once the tracer is ready', async () => {
    const t = new RactoTracer({ inMemory: true, captureContent: true, redaction: { scrubModule: { module: scrubModule, exportName: 'scrub' } } });
    expect(await t.ready()).toBe(true);
    t.recordChatSpan({ ...base, input: 'customer ACME-20991 wrote from a@b.io' });
    expect(JSON.parse(t.spans[0]!.content!.inputMessages!)[0].parts[0].content).toBe('customer [CUSTOMER] wrote from [REDACTED:email]');
  });

  it('fails closed: a span it throws on, or recorded before it loaded, has no content and is counted', async () => {
    const t = new RactoTracer({ inMemory: true, captureContent: true, redaction: { scrubModule: { module: scrubModule, exportName: 'scrub' } } });
    t.recordChatSpan({ ...base, input: 'too early' });
    await t.ready();
    t.recordChatSpan({ ...base, input: 'please explode' });
    t.recordChatSpan({ ...base, input: 'fine' });
    expect(t.spans.map((s) => s.content === null)).toEqual([true, true, false]);
    expect(t.stats()).toMatchObject({ recorded: 3, exported: 3, contentDropped: { arenaFull: 0, scrubFailed: 2 } });
  });

  it('fails closed when its export is not a function: ready() is false, no span has content', async () => {
    const t = new RactoTracer({ inMemory: true, captureContent: true, redaction: { scrubModule: { module: scrubModule, exportName: 'notAFunction' } } });
    expect(await t.ready()).toBe(false);
    t.recordChatSpan({ ...base, input: 'hello' });
    expect(t.spans[0]!.content).toBeNull();
    expect(t.stats().contentDropped.scrubFailed).toBe(1);
  });
});
