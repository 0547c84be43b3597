// A key family: keys known by a documented literal prefix, one pattern for all of them. Worker
// zone; pure. The prefixes and lengths are the providers' published formats, as the public
// secret scanners (gitleaks, trufflehog, GitHub's secret scanning) list them.

import type { RedactionRule } from '../../../shared/content-config.js';
import { anyOf, includesAny, whole, type Rule } from './rule.js';

export interface KeyShape {
  /** What it is, for the README and the tests. */
  what: string;
  /** Pattern source, starting with its literal prefix (or a bounded run before a marker). */
  source: string;
  /** The literal prefixes, for the README and the tests. */
  marks: readonly string[];
  /**
   * Its body may be broken by characters other than key characters (`.`, `~`, `+`, `/`) into
   * runs shorter than KEY_RUN: its marks are then looked for in the text instead.
   */
  broken?: true;
  /**
   * It starts with a class of characters, not a literal: a pattern that holds it is tried at
   * every position of the text, ~10x the scan of literal prefixes. It gets a pattern of its own,
   * run only when the text holds this literal (its marker).
   */
  marker?: string;
}

/**
 * A rule matching any of `shapes`: each starts at a word boundary (not inside a longer word)
 * and may not run on into more key characters, so that a longer word is never cut in two. Every
 * key of every family holds a run of 16 key characters (KEY_RUN): text without one (most prose)
 * is not scanned.
 */
export function family(name: RedactionRule, shapes: readonly KeyShape[]): Rule[] {
  const pattern = (sources: readonly string[]): RegExp => new RegExp(`(?<![A-Za-z0-9_])${anyOf(sources)}(?![A-Za-z0-9_])`, 'g');
  const prefixed = shapes.filter((s) => s.marker === undefined);
  const marks = prefixed.filter((s) => s.broken).flatMap((s) => s.marks);
  return [
    whole(name, pattern(prefixed.map((s) => s.source)), (p) => p.keyRun || includesAny(p.s, marks)),
    ...shapes.filter((s) => s.marker !== undefined).map((s) => whole(name, pattern([s.source]), (p) => p.s.includes(s.marker!))),
  ];
}
