// The personal data redacted by default: card numbers (Luhn-checked) and e-mail addresses.
// Worker zone; pure.

import { ruleMark, whole, type Rule } from './rule.js';
import { luhn } from './validate.js';

// 13 to 19 digits, spaces or dashes between them, that pass Luhn's check; not a part of a
// longer run of digits and dashes (a UUID of digits, a date range).
export const cardNumber: Rule = {
  name: 'cardNumber',
  pattern: /(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g,
  replace: (m) => (luhn(m) ? ruleMark('cardNumber') : m),
};

// The local part starts a run (the look-behind), so that a long run without `@` is read once.
// Not the user of a URL (`ssh://git@host`) or of git's `git@host:org/repo`.
export const email: Rule = whole('email', /(?<![A-Za-z0-9._%+/-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b(?!:[\w~/])/g, (p) => p.s.includes('@'));
