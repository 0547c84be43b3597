// Properties of the built-in redaction rules over random text (fast-check): a key of any kind
// the rules know, embedded anywhere in random prose, is replaced by its rule's mark and nothing
// around it changes; random prose without one (keywords, numbers, identifiers included) comes
// out unchanged, with the defaults and with pii: true.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTION_RULES, SECRET_RULES } from '../../src/shared/content-config.js';
import { Redactor } from '../../src/worker/content/redact.js';
import { hasKeyRun } from '../../src/worker/content/rules/probe.js';
import { ALNUM, B64URL, HEX, UPPER, p } from './corpus/make.js';

const WORDS = ['the', 'a', 'password', 'secret', 'token', 'key', 'reset', 'your', 'model', 'gpt-4o', 'max_tokens', 'api', 'basic', 'bearer',
  'v1.2.3', 'node', 'sk-learn', 'is', 'not', 'here', 'and', 'or', '42', '7', '2024', 'ok.', 'hello,', 'world!', '(see', 'below)', '—', 'naïve', '日本語', '🙂',
  'uuid', 'std::vector', 'x[::2]', 'https://example.com/docs', 'user@localhost', 'config.yaml', 'ghp', 'AKIA', 'eyJ', 'BEGIN', 'PRIVATE', 'KEY'];
const SEPARATORS = [' ', ' ', ' ', '\n', ', ', '. ', '\t'];

const proseOf = (words: readonly string[]): fc.Arbitrary<string> => fc.array(fc.tuple(fc.constantFrom(...words), fc.constantFrom(...SEPARATORS)), { maxLength: 40 })
  .map((parts) => parts.map(([w, s]) => w + s).join('').trim());
const prose = proseOf(WORDS);
// Around a key: no `Bearer`/`Basic` right before it, which makes it a bearer credential instead.
const around = proseOf(WORDS.filter((w) => w !== 'bearer' && w !== 'basic'));

const chars = (alphabet: string, n: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...alphabet), minLength: n, maxLength: n });

/** Keys the rules replace whole, each with the rule that must catch it. */
const KEYS: fc.Arbitrary<[string, string]> = fc.oneof(
  chars(B64URL, 48).map((s) => [p('sk', '-proj-', s), 'apiKey'] as [string, string]),
  chars(ALNUM, 52).map((s) => [p('gs', 'k_', s), 'apiKey'] as [string, string]),
  chars(`${UPPER}234567`, 16).map((s) => [p('AS', 'IA', s), 'cloudKey'] as [string, string]),
  chars(ALNUM, 36).map((s) => [p('gh', 'p_', s), 'codeToken'] as [string, string]),
  chars(ALNUM, 36).map((s) => [p('np', 'm_', s), 'codeToken'] as [string, string]),
  chars(ALNUM, 30).map((s) => [p('sk', '_live_', s), 'paymentKey'] as [string, string]),
  chars(HEX, 32).map((s) => [p('S', 'K', s), 'messagingToken'] as [string, string]),
  chars(HEX, 32).map((s) => [p('da', 'pi', s), 'platformToken'] as [string, string]),
  chars(HEX, 64).map((s) => [p('do', 'p_v1_', s), 'platformToken'] as [string, string]),
);

describe('redaction over random text', () => {
  const defaults = new Redactor(SECRET_RULES, []);
  const all = new Redactor(REDACTION_RULES, []);

  it('replaces a key embedded anywhere by its rule\'s mark, and nothing else', () => {
    fc.assert(fc.property(around, KEYS, around, (before, [key, rule], after) => {
      const text = `${before} ${key} ${after}`;
      expect(defaults.redact(text)).toBe(`${before} [REDACTED:${rule}] ${after}`);
    }), { numRuns: 300 });
  });

  it('leaves random prose without a secret unchanged, with the defaults and with PII', () => {
    fc.assert(fc.property(prose, (text) => {
      expect(defaults.redact(text)).toBe(text);
      expect(all.redact(text)).toBe(text);
    }), { numRuns: 300 });
  });

  it('skips a text only when it holds no run of 16 key characters (the probe looks at every 16th)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '-', ' ', '.', '~', 'é'), maxLength: 200 });
    fc.assert(fc.property(text, (s) => {
      expect(hasKeyRun(s)).toBe(/[A-Za-z0-9_-]{16}/.test(s));
    }), { numRuns: 500 });
  });
});
