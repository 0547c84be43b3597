// Redaction of captured content: the built-in rules (rules/), the user's patterns, then the user's
// scrub function, over one string at a time, counting each rule's replacements. Worker zone (and
// the calling thread of an in-memory tracer); pure but for the count it reports.

import { REDACTED, REDACTION_RULES, type RedactionRule } from '../../shared/content-config.js';
import { RULES, type Rule } from './rules/index.js';
import { Probe } from './rules/probe.js';

export { RULES, luhn, ruleMark } from './rules/index.js';

/** Called with a rule's index in REDACTION_RULES and how many matches it replaced in one string. */
export type RedactionCount = (rule: number, n: number) => void;

/** Thrown when the scrub function fails on a string: the span's content is left out (fail closed). */
export class ScrubFailed extends Error {}

export class Redactor {
  readonly #rules: Rule[];
  /** Per rule part, its replace function counting into #hits (made once, not per string). */
  readonly #replacers: ((...args: string[]) => string)[];
  /** Per rule part, its rule's index in REDACTION_RULES: its counter. */
  readonly #ids: number[];
  readonly #patterns: RegExp[];
  readonly #scrub: ((text: string) => unknown) | undefined;
  readonly #count: RedactionCount | undefined;
  #hits = 0;

  constructor(rules: readonly RedactionRule[], patterns: readonly { source: string; flags: string }[], scrub?: (text: string) => unknown, count?: RedactionCount) {
    this.#rules = rules.flatMap((r) => RULES[r]);
    this.#ids = rules.flatMap((r) => RULES[r].map(() => REDACTION_RULES.indexOf(r)));
    this.#replacers = this.#rules.map((rule) => (...args: string[]): string => {
      const out = rule.replace(...(args as [string, ...string[]]));
      if (out !== args[0]) this.#hits++;
      return out;
    });
    this.#patterns = patterns.map((p) => new RegExp(p.source, p.flags));
    this.#scrub = scrub;
    this.#count = count;
  }

  /** Whether any redaction runs at all. */
  get active(): boolean {
    return this.#rules.length > 0 || this.#patterns.length > 0 || this.#scrub !== undefined;
  }

  /** `s` with `r`'s matches replaced, each with its first group (just before the match) too. */
  #withLead(s: string, r: Rule): string {
    let out = '';
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = r.pattern.exec(s)) !== null) {
      const replaced = r.replace(m[0], ...(m.slice(1) as string[]), m.index as never, s as never);
      if (replaced !== m[0]) {
        // Never back into what an earlier match already replaced.
        const from = Math.max(last, m.index - (m[1]?.length ?? 0));
        out += s.slice(last, from) + replaced;
        last = m.index + m[0].length;
        this.#hits++;
      }
      if (m[0].length === 0) r.pattern.lastIndex++;
    }
    return last === 0 ? s : out + s.slice(last);
  }

  /** `text` with every rule, pattern and the scrub function applied. Throws ScrubFailed. */
  redact(text: string): string {
    let s = text;
    // The pre-checks' shared answers, worked out once, and again only after a replacement.
    let probe = new Probe(s);
    const rules = this.#rules;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]!;
      if (r.may !== undefined && !r.may(probe)) continue;
      r.pattern.lastIndex = 0;
      this.#hits = 0;
      s = r.lead === true ? this.#withLead(s, r) : s.replace(r.pattern, this.#replacers[i]!);
      if (this.#hits > 0) {
        probe = new Probe(s);
        this.#count?.(this.#ids[i]!, this.#hits);
      }
    }
    for (const p of this.#patterns) {
      p.lastIndex = 0;
      s = s.replace(p, REDACTED);
    }
    const scrub = this.#scrub;
    if (scrub === undefined) return s;
    let out: unknown;
    try {
      out = scrub(s);
    } catch (err) {
      throw new ScrubFailed(`the scrub module threw: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (typeof out !== 'string') throw new ScrubFailed(`the scrub module returned ${out === null ? 'null' : typeof out}, not a string`);
    return out;
  }
}
