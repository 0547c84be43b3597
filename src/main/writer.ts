// RecordWriter: the request path. Main thread only. Validates a call, interns its strings,
// stamps the end time and the active trace context, and writes one fixed-size record straight
// into the ring's typed arrays (layout.ts; codec.ts decodes it). Never blocks, never throws
// after validation: a full ring or a closed tracer returns false and counts the drop.
// Its cold half, the attributes, response fields and content only some calls carry, is extras.ts;
// the call shapes it takes are calls.ts.
//
// Performance notes (measured with `node --trace-turbo-inlining` and bench/hot-path.mjs): the
// whole record call must fit V8's cumulative inlining budget (~920 bytes of bytecode) or the
// checks become real calls and the call costs twice as much. So this class uses TypeScript
// `private` (plain properties) instead of `#private` (a brand check on every access), and the
// checks in validate.ts keep their throwing code in cold functions.

import { diag } from '@opentelemetry/api';
import { preciseNow } from './clock.js';
import type { Counters } from './counters.js';
import { activeParent, explicitParent, NO_PARENT, parent, SAMPLED_PARENT, UNSAMPLED_PARENT } from './context.js';
import {
  C_PROGRESS, F_CACHED_INPUT, F_CACHE_WRITE, F_END, F_INPUT, F_LATENCY, F_OUTPUT, F_REASONING, F_TTFT, FLAG_ERROR, FLAG_PARENT, FLAG_USAGE, FLAG_WIRE, OP_CHAT,
  OP_EMBED, OP_STREAM,
  RECORD_F64, U_ERROR, U_FLAGS, U_MODEL, U_PARENT, U_PROVIDER, U_TOOLS, U_TRACE, U_TRACE_FLAGS,
} from '../shared/layout.js';
import type { RingViews } from '../shared/ring.js';
import { OVERFLOW_ID, type StringTableWriter } from '../shared/strings.js';
import {
  badCall, badCount, badMillis, badName, checkCacheHit, checkChatOperation, checkEndTime, checkErrorType, checkStatus, checkUsage, isCount,
  isMillis, isName, type UsageScratch,
} from './validate.js';
import type { ContentWriter } from './content-writer.js';
import type { ChatCall, EmbedCall } from './calls.js';
import { CallExtras } from './extras.js';
import { wireFormatCode, writeWireRow, type WireExchangeCall } from './wire-call.js';
import { invalidType } from '../errors.js';

export type { CacheHit, CallStatus, ChatCall, EmbedCall, ParentSpanContext } from './calls.js';

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

/** The progress word of a writer without drain loops: never moves (their rings are never full). */
const NO_PROGRESS = new Int32Array(C_PROGRESS + 1);

/** The clock cell of a writer that reads performance.now() per record. */
const PRECISE = new Float64Array([-1]);

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
  /**
   * Where wire exchanges' blobs go (instrumentFetch): the content arena's writer, the same one as
   * `content` when content is captured (one arena, one writer).
   */
  wire: ContentWriter | undefined = undefined;
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
  /** Attributes, response fields and content: checked and written out of line (extras.ts). */
  private readonly extras: CallExtras;
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
  private lastProvider = '';
  private lastProviderId = 0;
  private lastModel = '';
  private lastModelId = 0;

  constructor(ring: RingViews, strings: StringTableWriter, counters: Counters, hooks: WriterHooks, attributeKeys: readonly string[] = []) {
    this.extras = new CallExtras(strings, counters, attributeKeys, ring);
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
    let extra = call.attributes === undefined ? 0 : this.extras.attributes(call.attributes);
    // The response fields: the wrappers' calls have them, a bare call has none (out of line).
    if (call.responseModel !== undefined || call.responseId !== undefined || call.finishReasons !== undefined ||
        call.serverAddress !== undefined || call.serverPort !== undefined) extra |= this.extras.responseFields(call, false);
    // Issue 32's signals (savings, rate limits, retry-after, chunk timing): out of line, in their own row.
    if (call.savedInputTokens !== undefined || call.savedOutputTokens !== undefined || call.rateLimits != null || call.retryAfterMs != null ||
        call.chunkTiming != null) extra |= this.extras.signals(call, flags);
    if (this.content !== undefined) extra |= this.extras.content(call, extra, this.content);
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
    let extra = call.attributes === undefined ? 0 : this.extras.attributes(call.attributes);
    if (call.responseModel !== undefined || call.serverAddress !== undefined || call.serverPort !== undefined) extra |= this.extras.responseFields(call, true);
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
   * Records one wire exchange (tracer.recordWireExchange, from instrumentFetch): provider, times,
   * trace parent, server, status and the exchange's bytes; a worker reads the rest out of them.
   * Off the hot path of the other calls, and called by our own instrumentation: checked for its
   * shape only (a wrong format or non-numbers throw a TypeError).
   */
  recordWire(call: WireExchangeCall): boolean {
    if (typeof call !== 'object' || call === null) badCall(call, 'recordWireExchange');
    const format = wireFormatCode(call.format);
    if (format < 0) throw invalidType('call.format', 'a WireFormat', call.format);
    if (!isName(call.provider)) badName(call.provider, 'call.provider');
    if (!isMillis(call.latencyMs)) badMillis(call.latencyMs, 'call.latencyMs', 'a number of milliseconds');
    const errorType = call.errorType === undefined || call.errorType === '' ? undefined : call.errorType;
    const op = format === 2 || format === 5 || format === 6 ? OP_EMBED : call.sse ? OP_STREAM : OP_CHAT;
    const parentKind = call.parent == null ? NO_PARENT : explicitParent(call.parent);
    const fb = this.claim(parentKind);
    if (fb < 0) return false;
    this.counters.wireRecorded++;
    const f = this.f64;
    f[fb + F_LATENCY] = call.latencyMs;
    f[fb + F_INPUT] = 0;
    f[fb + F_OUTPUT] = 0;
    f[fb + F_CACHED_INPUT] = 0;
    f[fb + F_CACHE_WRITE] = 0;
    f[fb + F_REASONING] = 0;
    f[fb + F_TTFT] = call.timeToFirstTokenMs >= 0 && call.timeToFirstTokenMs <= call.latencyMs ? call.timeToFirstTokenMs : -1;
    const serverId = call.serverAddress === '' ? 0 : this.strings.intern(call.serverAddress);
    if (!writeWireRow(this.ext, fb * 2, call, format, serverId, this.wire, this.write)) this.counters.wireArenaFull++;
    const c = call.chunkTiming;
    const signals = this.extras.wireSignals(fb * 2, op === OP_STREAM && c !== undefined ? c.chunks : 0, c?.afterFirstMs ?? 0, c?.maxGapMs ?? 0, call.headers.length !== 0);
    const flags = op | FLAG_USAGE | FLAG_WIRE | signals | (errorType !== undefined ? FLAG_ERROR : 0);
    return this.finish(fb, call.provider, '', errorType, flags, 0, call.endTime, parentKind, 0);
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
    if (extra !== 0) u[ub + U_FLAGS] |= this.extras.write(u, this.ext, ub, extra, this.write, this.content);
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
