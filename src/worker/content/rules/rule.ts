// What a built-in redaction rule is: a global pattern anchored where a match can start, the
// replacement of one match (or the match itself, kept, when a check such as Luhn's fails), and a
// cheap pre-check. Worker zone (and the calling thread of an in-memory tracer); pure.
//
// Linear time is a property every rule keeps by construction: a match starts only at a literal
// (a prefix, a separator such as `=` or `@`) or at the first character of a run (a look-behind
// refuses the run's other positions); what precedes a literal start is checked by a bounded
// look-behind, and every repetition after a start that is not a literal prefix is bounded. A
// pattern that retried every position of a long run would be quadratic (test/content/
// redaction-linear.test.ts feeds each rule its trigger and a long run). Starting at a literal is
// also what keeps the scans cheap: the engine skips to it instead of trying every position.

import type { RedactionRule } from '../../../shared/content-config.js';
import type { Probe } from './probe.js';

export interface Rule {
  name: RedactionRule;
  /** Global; lastIndex is reset before each use. */
  pattern: RegExp;
  /** The text that replaces one match; returning `match` keeps it (and it is not counted). */
  replace: (match: string, ...groups: string[]) => string;
  /**
   * The match's first group lies in a look-behind just before the match and belongs to it: it
   * is replaced too. A pattern can then start at a rare literal (`@`, `:`) that the engine finds
   * fast, instead of at every character of a class, and still remove what precedes it.
   */
  lead?: true;
  /**
   * False when no match can be in the text, found far more cheaply than by the pattern's scan
   * (String#includes of one character, the probe's shared answers): the pattern then does not run.
   */
  may?: (p: Probe) => boolean;
}

/** The text a built-in rule leaves where it matched. */
export const ruleMark = (rule: RedactionRule): string => `[REDACTED:${rule}]`;

export const includesAny = (s: string, parts: readonly string[]): boolean => {
  for (const p of parts) if (s.includes(p)) return true;
  return false;
};

/** A rule that replaces its whole match with its mark. */
export function whole(name: RedactionRule, pattern: RegExp, may: Rule['may']): Rule {
  const mark = ruleMark(name);
  return { name, pattern, replace: () => mark, may };
}

/** One alternation of `sources`, each already anchored at a literal prefix. */
export const anyOf = (sources: readonly string[]): string => `(?:${sources.join('|')})`;
