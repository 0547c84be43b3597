// ContentBuilder: from a record's content blob to the span's content attributes. Worker zone (and
// the calling thread of an in-memory tracer, which builds the same attributes the same way);
// pure. Runs only for spans that are exported: after tail sampling, so a span sampled out costs
// no content work.
//
//   decode (decode.ts) -> tool-call arguments given as JSON text become their JSON value ->
//   redaction of every text (redact.ts) -> truncation to maxContentBytes (truncate.ts) -> JSON
//
// A scrub module that throws (or never loaded) fails closed: the span is exported without any
// content, and counted (stats().contentDropped.scrubFailed).

import type { ContentConfig } from '../../shared/content-config.js';
import { CONTENT_KEYS, type SpanContent } from '../../spans/record.js';
import { decodeBlob, type Category, type Section } from './decode.js';
import { Redactor, ScrubFailed, type RedactionCount } from './redact.js';
import { STRUCTURAL_KEYS, fitJson } from './truncate.js';

/** The SpanContent field of each category. */
const FIELD = Object.fromEntries(CONTENT_KEYS.map(([field, , category]) => [category, field])) as Record<Category, (typeof CONTENT_KEYS)[number][0]>;

export type BuildResult = { ok: true; content: SpanContent } | { ok: false; reason: string };

export class ContentBuilder {
  readonly #max: number;
  readonly #redactor: Redactor;
  /** Why the scrub module is unusable (it failed to load), if it is. */
  #unavailable: string | undefined;

  /**
   * `scrub`: the scrub module's function, when config.scrub names one (loaded by the caller).
   * `count`: told each rule's replacements (the shared counters in a worker, stats() in memory).
   */
  constructor(config: ContentConfig, scrub?: (text: string) => unknown, unavailable?: string, count?: RedactionCount) {
    this.#max = config.maxContentBytes;
    this.#redactor = new Redactor(config.rules, config.patterns, scrub, count);
    this.#unavailable = unavailable;
  }

  /** The scrub module could not be loaded: every build fails from now on (fail closed). */
  unavailable(reason: string): void {
    this.#unavailable = reason;
  }

  /** The content attributes of the blob at [at, at + length) of `bytes`. */
  build(bytes: Uint8Array, at: number, length: number): BuildResult {
    if (this.#unavailable !== undefined) return { ok: false, reason: this.#unavailable };
    let sections;
    try {
      sections = decodeBlob(bytes, at, length);
    } catch (err) {
      return { ok: false, reason: `unreadable content blob: ${String(err)}` };
    }
    return this.#sections(sections);
  }

  /**
   * The content attributes of content a worker read out of a wire exchange (worker/wire-records.ts):
   * the categories' GenAI shapes as values, through the same redaction and truncation as a blob's.
   */
  buildShapes(shapes: { system?: unknown[]; input?: unknown[]; output?: unknown[]; tools?: unknown[] }): BuildResult {
    if (this.#unavailable !== undefined) return { ok: false, reason: this.#unavailable };
    const sections: Section[] = [];
    for (const category of ['system', 'input', 'output', 'tools'] as const) {
      const value = shapes[category];
      if (value !== undefined) sections.push({ category, value, cuts: 0, unseenBytes: 0 });
    }
    return this.#sections(sections);
  }

  #sections(sections: Section[]): BuildResult {
    const content: SpanContent = {};
    for (const s of sections) {
      if (!Array.isArray(s.value) || s.value.length === 0) continue;
      const items = s.value;
      if (s.category === 'input' || s.category === 'output') parseArguments(items);
      try {
        if (this.#redactor.active) this.#redact(items);
      } catch (err) {
        if (err instanceof ScrubFailed) return { ok: false, reason: err.message };
        throw err;
      }
      const fitted = fitJson(items, this.#max, s.category === 'input' ? 'last' : 'first', s.cuts, s.unseenBytes);
      content[FIELD[s.category]] = fitted.json;
      if (fitted.truncated) (content.originalBytes ??= {})[s.category] = fitted.originalBytes;
    }
    return { ok: true, content };
  }

  /** Redacts every text of `v` in place: strings not under STRUCTURAL_KEYS, blob data excepted. */
  #redact(v: unknown): void {
    const r = this.#redactor;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const e = v[i];
        if (typeof e === 'string') v[i] = r.redact(e);
        else this.#redact(e);
      }
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    // A blob's content is base64 data, not text: patterns would only corrupt it.
    const blob = o.type === 'blob';
    for (const key of Object.keys(o)) {
      const e = o[key];
      if (typeof e === 'string') {
        if (!STRUCTURAL_KEYS.has(key) && !(blob && key === 'content')) o[key] = r.redact(e);
      } else this.#redact(e);
    }
  }
}

/** Tool calls whose `arguments` is JSON text (OpenAI sends them so) get the JSON value instead. */
function parseArguments(messages: unknown[]): void {
  for (const m of messages) {
    const parts = (m as { parts?: unknown })?.parts;
    if (!Array.isArray(parts)) continue;
    for (const p of parts) {
      const part = p as { type?: unknown; arguments?: unknown };
      if (part?.type !== 'tool_call' || typeof part.arguments !== 'string') continue;
      const text = part.arguments.trim();
      if (!text.startsWith('{') && !text.startsWith('[')) continue;
      try {
        part.arguments = JSON.parse(text);
      } catch {
        // Not JSON after all (or cut at the copy limit): kept as the text it is.
      }
    }
  }
}
