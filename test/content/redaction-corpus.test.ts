// Recall and precision of the built-in redaction rules on a corpus of our own (corpus/): made-up
// values in each kind's documented shape, in the contexts users paste them in, and texts that
// look close but hold no secret. Printed; fails below 95 % recall on the defaults, 90 % on PII,
// and below 95 % of the benign texts untouched. In memory (the workers run the same code).
import { describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { benignTexts } from './corpus/benign.js';
import { Maker } from './corpus/make.js';
import { piiCases, piiLookAlikes } from './corpus/pii.js';
import { secretCases, type Case } from './corpus/secrets.js';

const base = { provider: 'openai', model: 'gpt-4o', latencyMs: 5 };

/** Each text's input message after redaction under `redaction`. */
function redactAll(texts: readonly string[], redaction: unknown = true): string[] {
  const t = new RactoTracer({ inMemory: true, captureContent: true, redaction: redaction as never });
  for (const input of texts) t.recordChatSpan({ ...base, input });
  return t.spans.map((s) => JSON.parse(s.content!.inputMessages!)[0].parts[0].content as string);
}

/** The share of `cases` whose secret is gone, and the ones missed. */
function recall(cases: readonly Case[], redaction: unknown): { share: number; missed: Case[]; wrongRule: string[] } {
  const out = redactAll(cases.map((c) => c.text), redaction);
  const missed = cases.filter((c, i) => out[i]!.includes(c.secret));
  const wrongRule = cases.filter((c, i) => !out[i]!.includes(c.secret) && !out[i]!.includes(`[REDACTED:${c.rule}]`)).map((c, i) => `${c.kind}: ${out[cases.indexOf(c)]!.slice(0, 120)}`);
  return { share: 1 - missed.length / cases.length, missed, wrongRule };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

describe('the redaction corpus', () => {
  const m = new Maker(31);
  const secrets = secretCases(m);
  const pii = piiCases(m);
  const benign = benignTexts(m);
  const lookAlikes = piiLookAlikes(m);

  it('catches at least 95 % of the secrets with the default rules, each by the rule the README names', () => {
    const r = recall(secrets, true);
    const kinds = new Set(secrets.map((c) => c.kind)).size;
    console.log(`redaction corpus, defaults: recall ${pct(r.share)} of ${secrets.length} secrets of ${kinds} kinds; missed: ${r.missed.map((c) => c.kind).join(', ') || 'none'}`);
    expect(r.share).toBeGreaterThanOrEqual(0.95);
    expect(r.wrongRule).toEqual([]);
  });

  it('catches at least 90 % of the personal data with pii: true, and none of it without', () => {
    const r = recall(pii, { pii: true });
    console.log(`redaction corpus, pii: recall ${pct(r.share)} of ${pii.length} values; missed: ${r.missed.map((c) => `${c.kind} (${c.secret})`).join(', ') || 'none'}`);
    expect(r.share).toBeGreaterThanOrEqual(0.9);
    expect(r.wrongRule).toEqual([]);
    expect(recall(pii, true).share).toBe(0);
  });

  it('leaves at least 95 % of the benign texts untouched, with the defaults and with pii: true', () => {
    for (const [name, redaction, texts] of [['defaults', true, benign], ['pii', { pii: true }, [...benign, ...lookAlikes]]] as const) {
      const out = redactAll(texts, redaction);
      const changed = texts.filter((t, i) => out[i] !== t);
      const share = 1 - changed.length / texts.length;
      console.log(`redaction corpus, ${name}: ${pct(share)} of ${texts.length} benign texts untouched; changed: ${changed.map((t, i) => JSON.stringify(t.slice(0, 60)) + ' -> ' + JSON.stringify(out[texts.indexOf(t)]!.slice(0, 60))).join('; ') || 'none'}`);
      expect(share, name).toBeGreaterThanOrEqual(0.95);
    }
  });
});
