// The GenAI message shapes (src/messages.ts) as the content writer copies them into a blob:
// system parts, input and output messages with their parts, tool definitions, and JSON data inside
// them. Main thread only; ContentWriter (content-writer.ts) finds the room and calls section() once
// per captured category. Validates while it writes: the first field that is not of its shape
// throws a TypeError or RangeError naming it (call.input[2].parts[0].type, ...), and the caller
// discards what was written.

import { invalidRange, invalidType } from '../errors.js';
import { CAT_INPUT, CAT_OUTPUT, CAT_SYSTEM, HAS_FINISH, HAS_NAME, T_ARRAY_REVERSED, T_NULL } from '../shared/arena.js';
import { Invalid, invalid, key, rethrowAt, type BlobEncoder } from './blob-encoder.js';

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

export class ShapeWriter {
  private readonly e: BlobEncoder;
  /** String bytes one attribute may copy (2 x maxContentBytes). */
  private readonly copyBudget: number;

  constructor(e: BlobEncoder, copyBudget: number) {
    this.e = e;
    this.copyBudget = copyBudget;
  }

  section(cat: number, value: unknown, field: 'system' | 'input' | 'output' | 'tools', finishReason: string | undefined): void {
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
