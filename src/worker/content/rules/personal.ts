// The personal data redacted by default: card numbers (Luhn-checked) and e-mail addresses.
// Worker zone; pure.

import { ruleMark, whole, type Rule } from './rule.js';
import { luhn } from './validate.js';

// 13 to 19 digits, spaces or dashes between them, that pass Luhn's check; not a part of a
// longer run of digits and dashes (a UUID of digits, a date range).
export const cardNumber: Rule = {
  name: 'cardNumber',
  pattern: /\d(?<![\w-]\d)(?:[ -]?\d){12,18}(?![\w-])/g,
  replace: (m) => (luhn(m) ? ruleMark('cardNumber') : m),
};

// A match starts at the `@` (found fast); the local part before it, which starts a run (so a
// long run is read once), is its lead. Not the user of a URL (`ssh://git@host`) or of git's
// `git@host:org/repo`.
export const email: Rule = {
  ...whole('email', /@(?<=(?<![A-Za-z0-9._%+/-])([A-Za-z0-9._%+-]{1,64})@)(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b(?!:[\w~/])/g, (p) => p.s.includes('@')),
  lead: true,
};
