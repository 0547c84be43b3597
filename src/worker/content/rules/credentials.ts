// Credentials by their framing rather than a provider's prefix: private key blocks, URLs and
// connection strings with a password, Authorization headers and JSON Web Tokens. Worker zone;
// pure.

import { includesAny, ruleMark, whole, type Rule } from './rule.js';

// A PEM or PGP armour line naming a private key: RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP, or
// none (PKCS#8).
const ARMOUR = (edge: string): string => `-----${edge} (?:[A-Z0-9]{1,10} ){0,3}PRIVATE KEY(?: BLOCK)?-----`;
// The block's body: base64, line breaks (real or escaped, as in a service account's JSON), the
// encrypted form's header lines (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: AES-256-CBC,…`). A dash
// ends it only where four more follow (the END line): the greedy runs never backtrack far, and
// a block cut short (no END line) is removed to the end of its body.
const BODY = "[A-Za-z0-9+/=\\s:,.\\\\]*(?:-(?!----)[A-Za-z0-9+/=\\s:,.\\\\]*)*";

export const privateKey: Rule = whole('privateKey', new RegExp(`${ARMOUR('BEGIN')}${BODY}(?:${ARMOUR('END')})?`, 'g'), (p) => p.s.includes('PRIVATE KEY'));

// `scheme://user:password@host`: the scheme and user stay, the password goes. A match starts at
// `://` (a literal the engine finds fast), the scheme before it checked by a look-behind; every
// part is bounded, so a long run without `@` is read once.
export const urlCredentials: Rule = {
  name: 'urlCredentials',
  pattern: /:\/\/(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/)([^\s/?#@:"'<>]{0,256}:)([^\s/?#"'<>]{1,256})@/g,
  replace: (_m, user: string) => `://${user}${ruleMark('urlCredentials')}@`,
  may: (p) => p.s.includes('://'),
};

// Azure's `AccountKey=` and `SharedAccessKey=` / `SharedAccessSignature=` anywhere; ADO.NET and
// JDBC's `Password=` / `Pwd=` when they follow a `;` (a connection string's separator): the
// value up to the next `;`. A match starts at the `=` (found fast), the key before it checked
// by a bounded look-behind.
export const connectionString: Rule = {
  name: 'connectionString',
  pattern: /=(?<=(?:(?<![A-Za-z0-9])(?:AccountKey|SharedAccessKey|SharedAccessSignature)|;[ \t]{0,4}(?:Password|Pwd|User[ ]?Password))[ \t]{0,4}=)([ \t]{0,4})[^;"'\r\n]{1,512}/gi,
  replace: (_m, space: string) => `=${space}${ruleMark('connectionString')}`,
  may: (p) => p.s.includes('=') && includesAny(p.lower, ['accountkey', 'sharedaccess', 'password', 'pwd']),
};

// `Authorization: Bearer <token>` and `Basic <credentials>`: the scheme stays, the credential
// goes. A credential holds a digit or a symbol (the look-ahead): "Basic authentication" stays.
export const bearerToken: Rule = {
  name: 'bearerToken',
  pattern: /\b(Bearer|Basic)([ \t]+)(?=[A-Za-z0-9._~+/-]*[0-9._~+/-])[A-Za-z0-9._~+/-]{12,}=*/gi,
  replace: (_m, scheme: string, space: string) => `${scheme}${space}${ruleMark('bearerToken')}`,
  may: (p) => p.lower.includes('bearer') || p.lower.includes('basic'),
};

// A JSON Web Token: base64url header and payload (both JSON objects, so `eyJ`), signature.
// Its header alone is 16 characters or more (`{"alg":"none"}` is 19): text without such a run
// is not scanned.
export const jwt: Rule = whole('jwt', /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g, (p) => p.keyRun && p.s.includes('eyJ'));
