// The content-capture options of RactoTracer (captureContent, maxContentBytes,
// contentArenaBytes, redaction): their public shape, defaults and validation. Main thread, at
// construction. What the workers get is ContentConfig (shared/content-config.ts): plain data.

import { invalidRange, invalidType, invalidValue } from '../errors.js';
import { intValue, moduleSpecifier } from './checks.js';
import { REDACTION_RULES, type CaptureCategories, type ContentConfig, type RedactionRule } from '../shared/content-config.js';

export interface RedactionOptions {
  /**
   * The built-in rules: true (default) all of them, false none, or the names of those to run:
   * 'bearerToken', 'jwt', 'apiKey', 'cardNumber', 'email'.
   */
  rules?: boolean | readonly RedactionRule[];
  /** Your patterns; every match becomes `[REDACTED]`. Run in the workers, after the rules. */
  patterns?: readonly RegExp[];
  /**
   * A module whose export is a function `(text: string) => string`, imported by each worker (and
   * by an in-memory tracer) and called on every string of the content after the rules and your
   * patterns. A module path, a file: URL or a package name; exportName defaults to 'default'.
   */
  scrubModule?: { module: string; exportName?: string };
}

export interface ContentOptions {
  /**
   * Record the calls' content on their spans: true for every category, or per category
   * `{ system, input, output, tools }` (gen_ai.system_instructions, gen_ai.input.messages,
   * gen_ai.output.messages, gen_ai.tool.definitions). Default false, unless
   * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT is 'true' (options/env.ts).
   */
  captureContent?: boolean | Readonly<Partial<CaptureCategories>>;
  /** Most bytes (UTF-8) of one content attribute; longer ones are truncated, their JSON kept valid. Default 16384. */
  maxContentBytes?: number;
  /** Bytes of the shared arena the content crosses to the workers in. Default 16777216 (16 MiB). */
  contentArenaBytes?: number;
  /** Redaction of the captured content, in the workers; on by default. false turns every rule off. */
  redaction?: boolean | RedactionOptions;
}

export const CONTENT_DEFAULTS = Object.freeze({
  maxContentBytes: 16 * 1024,
  contentArenaBytes: 16 * 2 ** 20,
});

export const CONTENT_OPTION_NAMES: readonly string[] = ['captureContent', 'maxContentBytes', 'contentArenaBytes', 'redaction'];

const CODE = 'RACTO_ERR_INVALID_OPTION';
const CATEGORIES = ['system', 'input', 'output', 'tools'] as const;

/** The content configuration of `o`, undefined when no category is captured. */
export function resolveContent(o: ContentOptions, envCapture: boolean | undefined): ContentConfig | undefined {
  const capture = categories(o.captureContent, envCapture);
  const maxContentBytes = o.maxContentBytes === undefined ? CONTENT_DEFAULTS.maxContentBytes : intValue(o.maxContentBytes, 'maxContentBytes', 256, 1_048_576);
  const arenaBytes = o.contentArenaBytes === undefined ? CONTENT_DEFAULTS.contentArenaBytes : intValue(o.contentArenaBytes, 'contentArenaBytes', 65_536, 2 ** 31 - 1);
  const redaction = redactionOf(o.redaction);
  if (!capture.system && !capture.input && !capture.output && !capture.tools) return undefined;
  return { capture, maxContentBytes, arenaBytes, ...redaction };
}

function categories(v: unknown, envCapture: boolean | undefined): CaptureCategories {
  const all = (on: boolean): CaptureCategories => ({ system: on, input: on, output: on, tools: on });
  if (v === undefined) return all(envCapture === true);
  if (typeof v === 'boolean') return all(v);
  const field = 'options.captureContent';
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw invalidType(field, 'a boolean or an object like { input: true, output: true }', v, CODE);
  }
  const c = v as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!(CATEGORIES as readonly string[]).includes(key)) throw invalidType(`${field}.${key}`, "one of 'system', 'input', 'output', 'tools'", c[key], CODE);
    if (c[key] !== undefined && typeof c[key] !== 'boolean') throw invalidType(`${field}.${key}`, 'a boolean', c[key], CODE);
  }
  return { system: c.system === true, input: c.input === true, output: c.output === true, tools: c.tools === true };
}

function redactionOf(v: unknown): Pick<ContentConfig, 'rules' | 'patterns' | 'scrub'> {
  const field = 'options.redaction';
  if (v === undefined || v === true) return { rules: [...REDACTION_RULES], patterns: [], scrub: undefined };
  if (v === false) return { rules: [], patterns: [], scrub: undefined };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidType(field, 'a boolean or an object like { patterns: [/secret/] }', v, CODE);
  const r = v as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (key !== 'rules' && key !== 'patterns' && key !== 'scrubModule') throw invalidType(`${field}.${key}`, "one of 'rules', 'patterns', 'scrubModule'", r[key], CODE);
  }
  return { rules: rulesOf(r.rules), patterns: patternsOf(r.patterns), scrub: scrubOf(r.scrubModule) };
}

function rulesOf(v: unknown): RedactionRule[] {
  const field = 'options.redaction.rules';
  if (v === undefined || v === true) return [...REDACTION_RULES];
  if (v === false) return [];
  if (!Array.isArray(v)) throw invalidType(field, 'a boolean or an array of rule names', v, CODE);
  v.forEach((name: unknown, i) => {
    if (!(REDACTION_RULES as readonly unknown[]).includes(name)) {
      throw invalidValue(`${field}[${i}]`, REDACTION_RULES.map((n) => `'${n}'`).join(', '), name, CODE);
    }
  });
  // Run in the built-in order whatever order they were given in.
  return REDACTION_RULES.filter((name) => v.includes(name));
}

function patternsOf(v: unknown): ContentConfig['patterns'] {
  const field = 'options.redaction.patterns';
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalidType(field, 'an array of RegExp', v, CODE);
  return v.map((p: unknown, i) => {
    if (!(p instanceof RegExp)) throw invalidType(`${field}[${i}]`, 'a RegExp', p, CODE);
    // Global, so that every match is replaced; sticky would anchor it.
    const flags = `${p.flags.replace(/[gy]/g, '')}g`;
    if (new RegExp(p.source, flags).test('')) throw invalidRange(`${field}[${i}]`, 'a pattern that does not match the empty string', String(p), CODE);
    return { source: p.source, flags };
  });
}

function scrubOf(v: unknown): ContentConfig['scrub'] {
  const field = 'options.redaction.scrubModule';
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidType(field, 'an object { module, exportName }', v, CODE);
  const { module, exportName = 'default' } = v as { module?: unknown; exportName?: unknown };
  if (typeof module !== 'string' || module.length === 0) throw invalidType(`${field}.module`, 'a non-empty string', module, CODE);
  if (typeof exportName !== 'string' || exportName.length === 0) throw invalidType(`${field}.exportName`, 'a non-empty string', exportName, CODE);
  return { module: moduleSpecifier(module), exportName };
}
