// The personal-data rules `redaction: { pii: true }` adds: IBANs (checksum verified), US SSNs
// (valid ranges), IPv4 and IPv6 addresses, phone numbers. Worker zone; pure. Each starts a run
// (a look-behind) and every repetition is bounded, so a long run is read in linear time.

import { ruleMark, type Rule } from './rule.js';
import { ibanValid, ipv6Valid, ssnValid } from './validate.js';

/** A rule that replaces a match passing `valid`, and keeps the others. */
const checked = (name: Rule['name'], pattern: RegExp, valid: (m: string, ...g: string[]) => boolean, may?: Rule['may']): Rule => {
  const mark = ruleMark(name);
  return { name, pattern, replace: (m, ...g) => (valid(m, ...g) ? mark : m), may };
};

// Country code, check digits, then groups of four (spaced or not) and a last short group.
export const iban = checked('iban', /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g, (m) => ibanValid(m));

export const ssn = checked('ssn', /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])/g, (_m, area, _sep, group, serial) => ssnValid(area!, group!, serial!));

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
// Not inside a longer dotted run (a version `1.2.3.4.5`, `v1.2.3.4`).
export const ipv4 = checked('ipv4', new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.[0-9])`, 'g'), () => true, (p) => p.s.includes('.'));

// Up to eight groups of up to four hex digits around colons; the groups are checked after. A
// match starts at its first colon (found fast); the group before it is its lead.
export const ipv6: Rule = {
  name: 'ipv6',
  pattern: /:(?<=(?<![\w:.])([0-9A-Fa-f]{0,4}):)[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){1,6}(?![\w:]|\.[0-9])/g,
  replace: (m, first) => (ipv6Valid(first + m) ? ruleMark('ipv6') : m),
  may: (p) => p.s.includes(':'),
  lead: true,
};

// E.164 (`+` and 8 to 15 digits, separators between), or a national number with separators:
// North American `(415) 555-0134` / `415-555-0134`, or a trunk `0` and 9 to 12 digits
// (`020 7946 0958`, `06 12 34 56 78`, `030 1234567`). A date (`2024-08-06`) has neither shape.
const PHONE = [
  '\\+[1-9](?:[ .-]?\\(?[0-9]\\)?){7,14}',
  '(?:1[ .-])?(?:\\([0-9]{3}\\)[ .-]?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}',
  '0[1-9][0-9]{0,3}(?:[ .-][0-9]{2,8}){1,4}',
].join('|');
const digitCount = (m: string): number => m.replace(/[^0-9]/g, '').length;
export const phone = checked('phone', new RegExp(`(?<![\\w+.-])(?:${PHONE})(?![\\w-]|[.][0-9])`, 'g'), (m) => {
  const n = digitCount(m);
  if (m.startsWith('+')) return n >= 8 && n <= 15 && !/[()]\)|\(\(/.test(m);
  return m.startsWith('0') ? n >= 9 && n <= 12 : n === 10 || n === 11;
});
