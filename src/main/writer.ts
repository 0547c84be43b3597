// RecordWriter: the request path. Main thread only. Validates a call, interns its strings,
// stamps the end time and the active trace context, and writes one fixed-size record straight
// into the ring's typed arrays (layout.ts; codec.ts decodes it). Never blocks, never throws
// after validation: a full ring or a closed tracer returns false and counts the drop.
//
// Performance notes (measured with `node --trace-turbo-inlining` and bench/hot-path.mjs): the
// whole record call must fit V8's cumulative inlining budget (~920 bytes of bytecode) or the
// checks become real calls and the call costs twice as much. So this class uses TypeScript
// `private` (plain properties) instead of `#private` (a brand check on every access), and the
// checks in validate.ts keep their throwing code in cold functions.

import { diag } from '@opentelemetry/api';
import { preciseNow } from './clock.js';
import type { Counters } from './counters.js';
import { activeParent, explicitParent, parent, SAMPLED_PARENT, UNSAMPLED_PARENT } from './context.js';
import { invalidRange, invalidType } from '../errors.js';
import {
  C_PROGRESS,
  F_CACHED_INPUT,
  F_CACHE_WRITE,
  F_END,
  F_INPUT,
  F_LATENCY,
  F_OUTPUT,
  F_REASONING,
  F_TTFT,
  FLAG_ATTRS,
  FLAG_CONTENT,
  FLAG_PARENT,
  FLAG_RESPONSE,
  FLAG_USAGE,
  MAX_ATTRIBUTE_KEYS,
  OP_EMBED,
  RECORD_F64,
  RESPONSE_ID_AT,
  U_ATTRS,
  X_CONTENT_AT,
  X_CONTENT_LEN,
  U_ERROR,
  X_FINISH,
  X_RESPONSE_ID_LEN,
  X_RESPONSE_MODEL,
  X_SERVER,
  X_SERVER_PORT,
  U_FLAGS,
  U_MODEL,
  U_PARENT,
  U_PROVIDER,
  U_TOOLS,
  U_TRACE,
  U_TRACE_FLAGS,
} from '../shared/layout.js';
import type { RingViews } from '../shared/ring.js';
import { OVERFLOW_ID, type StringTableWriter } from '../shared/strings.js';
import {
  badCall,
  badCount,
  badMillis,
  badName,
  checkCacheHit,
  checkChatOperation,
  checkEndTime,
  checkErrorType,
  checkStatus,
  checkResponse,
  checkUsage,
  isCount,
  isMillis,
  isName,
  ResponseScratch,
} from './validate.js';
import type { ContentWriter } from './content-writer.js';
import type { UsageScratch } from './validate.js';
import type { ChatMessage, MessagePart, OutputMessage, ToolDefinition } from '../messages.js';

export type CacheHit = 'exact' | 'semantic' | 'miss';
export type CallStatus = 'ok' | 'error';

export interface ChatCall {
  provider: string;
  model: string;
  latencyMs: number;
  inputTokens?: number;
  outputTokens?: number;
  cacheHit?: CacheHit;
  toolCalls?: number;
  status?: CallStatus;
  errorType?: string | null;
  operation?: 'chat' | 'stream';
  /** When the call ended, on the performance.now() timeline; read from the clock when omitted. */
  endTime?: number;
  /** Input tokens read from the provider's prompt cache; part of inputTokens. */
  cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache; part of inputTokens. */
  cacheWriteTokens?: number;
  /** Output tokens spent on reasoning; part of outputTokens. */
  reasoningTokens?: number;
  /** Streams only: milliseconds from the request to the first chunk; at most latencyMs. */
  timeToFirstTokenMs?: number;
  /** Values for the tracer's attributeKeys (low-cardinality strings: tenant, route, …). */
  attributes?: Readonly<Record<string, string>>;
  /** The span to parent this one to, instead of the span active in the OTel context; null: none (a root span). */
  parent?: ParentSpanContext | null;
  /** The model that answered (gen_ai.response.model), when the provider says; `model` is the one asked for. Priced by this one when given. */
  responseModel?: string | null;
  /** The provider's id of this completion (gen_ai.response.id), at most 96 bytes of UTF-8. Never interned. */
  responseId?: string | null;
  /** Why the model stopped, one per choice (gen_ai.response.finish_reasons), at most 16. */
  finishReasons?: readonly string[] | null;
  /** Host name (or address) of the provider's endpoint (server.address). */
  serverAddress?: string | null;
  /** Port of the provider's endpoint (server.port). */
  serverPort?: number | null;
  /** captureContent `system`: system instructions given apart from the chat history (gen_ai.system_instructions); a string is one text part. */
  system?: string | readonly MessagePart[];
  /** captureContent `input`: the chat history sent (gen_ai.input.messages); a string is one user message. */
  input?: string | readonly ChatMessage[];
  /** captureContent `output`: the model's answers (gen_ai.output.messages); a string is one assistant message. */
  output?: string | readonly OutputMessage[];
  /** captureContent `tools`: the tools the model was offered (gen_ai.tool.definitions). */
  tools?: readonly ToolDefinition[];
}

export interface EmbedCall {
  provider: string;
  model: string;
  latencyMs: number;
  inputTokens?: number;
  status?: CallStatus;
  errorType?: string | null;
  /** When the call ended, on the performance.now() timeline; read from the clock when omitted. */
  endTime?: number;
  attributes?: Readonly<Record<string, string>>;
  parent?: ParentSpanContext | null;
  /** The model that answered (gen_ai.response.model); priced by this one when given. */
  responseModel?: string | null;
  serverAddress?: string | null;
  serverPort?: number | null;
}

/** The fields of an OTel SpanContext the tracer reads. */
export interface ParentSpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

export interface WriterHooks {
  /** Frees ring slots that workers have finished reading; may raise `writer.read`. */
  reclaim(): void;
  /** fullRingPolicy 'block': waits (bounded) for room in the ring; may raise `writer.read`. */
  block?: () => void;
  /** Runs once `write` reaches `notifyAt`: batch dispatch. */
  written(write: number): void;
  /** In-memory mode: runs after every record with its index, on the calling thread. */
  capture?: (index: number) => void;
}

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

/** The progress word of a writer without drain loops: never moves (their rings are never full). */
const NO_PROGRESS = new Int32Array(C_PROGRESS + 1);

/** The clock cell of a writer that reads performance.now() per record. */
const PRECISE = new Float64Array([-1]);

// What a record carries beyond its first line, as checked before its slot is claimed (finish()).
const EXTRA_ATTRS = 1;
const EXTRA_RESPONSE = 2;
const EXTRA_CONTENT = 4;

export class RecordWriter {
  /** Index of the next record to write (grows without bound; slot = index & mask). */
  write = 0;
  /** Every record below this index has been read and its slot may be overwritten. */
  read = 0;
  /** The hooks' `written` runs once `write` reaches this index (0: after every record). */
  notifyAt = 0;
  closed = false;
  /** Copies captured content into the content arena; undefined unless captureContent is on. */
  content: ContentWriter | undefined = undefined;
  /** The coarse clock's cell (clock.ts): its latest tick, or -1 to read performance.now() per call. */
  clock: Float64Array = PRECISE;
  private readonly f64: Float64Array;
  private readonly u32: Uint32Array;
  /** The extension rows (layout.ts): written for calls with response fields or content only. */
  private readonly ext: Uint32Array;
  private readonly mask: number;
  private readonly capacity: number;
  private readonly strings: StringTableWriter;
  private readonly counters: Counters;
  private readonly hooks: WriterHooks;
  private readonly capture: ((index: number) => void) | undefined;
  private dropping = false;
  /**
   * The drain loops' progress word (the control block's C_PROGRESS, set by the scheduler): it
   * moves after every copy out of the ring and every settle. A full ring is looked at again
   * (reclaim) only once it has moved since the last look found no room.
   */
  progress: Int32Array = NO_PROGRESS;
  private fullSeen = false;
  private fullProgress = 0;
  /** Scratch of the usage fields of the call being recorded (checkUsage fills it). */
  private readonly usage: UsageScratch = { cached: 0, cacheWrite: 0, reasoning: 0, ttft: -1 };
  /** Scratch of the attribute string ids of the call being recorded. */
  private readonly attrIds = new Uint32Array(MAX_ATTRIBUTE_KEYS);
  /** attributeKeys → position. */
  private readonly attributeIndex: Map<string, number>;
  /** Scratch of the response fields of the call being recorded (checkResponse fills it). */
  private readonly response = new ResponseScratch();
  /** Bytes of the content blob of the call being recorded (ContentWriter.encode), or -1: no room. */
  private contentLength = 0;
  /** The last answered model and server address interned (they repeat from call to call). */
  private readonly responseModels = new LastInterned();
  private readonly servers = new LastInterned();
  private readonly finishes = new LastInterned();
  private lastProvider = '';
  private lastProviderId = 0;
  private lastModel = '';
  private lastModelId = 0;

  constructor(ring: RingViews, strings: StringTableWriter, counters: Counters, hooks: WriterHooks, attributeKeys: readonly string[] = []) {
    this.attributeIndex = new Map(attributeKeys.map((k, i) => [k, i]));
    this.f64 = ring.f64;
    this.u32 = ring.u32;
    this.ext = ring.ext;
    this.mask = ring.mask;
    this.capacity = ring.capacity;
    this.strings = strings;
    this.counters = counters;
    this.hooks = hooks;
    this.capture = hooks.capture;
  }

  recordChat(call: ChatCall): boolean {
    // Checks are written out here, with tiny predicates and cold throwers (validate.ts), so that
    // V8 compiles the whole call as one function.
    if (typeof call !== 'object' || call === null || Array.isArray(call)) badCall(call, 'recordChatSpan');
    const provider = call.provider;
    const model = call.model;
    const latencyMs = call.latencyMs;
    let inputTokens = call.inputTokens;
    let outputTokens = call.outputTokens;
    let toolCalls = call.toolCalls;
    if (!isName(provider)) badName(provider, 'call.provider');
    if (!isName(model)) badName(model, 'call.model');
    if (!isMillis(latencyMs)) badMillis(latencyMs, 'call.latencyMs', 'a number of milliseconds');
    if (inputTokens === undefined) inputTokens = 0;
    else if (!isCount(inputTokens)) badCount(inputTokens, 'call.inputTokens');
    if (outputTokens === undefined) outputTokens = 0;
    else if (!isCount(outputTokens)) badCount(outputTokens, 'call.outputTokens');
    if (toolCalls === undefined) toolCalls = 0;
    else if (!isCount(toolCalls)) badCount(toolCalls, 'call.toolCalls');
    const status = checkStatus(call.status);
    const op = checkChatOperation(call.operation);
    const flags = checkCacheHit(call.cacheHit) | status | op;
    const errorType = call.errorType == null || call.errorType === '' ? undefined : checkErrorType(call.errorType, status);
    const endTime = call.endTime === undefined ? -1 : checkEndTime(call.endTime);
    // The usage breakdown and time to first token: absent on most calls, so checked out of line,
    // and written only when present (FLAG_USAGE tells the reader).
    const usage = call.cachedInputTokens !== undefined || call.cacheWriteTokens !== undefined ||
      call.reasoningTokens !== undefined || call.timeToFirstTokenMs !== undefined;
    if (usage) checkUsage(call, inputTokens, outputTokens, latencyMs, op, this.usage);
    let extra = call.attributes === undefined ? 0 : this.checkAttributes(call.attributes);
    // The response fields: the wrappers' calls have them, a bare call has none (out of line).
    if (call.responseModel !== undefined || call.responseId !== undefined || call.finishReasons !== undefined ||
        call.serverAddress !== undefined || call.serverPort !== undefined) extra |= this.checkResponseFields(call, false);
    if (this.content !== undefined) extra |= this.checkContent(call, extra);
    const parentKind = call.parent === undefined ? activeParent() : explicitParent(call.parent);
    // Everything is valid from here on: nothing below throws, and only now is the ring touched.
    const fb = this.claim(parentKind);
    if (fb < 0) return false;
    const f = this.f64;
    f[fb + F_LATENCY] = latencyMs;
    // `>>> 0` is the identity on valid counts, except that it turns -0 into 0.
    f[fb + F_INPUT] = inputTokens >>> 0;
    f[fb + F_OUTPUT] = outputTokens >>> 0;
    if (usage) this.writeUsage(f, fb);
    return this.finish(fb, provider, model, errorType, usage ? flags | FLAG_USAGE : flags, toolCalls, endTime, parentKind, extra);
  }

  recordEmbed(call: EmbedCall): boolean {
    if (typeof call !== 'object' || call === null || Array.isArray(call)) badCall(call, 'recordEmbedSpan');
    const provider = call.provider;
    const model = call.model;
    const latencyMs = call.latencyMs;
    let inputTokens = call.inputTokens;
    if (!isName(provider)) badName(provider, 'call.provider');
    if (!isName(model)) badName(model, 'call.model');
    if (!isMillis(latencyMs)) badMillis(latencyMs, 'call.latencyMs', 'a number of milliseconds');
    if (inputTokens === undefined) inputTokens = 0;
    else if (!isCount(inputTokens)) badCount(inputTokens, 'call.inputTokens');
    const status = checkStatus(call.status);
    const errorType = call.errorType == null || call.errorType === '' ? undefined : checkErrorType(call.errorType, status);
    const endTime = call.endTime === undefined ? -1 : checkEndTime(call.endTime);
    let extra = call.attributes === undefined ? 0 : this.checkAttributes(call.attributes);
    if (call.responseModel !== undefined || call.serverAddress !== undefined || call.serverPort !== undefined) extra |= this.checkResponseFields(call, true);
    const parentKind = call.parent === undefined ? activeParent() : explicitParent(call.parent);
    const fb = this.claim(parentKind);
    if (fb < 0) return false;
    const f = this.f64;
    f[fb + F_LATENCY] = latencyMs;
    f[fb + F_INPUT] = inputTokens >>> 0;
    f[fb + F_OUTPUT] = 0;
    return this.finish(fb, provider, model, errorType, status | OP_EMBED, 0, endTime, parentKind, extra);
  }

  /**
   * Validates `call.attributes` against attributeKeys and interns the values into `attrIds`
   * (by key position; 0 = absent). Returns EXTRA_ATTRS. Out of line: most calls have none.
   */
  private checkAttributes(value: unknown): number {
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

  /** The response fields into `this.response` (validation.ts); EXTRA_RESPONSE. */
  private checkResponseFields(call: ChatCall | EmbedCall, embed: boolean): number {
    checkResponse(call, this.response, embed);
    return EXTRA_RESPONSE;
  }

  /** The call's content into the arena (content-writer.ts); EXTRA_CONTENT when it has some. */
  private checkContent(call: ChatCall, extra: number): number {
    const firstFinish = (extra & EXTRA_RESPONSE) !== 0 ? this.response.firstFinish : undefined;
    const length = (this.content as ContentWriter).encode(call, firstFinish);
    if (length === 0) return 0;
    this.contentLength = length;
    return EXTRA_CONTENT;
  }

  private badAttributeKey(key: string): never {
    const allowed = this.attributeIndex.size === 0 ? 'none (no attributeKeys option)' : [...this.attributeIndex.keys()].map((x) => `'${x}'`).join(', ');
    throw invalidRange('call.attributes key', `one of the attributeKeys: ${allowed}`, key);
  }

  get stringsFolded(): number {
    return this.strings.folded;
  }

  /**
   * Counts the call and finds it a slot at index `write`: the slot's float64 offset, or -1 when
   * the call is dropped (counted).
   */
  private claim(parentKind: number): number {
    this.counters.recorded++;
    if (this.closed) return this.dropClosed();
    if (parentKind === UNSAMPLED_PARENT) return this.dropUnsampled();
    const index = this.write;
    if (index - this.read >= this.capacity) {
      // Full as far as this thread knows. While no drain loop has moved since the last look
      // found no room, the drop costs this one load and compare (fullRingPolicy 'drop').
      const progress = Atomics.load(this.progress, C_PROGRESS);
      if ((this.fullSeen && progress === this.fullProgress) || !this.makeRoom(progress)) return this.dropFull();
    }
    this.dropping = false;
    return (index & this.mask) * RECORD_F64;
  }

  /** Out of line: reclaims the slots the loops copied out (and waits, under 'block'); true when there is room. */
  private makeRoom(progress: number): boolean {
    this.fullSeen = false;
    this.hooks.reclaim();
    if (this.write - this.read < this.capacity) return true;
    if (this.hooks.block !== undefined) {
      this.hooks.block();
      return this.write - this.read < this.capacity;
    }
    // Loaded before the reclaim: a loop that moves after it changes the word, and the next call looks again.
    this.fullSeen = true;
    this.fullProgress = progress;
    return false;
  }

  /** Completes the record at `this.write` (float64 offset `fb`) and publishes it to the hooks. */
  private finish(
    fb: number,
    provider: string,
    model: string,
    errorType: string | undefined,
    flags: number,
    toolCalls: number,
    endTime: number,
    parentKind: number,
    extra: number,
  ): true {
    const u = this.u32;
    const ub = fb * 2; // RECORD_U32 == 2 * RECORD_F64
    // The one clock read of the request path: the caller's own, the coarse clock's cell while
    // it ticks, else performance.now().
    let end = endTime;
    if (end < 0) {
      end = this.clock[0];
      if (end < 0) end = preciseNow();
    }
    this.f64[fb + F_END] = end;
    // Parents and attributes are the rarer cases: written out of line, to keep this inlined.
    if (parentKind === SAMPLED_PARENT) this.writeParent(u, ub, flags);
    else u[ub + U_FLAGS] = flags;
    if (extra !== 0) this.writeExtras(u, ub, extra);
    u[ub + U_PROVIDER] = provider === this.lastProvider ? this.lastProviderId : this.providerId(provider);
    u[ub + U_MODEL] = model === this.lastModel ? this.lastModelId : this.modelId(model);
    u[ub + U_ERROR] = errorType === undefined ? 0 : this.strings.intern(errorType);
    u[ub + U_TOOLS] = toolCalls;
    const index = this.write;
    const write = index + 1;
    this.write = write;
    if (this.capture !== undefined) this.capture(index);
    if (write >= this.notifyAt) this.hooks.written(write);
    return true;
  }

  private writeParent(u: Uint32Array, ub: number, flags: number): void {
    u[ub + U_TRACE] = parent.t0;
    u[ub + U_TRACE + 1] = parent.t1;
    u[ub + U_TRACE + 2] = parent.t2;
    u[ub + U_TRACE + 3] = parent.t3;
    u[ub + U_PARENT] = parent.p0;
    u[ub + U_PARENT + 1] = parent.p1;
    u[ub + U_TRACE_FLAGS] = parent.flags;
    u[ub + U_FLAGS] = flags | FLAG_PARENT;
  }

  /** The words beyond the first line that `extra` says the call has: attributes, response fields, content. */
  private writeExtras(u: Uint32Array, ub: number, extra: number): void {
    let flags = 0;
    if ((extra & EXTRA_ATTRS) !== 0) {
      const ids = this.attrIds;
      for (let k = 0; k < MAX_ATTRIBUTE_KEYS; k++) u[ub + U_ATTRS + k] = ids[k];
      flags |= FLAG_ATTRS;
    }
    // The extension row shares the record's index: EXT_U32 == RECORD_U32.
    const x = this.ext;
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
    if ((extra & EXTRA_CONTENT) !== 0) {
      const length = this.contentLength;
      if (length > 0) {
        const content = this.content as ContentWriter;
        x[ub + X_CONTENT_AT] = content.at;
        x[ub + X_CONTENT_LEN] = length;
        content.commit(this.write, length);
        flags |= FLAG_CONTENT;
      } else {
        // No room in the arena: the span goes without its content, counted.
        this.counters.contentArenaFull++;
      }
    }
    u[ub + U_FLAGS] |= flags;
  }

  private writeUsage(f: Float64Array, fb: number): void {
    const u = this.usage;
    f[fb + F_CACHED_INPUT] = u.cached;
    f[fb + F_CACHE_WRITE] = u.cacheWrite;
    f[fb + F_REASONING] = u.reasoning;
    f[fb + F_TTFT] = u.ttft;
  }

  private providerId(s: string): number {
    const id = this.strings.intern(s);
    if (id !== OVERFLOW_ID) {
      this.lastProvider = s;
      this.lastProviderId = id;
    }
    return id;
  }

  private modelId(s: string): number {
    const id = this.strings.intern(s);
    if (id !== OVERFLOW_ID) {
      this.lastModel = s;
      this.lastModelId = id;
    }
    return id;
  }

  private dropUnsampled(): -1 {
    this.counters.dropped.notSampled++;
    return -1;
  }

  private dropClosed(): -1 {
    this.counters.dropped.shutdown++;
    return -1;
  }

  private dropFull(): -1 {
    this.counters.dropped.ringFull++;
    if (!this.dropping) {
      // Once per burst of drops, never per call (the OTel batch processor's habit).
      this.dropping = true;
      diag.warn(`ractogateway: record ring full, dropping records (${this.counters.dropped.ringFull} dropped so far)`);
    }
    return -1;
  }
}
