// What the workers (and an in-memory tracer) need to build a span's content attributes from the
// bytes in the content arena: plain data, resolved once from the options (options/content.ts).
// Pure types and constants; both threads.

/**
 * The built-in rules on by default (worker/content/rules/), in the order they run: the most
 * specific first, so that a key inside a URL or a `key=value` pair is counted by its own rule.
 */
export const SECRET_RULES = [
  'privateKey', 'urlCredentials', 'connectionString', 'jwt', 'bearerToken',
  'apiKey', 'cloudKey', 'codeToken', 'paymentKey', 'messagingToken', 'platformToken',
  'awsSecretKey', 'secretValue', 'cardNumber', 'email',
] as const;
/** The personal-data rules `redaction: { pii: true }` adds, after the secret rules. */
export const PII_RULES = ['iban', 'ssn', 'ipv4', 'ipv6', 'phone'] as const;
/** Every built-in rule, in the order they run; a rule's index is its counter's (layout.ts). */
export const REDACTION_RULES = [...SECRET_RULES, ...PII_RULES] as const;
export type RedactionRule = (typeof REDACTION_RULES)[number];

export interface CaptureCategories {
  /** gen_ai.system_instructions */
  system: boolean;
  /** gen_ai.input.messages */
  input: boolean;
  /** gen_ai.output.messages */
  output: boolean;
  /** gen_ai.tool.definitions */
  tools: boolean;
}

export interface ContentConfig {
  capture: CaptureCategories;
  /** Most bytes (UTF-8) of one content attribute's JSON; longer ones are truncated. */
  maxContentBytes: number;
  /** Bytes of the content arena (arena.ts). */
  arenaBytes: number;
  /** Built-in rules that run, in REDACTION_RULES order (the secret rules, then PII when asked). */
  rules: RedactionRule[];
  /** The user's patterns, each replaced by REDACTED wherever it matches. */
  patterns: { source: string; flags: string }[];
  /** A module whose export scrubs each string after the rules: `(text: string) => string`. */
  scrub: { module: string; exportName: string } | undefined;
}

/** What a user pattern's match becomes; the built-in rules write `[REDACTED:<rule>]`. */
export const REDACTED = '[REDACTED]';
