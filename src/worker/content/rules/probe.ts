// What the rules' pre-checks ask of a text, each worked out once per text and shared by the
// rules that ask (until a rule replaces something): the text in lower case, and whether it holds
// a run of 16 key characters at all. Worker zone; pure.
//
// Most captured text is prose, whose words are short: one pass that looks at every 16th
// character tells it from text that may hold a key, and the key families' patterns (each a scan
// of the whole text) then do not run at all.

/** Characters of a key's body: letters, digits, `_` and `-`. */
const KEY_CHAR = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-') KEY_CHAR[c.charCodeAt(0)] = 1;
const isKeyChar = (c: number): boolean => c < 128 && KEY_CHAR[c] === 1;

/** The shortest run of key characters every key the families know holds. */
export const KEY_RUN = 16;

/**
 * Whether `s` holds KEY_RUN key characters in a row. Such a run covers a position that is
 * KEY_RUN - 1 mod KEY_RUN, so only those are looked at, and the run around one that is a key
 * character measured: about n / 16 steps on prose.
 */
export function hasKeyRun(s: string): boolean {
  const n = s.length;
  for (let i = KEY_RUN - 1; i < n; i += KEY_RUN) {
    if (!isKeyChar(s.charCodeAt(i))) continue;
    let a = i;
    let b = i;
    while (a > 0 && isKeyChar(s.charCodeAt(a - 1))) a--;
    while (b + 1 < n && isKeyChar(s.charCodeAt(b + 1))) b++;
    if (b - a + 1 >= KEY_RUN) return true;
    i = b;
  }
  return false;
}

export class Probe {
  readonly s: string;
  #lower: string | undefined;
  #keyRun: boolean | undefined;

  constructor(s: string) {
    this.s = s;
  }

  get lower(): string {
    return (this.#lower ??= this.s.toLowerCase());
  }

  get keyRun(): boolean {
    return (this.#keyRun ??= hasKeyRun(this.s));
  }
}
