// What a record carries beyond its first line: the call's attributes (the tracer's attributeKeys),
// the response fields (answered model, id, finish reasons, server) and captured content. Main
// thread only; the request path's cold half (writer.ts is the hot one): most calls have none of
// these, so the writer reaches this class only behind a test of the call's own fields, and its
// inlined record call stays small. Validation runs before the ring is touched (attributes(),
// responseFields(), content()); write() then fills the claimed slot's words and extension row.

import type { Counters } from './counters.js';
import type { ChatCall, EmbedCall } from './calls.js';
import type { ContentWriter } from './content-writer.js';
import { invalidRange, invalidType } from '../errors.js';
import {
  CACHE_MASK, FLAG_ATTRS, FLAG_CONTENT, FLAG_RESPONSE, FLAG_SIGNALS, SG_CHUNKS, SG_F_CHUNKS_AFTER_FIRST, SG_F_MAX_GAP, SG_HAVE, SG_HAVE_CHUNKS, SIGNALS_F64, SIGNALS_U32, OP_MASK, MAX_ATTRIBUTE_KEYS, RESPONSE_ID_AT, U_ATTRS, X_CONTENT_AT, X_CONTENT_LEN, X_FINISH,
  X_RESPONSE_ID_LEN, X_RESPONSE_MODEL, X_SERVER, X_SERVER_PORT,
} from '../shared/layout.js';
import { OVERFLOW_ID, type StringTableWriter } from '../shared/strings.js';
import { badName, checkResponse, isName, ResponseScratch } from './validate.js';
import { SignalsScratch } from './signals.js';
import type { RingViews } from '../shared/ring.js';

// What a call carries beyond its first line, as checked before its slot is claimed: bits of the
// `extra` word the writer passes back to write().
export const EXTRA_ATTRS = 1;
export const EXTRA_RESPONSE = 2;
export const EXTRA_CONTENT = 4;
export const EXTRA_SIGNALS = 8;

/** The string last interned in one field and its id: a repeated value skips the table's Map. */
class LastInterned {
  private last = '';
  private lastId = 0;

  id(strings: StringTableWriter, s: string): number {
    if (s === this.last) return this.lastId;
    const id = strings.intern(s);
    if (id !== OVERFLOW_ID) {
      this.last = s;
      this.lastId = id;
    }
    return id;
  }
}

export class CallExtras {
  /** Scratch of the attribute string ids of the call being recorded. */
  private readonly attrIds = new Uint32Array(MAX_ATTRIBUTE_KEYS);
  /** attributeKeys → position. */
  private readonly attributeIndex: Map<string, number>;
  /** Scratch of the response fields of the call being recorded (checkResponse fills it). */
  private readonly response = new ResponseScratch();
  /** Bytes of the content blob of the call being recorded (ContentWriter.encode), or -1: no room. */
  private contentLength = 0;
  /** The last answered model, finish reasons and server address interned (they repeat from call to call). */
  private readonly responseModels = new LastInterned();
  private readonly servers = new LastInterned();
  private readonly finishes = new LastInterned();
  private readonly strings: StringTableWriter;
  private readonly counters: Counters;
  /** Scratch of the signals of the call being recorded (signals.ts), and the ring's signals rows. */
  private readonly signalValues = new SignalsScratch();
  private readonly ring: RingViews;

  constructor(strings: StringTableWriter, counters: Counters, attributeKeys: readonly string[], ring: RingViews) {
    this.ring = ring;
    this.strings = strings;
    this.counters = counters;
    this.attributeIndex = new Map(attributeKeys.map((k, i) => [k, i]));
  }

  /**
   * Validates `call.attributes` against attributeKeys and interns the values into `attrIds`
   * (by key position; 0 = absent). Returns EXTRA_ATTRS.
   */
  attributes(value: unknown): number {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalidType('call.attributes', 'an object of strings keyed by attributeKeys', value);
    }
    const record = value as Record<string, unknown>;
    // Two passes over the keys, no allocation: validate everything, then intern, so that a
    // refused call adds no string to the table.
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      if (!this.attributeIndex.has(key)) this.badAttributeKey(key);
      const v = record[key];
      if (v !== undefined && !isName(v)) badName(v, `call.attributes.${key}`);
    }
    const ids = this.attrIds;
    ids.fill(0);
    for (const key in record) {
      const v = record[key];
      if (v !== undefined && Object.hasOwn(record, key)) ids[this.attributeIndex.get(key) as number] = this.strings.intern(v as string);
    }
    return EXTRA_ATTRS;
  }

  /** The response fields into `this.response` (validate.ts); EXTRA_RESPONSE. */
  responseFields(call: ChatCall | EmbedCall, embed: boolean): number {
    checkResponse(call, this.response, embed);
    return EXTRA_RESPONSE;
  }

  /**
   * A wire record's signals row (instrumentFetch): its stream's chunk timing as the main thread
   * saw the body's chunks, and room for the rate-limit values a worker reads from the headers it
   * kept (worker/wire-records.ts). Returns FLAG_SIGNALS, or 0 when the exchange has neither.
   */
  wireSignals(ub: number, chunks: number, afterFirstMs: number, maxGapMs: number, headers: boolean): number {
    const timed = chunks > 0;
    if (!timed && !headers) return 0;
    const ring = this.ring;
    ring.sig[ub + SG_HAVE] = timed ? SG_HAVE_CHUNKS : 0;
    if (timed) {
      const fb = (ub / SIGNALS_U32) * SIGNALS_F64;
      ring.sig[ub + SG_CHUNKS] = chunks;
      ring.sigF64[fb + SG_F_CHUNKS_AFTER_FIRST] = afterFirstMs;
      ring.sigF64[fb + SG_F_MAX_GAP] = Math.min(maxGapMs, afterFirstMs);
    }
    return FLAG_SIGNALS;
  }

  /** The signals of a chat call (savings, rate limits, retry-after, chunk timing) into the scratch; EXTRA_SIGNALS. */
  signals(call: ChatCall, flags: number): number {
    this.signalValues.check(call, flags & OP_MASK, (flags & CACHE_MASK) !== 0);
    return EXTRA_SIGNALS;
  }

  /** The call's content into the arena (content-writer.ts); EXTRA_CONTENT when it has some. */
  content(call: ChatCall, extra: number, writer: ContentWriter): number {
    const firstFinish = (extra & EXTRA_RESPONSE) !== 0 ? this.response.firstFinish : undefined;
    const length = writer.encode(call, firstFinish);
    if (length === 0) return 0;
    this.contentLength = length;
    return EXTRA_CONTENT;
  }

  /**
   * Writes the words `extra` says the call has into record `index` (its u32 offset `ub` in the
   * ring's words `u` and in the extension rows `x`: EXT_U32 == RECORD_U32). Returns the flags
   * to add to the record's U_FLAGS.
   */
  write(u: Uint32Array, x: Uint32Array, ub: number, extra: number, index: number, content: ContentWriter | undefined): number {
    let flags = 0;
    if ((extra & EXTRA_ATTRS) !== 0) {
      const ids = this.attrIds;
      for (let k = 0; k < MAX_ATTRIBUTE_KEYS; k++) u[ub + U_ATTRS + k] = ids[k];
      flags |= FLAG_ATTRS;
    }
    if ((extra & EXTRA_RESPONSE) !== 0) {
      const r = this.response;
      x[ub + X_RESPONSE_MODEL] = r.model === undefined ? 0 : this.responseModels.id(this.strings, r.model);
      x[ub + X_FINISH] = r.finish === undefined ? 0 : this.finishes.id(this.strings, r.finish);
      x[ub + X_SERVER] = r.server === undefined ? 0 : this.servers.id(this.strings, r.server);
      x[ub + X_SERVER_PORT] = r.port;
      x[ub + X_RESPONSE_ID_LEN] = r.idLength;
      const at = ub + RESPONSE_ID_AT / 4;
      for (let k = 0; k < r.idLength; k += 4) x[at + (k >>> 2)] = r.idWords[k >>> 2];
      flags |= FLAG_RESPONSE;
    }
    if ((extra & EXTRA_SIGNALS) !== 0) {
      const ring = this.ring;
      this.signalValues.write(ring.sig, ring.sigF64, ring.sigF32, ub);
      flags |= FLAG_SIGNALS;
    }
    if ((extra & EXTRA_CONTENT) !== 0) {
      const length = this.contentLength;
      if (length > 0 && content !== undefined) {
        x[ub + X_CONTENT_AT] = content.at;
        x[ub + X_CONTENT_LEN] = length;
        content.commit(index, length);
        flags |= FLAG_CONTENT;
      } else {
        // No room in the arena: the span goes without its content, counted.
        this.counters.contentArenaFull++;
      }
    }
    return flags;
  }

  private badAttributeKey(key: string): never {
    const allowed = this.attributeIndex.size === 0 ? 'none (no attributeKeys option)' : [...this.attributeIndex.keys()].map((x) => `'${x}'`).join(', ');
    throw invalidRange('call.attributes key', `one of the attributeKeys: ${allowed}`, key);
  }
}
