// Redaction of captured content: the built-in rules, the user's patterns, then the user's scrub
// function, over one string at a time. Worker zone (and the calling thread of an in-memory
// tracer); pure. Every built-in pattern is anchored where a match can start (a keyword, a literal
// prefix, the start of a run of characters), so that it runs in linear time on any text: a
// pattern that retried every position of a long run would be quadratic.

import { REDACTED, type RedactionRule } from '../../shared/content-config.js';

/** The text a built-in rule leaves where it matched. */
export const ruleMark = (rule: RedactionRule): string => `[REDACTED:${rule}]`;

/** Luhn's checksum over the digits of `s` (card numbers pass it; most digit runs do not). */
export function luhn(s: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
    digits++;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}

interface Rule {
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
  /**
   * False when no match can be in `s`, found with String#includes (a native search, ~20x
   * cheaper here than a pattern's scan): the pattern then does not run.
   */
  may?: (s: string) => boolean;
}

const includesAny = (s: string, parts: readonly string[]): boolean => parts.some((p) => s.includes(p));
const KEY_PREFIXES = ['sk-', 'AIza', 'AKIA', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'glpat-', 'xox'];

export const RULES: Readonly<Record<RedactionRule, Rule>> = {
  // `Authorization: Bearer <token>` and `Basic <credentials>`: the scheme stays, the credential
  // goes. A credential holds a digit or a symbol (the look-ahead): "Basic authentication" stays.
  bearerToken: {
    pattern: /\b(Bearer|Basic)([ \t]+)(?=[A-Za-z0-9._~+/-]*[0-9._~+/-])[A-Za-z0-9._~+/-]{12,}=*/gi,
    replace: (_m, scheme: string, space: string) => `${scheme}${space}${ruleMark('bearerToken')}`,
    may: (s) => {
      const lower = s.toLowerCase();
      return lower.includes('bearer') || lower.includes('basic');
    },
  },
  // A JSON Web Token: base64url header and payload (both JSON objects, so `eyJ`), signature.
  jwt: {
    pattern: /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g,
    replace: () => ruleMark('jwt'),
    may: (s) => s.includes('eyJ'),
  },
  // Provider and platform keys by their documented prefixes: OpenAI and Anthropic (`sk-`,
  // `sk-proj-`, `sk-ant-`), Google (`AIza`), AWS access keys, GitHub, GitLab and Slack tokens.
  apiKey: {
    pattern: /\b(?:sk-[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,})/g,
    replace: () => ruleMark('apiKey'),
    may: (s) => includesAny(s, KEY_PREFIXES),
  },
  // 13 to 19 digits, spaces or dashes between them, that pass Luhn's check.
  cardNumber: {
    pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
    replace: (m) => (luhn(m) ? ruleMark('cardNumber') : m),
  },
  // The local part starts a run (the look-behind), so that a long run without `@` is read once.
  email: {
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b/g,
    replace: () => ruleMark('email'),
    may: (s) => s.includes('@'),
  },
};

/** Thrown when the scrub function fails on a string: the span's content is left out (fail closed). */
export class ScrubFailed extends Error {}

export class Redactor {
  readonly #rules: Rule[];
  readonly #patterns: RegExp[];
  readonly #scrub: ((text: string) => unknown) | undefined;

  constructor(rules: readonly RedactionRule[], patterns: readonly { source: string; flags: string }[], scrub?: (text: string) => unknown) {
    this.#rules = rules.map((r) => RULES[r]);
    this.#patterns = patterns.map((p) => new RegExp(p.source, p.flags));
    this.#scrub = scrub;
  }

  /** Whether any redaction runs at all. */
  get active(): boolean {
    return this.#rules.length > 0 || this.#patterns.length > 0 || this.#scrub !== undefined;
  }

  /** `text` with every rule, pattern and the scrub function applied. Throws ScrubFailed. */
  redact(text: string): string {
    let s = text;
    for (const r of this.#rules) {
      if (r.may !== undefined && !r.may(s)) continue;
      r.pattern.lastIndex = 0;
      s = s.replace(r.pattern, r.replace);
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
