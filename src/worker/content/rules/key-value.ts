// Secrets by the key they are written under: `password=…`, `"client_secret": "…"`,
// `OPENAI_API_KEY: …`, `x-api-key: …` (secretValue), and AWS secret access keys under their own
// names (awsSecretKey). The value goes, the key and its quotes stay; a sentence that merely
// mentions the word ("reset your password", "the secret is out") has no `=` or `:` right after
// it and stays. Worker zone; pure.

import { includesAny, ruleMark, type Rule } from './rule.js';

/** `parts` as one word in lower, Capitalised or UPPER case, joined bare, by `_`, `.` or `-`. */
const word = (parts: readonly string[]): string =>
  parts.map((p) => `(?:${p}|${p[0]!.toUpperCase()}${p.slice(1)}|${p.toUpperCase()})`).join('[_.-]?');

/** Keys that name a secret alone or after a prefix (`DB_PASSWORD`, `dbPassword`, `client_secret`). */
const STRONG = [['password'], ['passwd'], ['passphrase'], ['pwd'], ['secret'], ['client', 'secret'], ['secret', 'key'],
  ['api', 'key'], ['access', 'key'], ['private', 'key'], ['auth', 'token'], ['access', 'token'], ['refresh', 'token'], ['session', 'token']];

// A prefix of the key: up to 64 key characters ending in a separator or a lower-to-upper case
// change. The key starts a run (the look-behind), so its start is tried once per run.
const PREFIX = '[\\w.-]{0,64}?(?:[_.-]|(?<=[a-z0-9])(?=[A-Z]))';
// `token` alone is too common a word (max_tokens, "token: 5") to be a key without a prefix.
const KEY = `(?<![\\w.-])((?:${PREFIX})?(?:${STRONG.map(word).join('|')})|${PREFIX}${word(['token'])})(?![\\w.-])`;
const SEP = '(?:=>|:=|=|:)';
// A quoted value (escapes allowed) or a bare one up to a space, quote, separator or bracket.
const VALUE = `(?:"((?:[^"\\\\\\r\\n]|\\\\.){1,256})"|'((?:[^'\\\\\\r\\n]|\\\\.){1,256})'|([^\\s"',;&<>\`()\\[\\]{}]{1,256}))`;

/** Values that are no secret: placeholders, types, masks, prose ("password: must be …"). */
const NOT_SECRETS = new Set(['true', 'false', 'null', 'none', 'nil', 'undefined', 'yes', 'no', 'on', 'off', 'required', 'optional', 'string',
  'str', 'int', 'bool', 'boolean', 'number', 'object', 'any', 'redacted', 'hidden', 'empty', 'your', 'the', 'a', 'an', 'is', 'must', 'should',
  'will', 'can', 'and', 'or', 'not', 'of', 'to', 'see', 'set', 'use', 'enter']);
/** Tokens that are no credential: pagination cursors, a tokenizer's special tokens, token counts. */
const NOT_SECRET_TOKENS = /(?:next|page|continuation|cursor|sync|eos|bos|pad|unk|sep|cls|mask|max|min|input|output|prompt|completion|special|total)[_.-]?token$/i;
const MASKED = /^(?:[*x•.#-]+|<[^>]*>)$/i;
const DOTTED = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

function isSecret(key: string, sep: string, value: string, next: string, after: string): boolean {
  // Already replaced by a rule that ran before (a key's own, a private key block).
  if (value.startsWith('[REDACTED')) return false;
  if (NOT_SECRETS.has(value.toLowerCase()) || MASKED.test(value)) return false;
  // Prose that names a thing with a colon ("see the secret: section 4"): a bare lower-case word
  // and more words after it. A YAML value is alone on its line or followed by a comment.
  if (sep.trimEnd().endsWith(':') && /^[a-z]+$/.test(value) && /^ +[A-Za-z]/.test(after)) return false;
  // A reference, not a value: `${DB_PASSWORD}`, `%(pw)s`, `config.db.password`, `getpass()`.
  const c = value.charCodeAt(0);
  if (c === 36 /* $ */ || c === 37 /* % */ || DOTTED.test(value) || next === '(' || next === '[') return false;
  if (/token$/i.test(key) && (NOT_SECRET_TOKENS.test(key) || /^\d+$/.test(value))) return false;
  // The working directory of an environment dump (`PWD=/home/me`), not a password.
  if (/^pwd$/i.test(key) && (c === 47 /* / */ || c === 126 /* ~ */)) return false;
  return true;
}

export const secretValue: Rule = {
  name: 'secretValue',
  // A match starts at the `=` or `:` (characters the engine finds fast); the key before it,
  // and its closing quote, are checked (and captured) by a bounded look-behind.
  pattern: new RegExp(`(${SEP})(?<=${KEY}["']?[ \\t]{0,4}${SEP})([ \\t]{0,4})${VALUE}`, 'g'),
  replace: (match: string, op: string, key: string, space: string, dq: string | undefined, sq: string | undefined, bare: string | undefined, offset: unknown, whole: unknown) => {
    const sep = op + space;
    const value = dq ?? sq ?? bare ?? '';
    const end = (offset as number) + match.length;
    const text = whole as string;
    if (!isSecret(key, sep, value, text.charAt(end), text.slice(end, end + 3))) return match;
    const q = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
    return `${sep}${q}${ruleMark('secretValue')}${q}`;
  },
  may: (p) => (p.s.includes('=') || p.s.includes(':')) && includesAny(p.lower, ['pass', 'pwd', 'secret', 'key', 'token']),
};

// AWS secret access keys: 40 base64 characters, only under their own names (a bare run of 40
// such characters is as often a hash or an id).
export const awsSecretKey: Rule = {
  name: 'awsSecretKey',
  pattern: new RegExp(`(${SEP})(?<=(?<![A-Za-z0-9])(?:(?:aws[_.-]?)?secret[_.-]?access[_.-]?key|aws[_.-]?secret[_.-]?key)["']?[ \\t]{0,4}${SEP})([ \\t]{0,4}["']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])`, 'gi'),
  replace: (_m, op: string, space: string) => `${op}${space}${ruleMark('awsSecretKey')}`,
  may: (p) => p.lower.includes('secret'),
};
