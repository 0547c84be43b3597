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
  /** Literals one of which every match contains, for the pre-check. */
  marks: readonly string[];
}

/**
 * A rule matching any of `shapes`: each starts at a word boundary (not inside a longer word)
 * and may not run on into more key characters, so that a longer word is never cut in two.
 */
export function family(name: RedactionRule, shapes: readonly KeyShape[]): Rule {
  const marks = shapes.flatMap((s) => s.marks);
  return whole(name, new RegExp(`(?<![A-Za-z0-9_])${anyOf(shapes.map((s) => s.source))}(?![A-Za-z0-9_])`, 'g'), (s) => includesAny(s, marks));
}
