// The checks that tell a real card number, IBAN, SSN or IPv6 address from digits of the same
// shape: a rule keeps its match when they fail. Worker zone; pure.

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

/**
 * ISO 13616: the country and check digits moved to the end, letters as 10..35, the whole
 * number mod 97 is 1. Spaces are skipped; 15 to 34 characters.
 */
export function ibanValid(s: string): boolean {
  const iban = s.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < moved.length; i++) {
    const c = moved.charCodeAt(i);
    // Digits fold in one at a time, letters (two digits) in one step of 100.
    if (c >= 48 && c <= 57) rest = (rest * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rest = (rest * 100 + (c - 55)) % 97;
    else return false;
  }
  return rest === 1;
}

/** A US SSN's ranges: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

/** Eight groups of 1-4 hex digits, or fewer around one `::`. */
export function ipv6Valid(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string): string[] | undefined => {
    if (h === '') return [];
    const g = h.split(':');
    return g.every((x) => x.length >= 1 && x.length <= 4) ? g : undefined;
  };
  const a = groups(halves[0]!);
  const b = halves.length === 2 ? groups(halves[1]!) : [];
  if (a === undefined || b === undefined) return false;
  const n = a.length + b.length;
  // Fewer than two written groups ('::1', 'a::') is more often code (`x[::2]`, `Add::new`) than an address.
  if (n < 2) return false;
  return halves.length === 2 ? n <= 7 : n === 8;
}
