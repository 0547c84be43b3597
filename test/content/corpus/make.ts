// Made-up values in each kind's documented shape, built at run time from parts and a seeded
// generator: no real key is in the repository, and no literal key in it trips a secret scanner.
// Test helper; no assertions.

/** A small seeded generator (mulberry32): the same corpus every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const UPPER = LOWER.toUpperCase();
export const DIGITS = '0123456789';
export const ALNUM = LOWER + UPPER + DIGITS;
export const HEX = '0123456789abcdef';
export const B64 = `${ALNUM}+/`;
export const B64URL = `${ALNUM}_-`;

export class Maker {
  readonly #rand: () => number;
  constructor(seed: number) {
    this.#rand = seeded(seed);
  }

  int(below: number): number {
    return Math.floor(this.#rand() * below);
  }

  /** `n` characters of `alphabet`, with at least one digit and one letter when it has both. */
  of(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    if (/[0-9]/.test(alphabet) && /[a-zA-Z]/.test(alphabet) && n >= 4 && !(/[0-9]/.test(s) && /[a-zA-Z]/.test(s))) {
      s = `${s.slice(0, n - 2)}${alphabet.match(/[a-zA-Z]/)![0]}7`;
    }
    return s;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  /** A card number of `prefix` and `length` digits whose last digit makes Luhn's sum right. */
  card(prefix: string, length: number): string {
    let body = prefix;
    while (body.length < length - 1) body += DIGITS[this.int(10)];
    for (let d = 0; d < 10; d++) if (luhnOk(body + d)) return body + d;
    throw new Error('unreachable');
  }

  /** An IBAN of `country` whose check digits are right (ISO 13616), `bban` of `length` digits. */
  iban(country: string, length: number): string {
    const bban = this.of(DIGITS, length);
    const check = 98 - mod97(`${bban}${toDigits(country)}00`);
    return `${country}${String(check).padStart(2, '0')}${bban}`;
  }
}

function luhnOk(s: string): boolean {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = s.charCodeAt(s.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

const toDigits = (letters: string): string => [...letters].map((c) => String(c.charCodeAt(0) - 55)).join('');

export function mod97(digits: string): number {
  let r = 0;
  for (const c of digits) r = (r * 10 + Number(c)) % 97;
  return r;
}

/** Groups of four, as IBANs are printed. */
export const spaced = (s: string): string => s.replace(/(.{4})(?=.)/g, '$1 ');

/** Joins its parts: a prefix written in pieces is no literal for a scanner to find. */
export const p = (...parts: string[]): string => parts.join('');
