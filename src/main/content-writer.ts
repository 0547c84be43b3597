// ContentWriter: copies a call's captured content (system, input, output, tools) into the content
// arena as bytes (shared/arena.ts has the layout and the blob format). Main thread only, on the
// request path of a call that carries content while captureContent is on; a tracer without
// captureContent has no ContentWriter and a call without content never gets here.
//
// It validates while it copies (the GenAI shapes of src/messages.ts, JSON data elsewhere): bad
// content throws a TypeError or RangeError naming the field and the value, and nothing written
// counts until commit(), so the arena is left as it was. No JSON, no object per call: the
// shapes' known fields are read and written directly (blob-encoder.ts writes the bytes). A
// message keeps role, parts, name and finish_reason, a tool definition type, name, description
// and parameters, a part of a known type its fields; a part of another type keeps all of them.
// Strings past twice maxContentBytes per attribute are cut here (the workers would cut them
// anyway; the copy stays bounded), with their full size kept for the original-size count.
//
// Space is reclaimed as the ring's slots are (arena.ts): a FIFO of (record index, blob end) per
// record with content; every blob whose record the loops have copied out is free.

import { invalidRange, invalidType } from '../errors.js';
import { CAT_INPUT, CAT_OUTPUT, CAT_SYSTEM, CAT_TOOLS, HAS_FINISH, HAS_NAME, T_ARRAY_REVERSED, T_NULL, type ArenaViews } from '../shared/arena.js';
import type { CaptureCategories } from '../shared/content-config.js';
import { BlobEncoder, FULL, Invalid, invalid, key, rethrowAt } from './blob-encoder.js';

/** The content fields of a record call. */
export interface ContentFields {
  system?: unknown;
  input?: unknown;
  output?: unknown;
  tools?: unknown;
}

const K_TYPE = key('type');
const K_CONTENT = key('content');
const K_ID = key('id');
const K_NAME = key('name');
const K_ARGUMENTS = key('arguments');
const K_RESPONSE = key('response');
const K_DESCRIPTION = key('description');
const K_PARAMETERS = key('parameters');
const K_MIME = key('mime_type');
const K_MODALITY = key('modality');
const K_URI = key('uri');
const K_FILE_ID = key('file_id');

/** `o[k]`, which must be a non-empty string. */
function required(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v === 'string' && v !== '') return v;
  const err = new Invalid('a non-empty string', v, typeof v === 'string');
  err.path.push(k);
  throw err;
}

/** `o[k]`, which must be a string (maybe empty). */
function stringField(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v === 'string') return v;
  const err = new Invalid('a string', v, false);
  err.path.push(k);
  throw err;
}

/** `o[k]` when it is absent, null or a string (null and absent alike: undefined). */
function optionalString(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  if (v == null) return undefined;
  if (typeof v === 'string') return v;
  const err = new Invalid('a string', v, false);
  err.path.push(k);
  throw err;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class ContentWriter {
  /** Offset in the arena's data of the blob the last encode() wrote. */
  at = 0;
  private readonly e: BlobEncoder;
  private readonly size: number;
  private readonly capture: CaptureCategories;
  /** String bytes one attribute may copy (2 x maxContentBytes). */
  private readonly copyBudget: number;
  /** Bytes allocated and freed so far (monotonic; offset = head % size after a skip). */
  private head = 0;
  private tail = 0;
  /** `head` when the loops were last asked to take what is written (pressure()). */
  private pushedAt = 0;
  /** Per record with content: its index and where its blob ends (as `head`), oldest first. */
  private readonly fifoIndex: Float64Array;
  private readonly fifoEnd: Float64Array;
  private fifoFirst = 0;
  private fifoCount = 0;
  /** Bytes of the data's end skipped before the blob being written (it starts again at 0). */
  private skip = 0;
  private readonly reclaim: () => number;
  private readonly pressure: () => void;

  /**
   * `capacity`: the ring's (at most that many records hold content at once). `reclaim()` frees
   * ring slots and returns the index below which every record is copied out; `pressure()` makes
   * the records written so far due, so that the loops copy their blobs (and free them) soon.
   */
  constructor(arena: ArenaViews, capture: CaptureCategories, maxContentBytes: number, capacity: number, reclaim: () => number, pressure: () => void) {
    this.e = new BlobEncoder(arena.data);
    this.size = arena.size;
    this.capture = capture;
    this.copyBudget = 2 * maxContentBytes;
    this.fifoIndex = new Float64Array(capacity);
    this.fifoEnd = new Float64Array(capacity);
    this.reclaim = reclaim;
    this.pressure = pressure;
  }

  /**
   * Writes the content of `call` (the categories captured) as one blob at `this.at`: its length,
   * 0 when the call has none, -1 when it does not fit (the caller counts it). Throws on invalid
   * content, leaving the arena as it was. The blob counts once commit() is called.
   */
  encode(call: ContentFields, finishReason: string | undefined): number {
    const c = this.capture;
    const system = c.system ? call.system : undefined;
    const input = c.input ? call.input : undefined;
    const output = c.output ? call.output : undefined;
    const tools = c.tools ? call.tools : undefined;
    if (system === undefined && input === undefined && output === undefined && tools === undefined) return 0;
    // A quarter of the arena written since the loops were last told: publish now, so that they
    // copy those blobs out before the arena fills (records are otherwise due per batch).
    if (this.head - this.pushedAt > this.size / 4) {
      this.pushedAt = this.head;
      this.pressure();
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!this.room(attempt)) continue;
      const start = this.e.pos;
      try {
        if (system !== undefined) this.section(CAT_SYSTEM, system, 'system', finishReason);
        if (input !== undefined) this.section(CAT_INPUT, input, 'input', finishReason);
        if (output !== undefined) this.section(CAT_OUTPUT, output, 'output', finishReason);
        if (tools !== undefined) this.section(CAT_TOOLS, tools, 'tools', finishReason);
        this.at = start;
        return this.e.pos - start;
      } catch (err) {
        if (err !== FULL) throw err;
      }
    }
    return -1;
  }

  /** The blob encode() wrote last belongs to record `index`: it counts from now on. */
  commit(index: number, length: number): void {
    this.head += this.skip + length;
    // At most `capacity` records hold content at once, so the FIFO never overflows.
    const cap = this.fifoIndex.length;
    const at = (this.fifoFirst + this.fifoCount) % cap;
    this.fifoIndex[at] = index;
    this.fifoEnd[at] = this.head;
    this.fifoCount++;
  }

  /** Bytes held by blobs whose records may not all be copied out yet. */
  get used(): number {
    return this.head - this.tail;
  }

  /**
   * Where the next blob goes (pos, limit, skip), for attempt 0, 1, 2: at the write offset; the
   * same after freeing what the loops have copied; at offset 0, skipping the end of the data.
   * False when no attempt is left.
   */
  private room(attempt: number): boolean {
    if (attempt === 1) this.free();
    const size = this.size;
    const offset = this.head % size;
    const free = size - (this.head - this.tail);
    const e = this.e;
    if (attempt < 2) {
      this.skip = 0;
      e.pos = offset;
      e.limit = offset + Math.min(size - offset, free);
      return attempt === 0 || e.limit > e.pos;
    }
    // The used bytes lie before the write offset: the room from 0 to the oldest blob may be larger.
    if (offset === 0 || free <= size - offset) return false;
    this.skip = size - offset;
    e.pos = 0;
    e.limit = free - this.skip;
    return true;
  }

  /** Frees the blobs of every record the loops have copied out. */
  private free(): void {
    const read = this.reclaim();
    const cap = this.fifoIndex.length;
    while (this.fifoCount > 0 && this.fifoIndex[this.fifoFirst] < read) {
      this.tail = this.fifoEnd[this.fifoFirst];
      this.fifoFirst = (this.fifoFirst + 1) % cap;
      this.fifoCount--;
    }
    if (this.fifoCount === 0) this.tail = this.head;
  }

  private section(cat: number, value: unknown, field: 'system' | 'input' | 'output' | 'tools', finishReason: string | undefined): void {
    const e = this.e;
    e.budget = this.copyBudget;
    e.u8(cat);
    try {
      if (field === 'tools') this.tools(value);
      else if (typeof value === 'string') this.shorthand(cat, value, finishReason);
      else if (field === 'system') this.parts(value, 'an array of parts or a string');
      else this.messages(value, cat === CAT_OUTPUT);
    } catch (err) {
      if (err instanceof Invalid) throw toError(`call.${field}`, err);
      throw err;
    }
  }

  /** `system: 'text'`, `input: 'text'`, `output: 'text'`: one text part, in one message for input and output. */
  private shorthand(cat: number, text: string, finishReason: string | undefined): void {
    const e = this.e;
    e.arrayHead(1);
    if (cat === CAT_OUTPUT) {
      e.messageHead(HAS_FINISH, 'assistant');
      e.wordOrString(finishReason ?? 'stop');
    } else if (cat === CAT_INPUT) e.messageHead(0, 'user');
    if (cat !== CAT_SYSTEM) e.arrayHead(1);
    e.text(text);
  }

  /**
   * The messages of an input are written latest first (T_ARRAY_REVERSED): truncation keeps the
   * latest turns, so the copy limit must spend itself on them too.
   */
  private messages(value: unknown, output: boolean): void {
    if (!Array.isArray(value)) invalid('an array of messages ({ role, parts }) or a string', value);
    const e = this.e;
    let i = 0;
    try {
      if (output) {
        e.arrayHead(value.length);
        for (; i < value.length; i++) this.message(value[i], true);
      } else {
        e.u8(T_ARRAY_REVERSED);
        e.u32(value.length);
        for (i = value.length - 1; i >= 0; i--) this.message(value[i], false);
      }
    } catch (err) {
      rethrowAt(err, i);
    }
  }

  private message(m: unknown, output: boolean): void {
    if (!isObject(m)) invalid(output ? 'an output message ({ role, parts, finish_reason })' : 'a message ({ role, parts })', m);
    const e = this.e;
    const role = required(m, 'role');
    const parts = m.parts;
    if (!Array.isArray(parts)) {
      const err = new Invalid('an array of parts', parts, false);
      err.path.push('parts');
      throw err;
    }
    const name = optionalString(m, 'name');
    const finish = optionalString(m, 'finish_reason');
    e.messageHead((name === undefined ? 0 : HAS_NAME) | (finish === undefined ? 0 : HAS_FINISH), role);
    if (name !== undefined) e.str(name);
    if (finish !== undefined) e.wordOrString(finish);
    try {
      this.parts(parts, 'an array of parts');
    } catch (err) {
      rethrowAt(err, 'parts');
    }
  }

  private parts(value: unknown, expected: string): void {
    if (!Array.isArray(value)) invalid(expected, value);
    this.e.arrayHead(value.length);
    let i = 0;
    try {
      for (; i < value.length; i++) this.part(value[i]);
    } catch (err) {
      rethrowAt(err, i);
    }
  }

  /** A part: a known type with its fields, or any other type with all its members. */
  private part(p: unknown): void {
    if (!isObject(p)) invalid('a part ({ type, ... })', p);
    const e = this.e;
    const type = required(p, 'type');
    switch (type) {
      case 'text':
        e.text(stringField(p, 'content'));
        return;
      case 'reasoning': {
        const content = stringField(p, 'content');
        e.objectHead(2);
        e.u8(K_TYPE);
        e.wordOrString(type);
        e.u8(K_CONTENT);
        e.str(content);
        return;
      }
      case 'tool_call': {
        const name = required(p, 'name');
        const id = p.id;
        if (id != null && typeof id !== 'string') invalidAt('id', 'a string or null', id);
        const args = p.arguments;
        e.objectHead(args === undefined ? 3 : 4);
        e.u8(K_TYPE);
        e.wordOrString(type);
        this.id(id);
        e.u8(K_NAME);
        e.str(name);
        if (args !== undefined) {
          e.u8(K_ARGUMENTS);
          this.data(args, 'arguments');
        }
        return;
      }
      case 'tool_call_response': {
        const id = p.id;
        if (id != null && typeof id !== 'string') invalidAt('id', 'a string or null', id);
        e.objectHead(3);
        e.u8(K_TYPE);
        e.wordOrString(type);
        this.id(id);
        e.u8(K_RESPONSE);
        if (p.response === undefined) e.u8(T_NULL);
        else this.data(p.response, 'response');
        return;
      }
      case 'blob':
      case 'uri':
      case 'file': {
        const field = type === 'blob' ? 'content' : type === 'uri' ? 'uri' : 'file_id';
        const payload = stringField(p, field);
        const modality = required(p, 'modality');
        const mime = optionalString(p, 'mime_type');
        e.objectHead(mime === undefined ? 3 : 4);
        e.u8(K_TYPE);
        e.wordOrString(type);
        e.u8(K_MODALITY);
        e.wordOrString(modality);
        if (mime !== undefined) {
          e.u8(K_MIME);
          e.str(mime);
        }
        e.u8(type === 'blob' ? K_CONTENT : type === 'uri' ? K_URI : K_FILE_ID);
        e.str(payload);
        return;
      }
      default:
        e.members(p, 1);
    }
  }

  /** A part's id: a string, or null (absent alike). */
  private id(id: unknown): void {
    const e = this.e;
    e.u8(K_ID);
    if (typeof id === 'string') e.str(id);
    else e.u8(T_NULL);
  }

  /** JSON data under `field` of a part. */
  private data(v: unknown, field: string): void {
    try {
      if (v === null || typeof v === 'function' || typeof v === 'symbol') this.e.u8(T_NULL);
      else this.e.value(v, 2);
    } catch (err) {
      rethrowAt(err, field);
    }
  }

  private tools(value: unknown): void {
    if (!Array.isArray(value)) invalid('an array of tool definitions ({ type, name })', value);
    const e = this.e;
    e.arrayHead(value.length);
    let i = 0;
    try {
      for (; i < value.length; i++) {
        const t: unknown = value[i];
        if (!isObject(t)) invalid('a tool definition ({ type, name })', t);
        const type = required(t, 'type');
        const name = required(t, 'name');
        const description = optionalString(t, 'description');
        const parameters = t.parameters;
        e.objectHead(2 + (description === undefined ? 0 : 1) + (parameters == null ? 0 : 1));
        e.u8(K_TYPE);
        e.wordOrString(type);
        e.u8(K_NAME);
        e.str(name);
        if (description !== undefined) {
          e.u8(K_DESCRIPTION);
          e.str(description);
        }
        if (parameters != null) {
          e.u8(K_PARAMETERS);
          this.data(parameters, 'parameters');
        }
      }
    } catch (err) {
      rethrowAt(err, i);
    }
  }
}

function invalidAt(field: string, expected: string, value: unknown): never {
  const err = new Invalid(expected, value, false);
  err.path.push(field);
  throw err;
}

/** The TypeError or RangeError for an invalid content field, its path rendered after `field`. */
function toError(field: string, e: Invalid): Error {
  let path = field;
  for (const p of e.path) path += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return e.range ? invalidRange(path, e.expected, e.value) : invalidType(path, e.expected, e.value);
}
