// RecordWriter: the request path. Main thread only. Validates a call, interns its strings,
// stamps the end time and the active trace context, and encodes one fixed-size record into the
// ring. Never blocks, never throws after validation: a full ring or a closed tracer returns
// false and counts the drop.

import { diag } from '@opentelemetry/api';
import type { Counters } from './counters.js';
import { captureActiveParent } from './context.js';
import { emptyFields, encodeRecord } from '../shared/codec.js';
import { OP_CHAT, OP_EMBED, OP_STREAM } from '../shared/layout.js';
import type { RingViews } from '../shared/ring.js';
import { OVERFLOW_ID, type StringTableWriter } from '../shared/strings.js';
import {
  checkCacheHit,
  checkCall,
  checkCount,
  checkEndTime,
  checkErrorType,
  checkLatency,
  checkName,
  checkStatus,
} from './validate.js';
import { invalidValue } from '../errors.js';

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
}

export interface WriterHooks {
  /** Frees ring slots that workers have finished reading; may raise `writer.read`. */
  reclaim(): void;
  /** Runs after record `index` is in the ring: in-memory capture, batch dispatch. */
  written(index: number): void;
}

export class RecordWriter {
  /** Index of the next record to write (grows without bound; slot = index & mask). */
  write = 0;
  /** Every record below this index has been read and its slot may be overwritten. */
  read = 0;
  closed = false;
  readonly #ring: RingViews;
  readonly #strings: StringTableWriter;
  readonly #counters: Counters;
  readonly #hooks: WriterHooks;
  readonly #fields = emptyFields();
  #dropping = false;
  #lastProvider = '';
  #lastProviderId = 0;
  #lastModel = '';
  #lastModelId = 0;

  constructor(ring: RingViews, strings: StringTableWriter, counters: Counters, hooks: WriterHooks) {
    this.#ring = ring;
    this.#strings = strings;
    this.#counters = counters;
    this.#hooks = hooks;
  }

  recordChat(call: ChatCall): boolean {
    checkCall(call, 'recordChatSpan');
    const provider = checkName(call.provider, 'call.provider');
    const model = checkName(call.model, 'call.model');
    const f = this.#fields;
    const latencyMs = checkLatency(call.latencyMs, 'call.latencyMs');
    const inputTokens = checkCount(call.inputTokens, 'call.inputTokens');
    const outputTokens = checkCount(call.outputTokens, 'call.outputTokens');
    const toolCalls = checkCount(call.toolCalls, 'call.toolCalls');
    const status = checkStatus(call.status, 'call.status');
    const flags = checkCacheHit(call.cacheHit, 'call.cacheHit') | status | chatOperation(call.operation);
    const errorType = checkErrorType(call.errorType, status);
    const endTime = checkEndTime(call.endTime, 'call.endTime');
    f.latencyMs = latencyMs;
    f.inputTokens = inputTokens;
    f.outputTokens = outputTokens;
    f.toolCalls = toolCalls;
    return this.#commit(provider, model, errorType, flags, endTime);
  }

  recordEmbed(call: EmbedCall): boolean {
    checkCall(call, 'recordEmbedSpan');
    const provider = checkName(call.provider, 'call.provider');
    const model = checkName(call.model, 'call.model');
    const f = this.#fields;
    const latencyMs = checkLatency(call.latencyMs, 'call.latencyMs');
    const inputTokens = checkCount(call.inputTokens, 'call.inputTokens');
    const status = checkStatus(call.status, 'call.status');
    const flags = status | OP_EMBED;
    const errorType = checkErrorType(call.errorType, status);
    const endTime = checkEndTime(call.endTime, 'call.endTime');
    f.latencyMs = latencyMs;
    f.inputTokens = inputTokens;
    f.outputTokens = 0;
    f.toolCalls = 0;
    return this.#commit(provider, model, errorType, flags, endTime);
  }

  get stringsFolded(): number {
    return this.#strings.folded;
  }

  #commit(provider: string, model: string, errorType: string | undefined, flags: number, endTime: number): boolean {
    const counters = this.#counters;
    counters.recorded++;
    if (this.closed) {
      counters.dropped.shutdown++;
      return false;
    }
    const index = this.write;
    if (index - this.read >= this.#ring.capacity) {
      this.#hooks.reclaim();
      if (index - this.read >= this.#ring.capacity) return this.#dropFull();
    }
    this.#dropping = false;
    const f = this.#fields;
    // The one clock read of the request path, skipped when the caller already has the time.
    f.endMs = endTime < 0 ? performance.now() : endTime;
    f.flags = flags | captureActiveParent(f);
    f.providerId = this.#providerId(provider);
    f.modelId = this.#modelId(model);
    f.errorId = errorType === undefined ? 0 : this.#strings.intern(errorType);
    encodeRecord(this.#ring, index, f);
    this.write = index + 1;
    this.#hooks.written(index);
    return true;
  }

  #providerId(s: string): number {
    if (s === this.#lastProvider) return this.#lastProviderId;
    const id = this.#strings.intern(s);
    if (id !== OVERFLOW_ID) {
      this.#lastProvider = s;
      this.#lastProviderId = id;
    }
    return id;
  }

  #modelId(s: string): number {
    if (s === this.#lastModel) return this.#lastModelId;
    const id = this.#strings.intern(s);
    if (id !== OVERFLOW_ID) {
      this.#lastModel = s;
      this.#lastModelId = id;
    }
    return id;
  }

  #dropFull(): false {
    this.#counters.dropped.ringFull++;
    if (!this.#dropping) {
      // Once per burst of drops, never per call (the OTel batch processor's habit).
      this.#dropping = true;
      diag.warn(`ractogateway: record ring full, dropping records (${this.#counters.dropped.ringFull} dropped so far)`);
    }
    return false;
  }
}

function chatOperation(value: unknown): number {
  if (value === undefined || value === 'chat') return OP_CHAT;
  if (value === 'stream') return OP_STREAM;
  throw invalidValue('call.operation', "'chat' or 'stream'", value);
}
