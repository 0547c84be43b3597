// The personal-data corpus (`redaction: { pii: true }`): phone numbers, US SSNs, IBANs, IP
// addresses, made up in their documented shapes; and look-alikes that must stay. Test data.
import { DIGITS, HEX, Maker, spaced } from './make.js';
import type { Case } from './secrets.js';

export function piiCases(m: Maker): Case[] {
  const cases: Case[] = [];
  const add = (kind: string, rule: string, secret: string, text: string): void => void cases.push({ kind, rule, text, secret });
  const d = (n: number): string => m.of(DIGITS, n);
  const nz = (n: number): string => `${1 + m.int(9)}${d(n - 1)}`;
  const phones: [string, () => string][] = [
    ['E.164, spaced (US)', () => `+1 ${2 + m.int(8)}${d(2)} ${nz(3)} ${d(4)}`],
    ['E.164, compact (US)', () => `+1${2 + m.int(8)}${d(2)}${nz(3)}${d(4)}`],
    ['E.164 (UK)', () => `+44 20 ${nz(4)} ${d(4)}`],
    ['E.164 (Germany)', () => `+49 30 ${nz(7)}`],
    ['E.164 (France)', () => `+33 6 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`],
    ['E.164 (Japan)', () => `+81 3-${d(4)}-${d(4)}`],
    ['E.164 (India)', () => `+91 ${nz(5)} ${d(5)}`],
    ['E.164 with an area code in parentheses', () => `+1 (${2 + m.int(8)}${d(2)}) ${nz(3)}-${d(4)}`],
    ['North American, parentheses', () => `(${2 + m.int(8)}${d(2)}) ${nz(3)}-${d(4)}`],
    ['North American, dashes', () => `${2 + m.int(8)}${d(2)}-${nz(3)}-${d(4)}`],
    ['North American, dots', () => `${2 + m.int(8)}${d(2)}.${nz(3)}.${d(4)}`],
    ['North American with 1-', () => `1-800-${nz(3)}-${d(4)}`],
    ['UK national', () => `020 ${nz(4)} ${d(4)}`],
    ['French national', () => `06 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`],
    ['German national', () => `030 ${nz(7)}`],
  ];
  for (const [kind, make] of phones) {
    const v = make();
    add(`phone: ${kind}`, 'phone', v, `Call me on ${v} after six.`);
  }
  for (let i = 0; i < 6; i++) {
    let area = 1 + m.int(899);
    if (area === 666) area = 665;
    const v = `${String(area).padStart(3, '0')}-${String(1 + m.int(99)).padStart(2, '0')}-${String(1 + m.int(9999)).padStart(4, '0')}`;
    add('US SSN', 'ssn', v, `Applicant SSN: ${v}, born 1980.`);
  }
  for (const [country, length] of [['DE', 18], ['GB', 18], ['FR', 23], ['NL', 14], ['ES', 20], ['IT', 23]] as const) {
    // GB and NL hold bank letters in their BBAN; digits keep the checksum simple here.
    const v = m.iban(country, length);
    add(`IBAN (${country}), compact`, 'iban', v, `Please wire it to ${v} by Friday.`);
    const s = spaced(m.iban(country, length));
    add(`IBAN (${country}), spaced`, 'iban', s, `IBAN: ${s}`);
  }
  for (let i = 0; i < 4; i++) {
    const v = [1 + m.int(223), m.int(256), m.int(256), 1 + m.int(254)].join('.');
    add('IPv4 address', 'ipv4', v, `The request came from ${v} at 10:42.`);
  }
  const g = (): string => m.of(HEX, 1 + m.int(4)).replace(/^0+(?=.)/, '');
  for (let i = 0; i < 2; i++) {
    const full = Array.from({ length: 8 }, g).join(':');
    add('IPv6 address, full', 'ipv6', full, `client ${full} connected`);
    const short = `2001:db8:${g()}::${g()}`;
    add('IPv6 address, compressed', 'ipv6', short, `listen [${short}]:443;`);
  }
  return cases;
}

/** Shapes close to personal data that are not: they stay with pii: true. */
export function piiLookAlikes(m: Maker): string[] {
  const bad = m.iban('DE', 18);
  const wrongCheck = `${bad.slice(0, 2)}${String((Number(bad.slice(2, 4)) + 1) % 100).padStart(2, '0')}${bad.slice(4)}`;
  return [
    'Released on 2024-08-06 at 12:30:45 UTC.',
    'The model is gpt-4o-2024-08-06; the other is claude-3-5-sonnet-20241022.',
    'Upgrade to v1.2.3 or 10.0.19041.1 (build 2024.11.3).',
    'SSN-like numbers outside the ranges: 000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567, 123-45-0000.',
    `This IBAN has a wrong check: ${wrongCheck}.`,
    'uuid 123e4567-e89b-12d3-a456-426614174000 and a trace id 4bf92f3577b34da6a3ce929d0e0e4736',
    'In Rust, call Vec::new() or std::mem::swap; in Python, x[::2].',
    'A MAC address 00:1A:2B:3C:4D:5E is not an IP address.',
    'Pi is about 3.14159265 and e about 2.71828.',
    'Order 123456789 shipped; ticket #4521 closed.',
    'Scores: 12-10, 3-1 and 101-99.',
  ];
}
