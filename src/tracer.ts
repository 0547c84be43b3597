// RactoTracer: the public facade. Main thread. Resolves options, owns the ring, the string
// table, the writer (request path) and, when any destination needs one, the worker pool.
//
//   recordChatSpan() --> RecordWriter --> ring (SharedArrayBuffer) --> DrainScheduler --> piscina
//                             |                                                            |
//                             +--> in-memory capture (same thread, same call)     workers build
//                                                                                  and export spans

import { RactoError } from './errors.js';
import { Counters, type TracerStats } from './main/counters.js';
import { workerDestinationsOf } from './main/endpoints.js';
import { CUSTOM_DESTINATION, DrainScheduler } from './main/scheduler.js';
import { RecordWriter, type ChatCall, type EmbedCall } from './main/writer.js';
import { ContentWriter } from './main/content-writer.js';
import {
  resolveOptions,
  STRING_ARENA_BYTES_PER_ENTRY,
  type RactoTracerOptions,
  type ResolvedOptions,
} from './options/index.js';
import { decodeRecord, emptyFields } from './shared/codec.js';
import { createArena, type ArenaViews } from './shared/arena.js';
import { createLearnedStrings, LearnedStrings, learnedFolds, StringsView } from './shared/learned-strings.js';
import type { WireExchangeCall } from './main/wire-call.js';
import { CONTENT_DEFAULTS } from './options/content.js';
import type { CaptureCategories, ContentConfig } from './shared/content-config.js';
import { FLAG_CONTENT, FLAG_WIRE, RECORD_U32 } from './shared/layout.js';
import { createRing, type RingViews } from './shared/ring.js';
import { StringTableReader, StringTableWriter } from './shared/strings.js';
import { toSpanRecord, type RecordContext, type SpanRecord } from './spans/record.js';
import { diag } from '@opentelemetry/api';
import { PriceResolver, resolverFor } from './pricing/cost.js';
import { refreshGenaiPrices } from './pricing/genai.js';
import { EMPTY_PRICE_TABLE, mergePriceTable, priceTableToData, type ModelPricingInit } from './pricing/model-pricing.js';
// In-memory mode builds content on this thread exactly as the workers do: the builder is pure
// (no thread, no I/O), so the facade uses the workers' own code rather than a copy of it.
import { ContentBuilder } from './worker/content/builder.js';
import { loadScrub } from './worker/content/scrub.js';
// In-memory mode resolves wire records (instrumentFetch) on this thread with the workers' code.
import { applyWire } from './worker/wire-records.js';

const NO_CAPTURE: Readonly<CaptureCategories> = Object.freeze({ system: false, input: false, output: false, tools: false });

export const IN_MEMORY_DESTINATION = 'inMemory';

export class RactoTracer {
  readonly #options: ResolvedOptions;
  readonly #counters: Counters;
  readonly #writer: RecordWriter | undefined;
  readonly #scheduler: DrainScheduler | undefined;
  readonly #ring: RingViews | undefined;
  /** In-memory capture: how records become SpanRecords on this thread. */
  #context: RecordContext | undefined;
  readonly #spans: SpanRecord[] = [];
  #shutdown: Promise<void> | undefined;
  /** The content arena, when captureContent is on (and something records). */
  #arena: ArenaViews | undefined;
  /** In-memory mode with a scrub module: resolves once it is loaded on this thread. */
  #scrubLoaded: Promise<boolean> | undefined;
  /** The learned-strings table (strings workers read out of wire exchanges: shared/learned-strings.ts). */
  #learned: SharedArrayBuffer | undefined;

  constructor(options?: RactoTracerOptions) {
    const opts = resolveOptions(options);
    this.#options = opts;
    const workerDestinations = workerDestinationsOf(opts);
    const names = workerDestinations.map((d) => d.name);
    if (opts.customExporter !== undefined) names.push(CUSTOM_DESTINATION);
    if (opts.inMemory) names.push(IN_MEMORY_DESTINATION);
    this.#counters = new Counters(names);
    const metrics = opts.metrics?.aggregate === true;
    // No destination and no metrics: record calls validate and return false.
    if (names.length === 0 && !metrics) return;

    const ring = createRing(opts.ringCapacity);
    const strings = new StringTableWriter(opts.maxStrings, opts.maxStrings * STRING_ARENA_BYTES_PER_ENTRY);
    this.#ring = ring;
    const useWorkers = workerDestinations.length > 0 || opts.customExporter !== undefined || metrics;
    let scheduler: DrainScheduler | undefined;
    const writer = new RecordWriter(ring, strings, this.#counters, {
      reclaim: () => scheduler?.reclaim(),
      block: opts.fullRingPolicy === 'block' && useWorkers
        ? () => scheduler?.blockForRoom(opts.fullRingBlockMillis)
        : undefined,
      written: (write) => {
        if (scheduler !== undefined) {
          scheduler.written(write);
        } else {
          // In-memory only: every record was read back at once (capture), so its slot is free.
          writer.read = write;
          writer.notifyAt = write + 1;
        }
      },
      capture: opts.inMemory
        ? (i) => {
            this.#capture(i);
            if (scheduler === undefined) this.#counters.exported++;
          }
        : undefined,
    }, opts.attributeKeys);
    this.#writer = writer;
    const c = opts.content;
    // One arena for captured content and for wire exchanges' bytes (instrumentFetch), made for
    // every recording tracer: a tracer that captures neither never touches its pages, so they
    // cost no resident memory.
    const arena = createArena(c?.arenaBytes ?? CONTENT_DEFAULTS.contentArenaBytes);
    this.#arena = arena;
    const arenaWriter = new ContentWriter(arena, c?.capture ?? NO_CAPTURE, c?.maxContentBytes ?? CONTENT_DEFAULTS.maxContentBytes, ring.capacity, () => {
      scheduler?.reclaim();
      return writer.read;
    }, () => scheduler?.publishNow());
    if (c !== undefined) {
      this.#counters.redactionRules = c.rules;
      writer.content = arenaWriter;
    }
    writer.wire = arenaWriter;
    const learned = createLearnedStrings(opts.maxStrings, opts.maxStrings * STRING_ARENA_BYTES_PER_ENTRY);
    this.#learned = learned;
    if (opts.inMemory) {
      const counters = this.#counters;
      this.#context = {
        strings: new StringsView(new StringTableReader(strings.buffer), new LearnedStrings(learned, opts.maxStrings)),
        prices: resolverFor(opts.priceTable),
        timeOrigin: performance.timeOrigin,
        spanNames: opts.spanNames,
        attributeKeys: opts.attributeKeys,
        content: c === undefined ? undefined : this.#contentBuilder(c),
        wire: {
          learned: new LearnedStrings(learned, opts.maxStrings),
          capture: c?.capture ?? NO_CAPTURE,
          // With workers, they count problems (once per exchange, not once per destination).
          problem: (kind) => {
            if (scheduler === undefined) counters.wireProblems[kind]++;
          },
        },
      };
      if (opts.refreshPrices !== false) refreshInMemoryPrices(opts.refreshPrices, new WeakRef(this.#context));
    }
    if (useWorkers) {
      scheduler = new DrainScheduler(opts, writer, ring, strings, this.#counters, workerDestinations, arena.buffer, learned);
      this.#scheduler = scheduler;
      if (scheduler.clock !== undefined) writer.clock = scheduler.clock.cell;
    }
  }

  /**
   * The tracer's clock on the performance.now() timeline: the coarse clock's latest tick while it
   * runs (a shared cell, ~1 ns to read), else performance.now(). What the wrappers time a stream's
   * chunks with (ChatCall.chunkTiming); a gateway timing its own streams may use it too.
   */
  now(): number {
    const tick = this.#writer?.clock[0] ?? -1;
    return tick >= 0 ? tick : performance.now();
  }

  /** Records one chat or stream call. True when accepted; false when the ring is full or the tracer is shut down. */
  recordChatSpan(call: ChatCall): boolean {
    const w = this.#writer;
    if (w === undefined) {
      validateOnly.recordChat(call);
      return false;
    }
    return w.recordChat(call);
  }

  /** Records one embedding call. True when accepted; false when the ring is full or the tracer is shut down. */
  recordEmbedSpan(call: EmbedCall): boolean {
    const w = this.#writer;
    if (w === undefined) {
      validateOnly.recordEmbed(call);
      return false;
    }
    return w.recordEmbed(call);
  }

  /**
   * Records one HTTP exchange with an LLM API, as instrumentFetch (`ractogateway/instrument`)
   * observed it: its bytes go to the content arena and a worker reads the call out of them
   * (model, tokens, finish reasons, errors, content). The wire capture's door into the tracer;
   * you do not call it yourself. True when accepted; false when the ring is full or the tracer
   * is shut down (counted, as for every record call).
   */
  recordWireExchange(call: WireExchangeCall): boolean {
    const w = this.#writer;
    if (w === undefined) return false;
    return w.recordWire(call);
  }

  /**
   * The content categories this tracer records (captureContent, or the
   * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT environment variable): instrumentation
   * reads it to skip mapping content nobody records. All false when content is not captured.
   */
  get contentCapture(): Readonly<CaptureCategories> {
    return this.#options.content?.capture ?? NO_CAPTURE;
  }

  /** Snapshot of the captured records, newest last; [] unless `inMemory`. */
  get spans(): SpanRecord[] {
    return this.#spans.slice();
  }

  clearSpans(): void {
    this.#spans.length = 0;
  }

  /**
   * Resolves true once every worker has started and loaded its destinations (the tracer accepts
   * records before that; they wait in the ring), false if one failed to (logged through diag).
   * A tracer without workers is ready at once.
   */
  ready(): Promise<boolean> {
    const workers = this.#scheduler?.ready ?? Promise.resolve(true);
    const scrub = this.#scrubLoaded;
    return scrub === undefined ? workers : Promise.all([workers, scrub]).then(([a, b]) => a && b);
  }

  /** Resolves once every span recorded before the call is exported or counted failed (bounded by shutdownTimeoutMillis). */
  async flush(): Promise<void> {
    await this.#scheduler?.flush(this.#options.shutdownTimeoutMillis);
  }

  /** Stops accepting records, flushes, stops the workers. Safe to call more than once. */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#close();
    return this.#shutdown;
  }

  /**
   * Replaces your price table (the priceTable option; genai-prices and DEFAULT_COST_TABLE stay
   * behind it) for every record made after this call, in every worker, without a restart. Records made before
   * keep the prices they were made under. Validated like the option; an invalid table throws and
   * changes nothing.
   */
  setPriceTable(table: Readonly<Record<string, ModelPricingInit>>): void {
    const merged = mergePriceTable(EMPTY_PRICE_TABLE, table, 'setPriceTable(table)');
    if (this.#context !== undefined) this.#context.prices = resolverFor(merged);
    this.#scheduler?.setPrices(priceTableToData(merged));
  }

  /**
   * The metrics in the Prometheus text format 0.0.4, for a gateway that serves /metrics on its own
   * router. Rendered in a worker. Rejects with a RactoError when metrics are off.
   */
  async metricsText(): Promise<string> {
    if (this.#options.metrics?.aggregate !== true || this.#scheduler === undefined) {
      throw new RactoError('RACTO_ERR_METRICS_OFF', 'metrics are off: set the metrics, prometheusPort or otlpMetricsEndpoint option');
    }
    if (this.#shutdown !== undefined) throw new RactoError('RACTO_ERR_METRICS_OFF', 'metrics are gone: the tracer is shut down (its workers hold them)');
    return this.#scheduler.metrics.metricsText();
  }

  /** The port /metrics listens on (prometheusPort 0 picks one), once ready() resolved; else undefined. */
  get prometheusPort(): number | undefined {
    return this.#scheduler?.metrics.prometheusPort;
  }

  stats(): TracerStats {
    const learned = this.#learned === undefined ? 0 : learnedFolds(this.#learned);
    return this.#counters.snapshot((this.#writer?.stringsFolded ?? 0) + learned);
  }

  async #close(): Promise<void> {
    if (this.#writer !== undefined) this.#writer.closed = true;
    const s = this.#scheduler;
    if (s === undefined) return;
    s.closing();
    await s.flush(this.#options.shutdownTimeoutMillis);
    await s.close();
  }

  /**
   * The content builder of in-memory mode. A scrub module is imported on this thread; until it
   * is loaded (ready() waits for it), spans are captured without their content, counted
   * scrubFailed: failing closed, as a worker whose module failed to load.
   */
  #contentBuilder(c: ContentConfig): ContentBuilder {
    // With workers, they count the redactions (once per span, not once per destination).
    const count = (rule: number, n: number): void => {
      if (this.#scheduler === undefined) this.#counters.redactions[rule] += n;
    };
    if (c.scrub === undefined) return new ContentBuilder(c, undefined, undefined, count);
    const builder = new ContentBuilder(c, undefined, 'the scrub module is not loaded yet (see tracer.ready())', count);
    const spec = c.scrub;
    this.#scrubLoaded = loadScrub(spec).then((fn) => {
      const ctx = this.#context;
      if (ctx !== undefined) ctx.content = new ContentBuilder(c, fn, undefined, count);
      return true;
    }, (err: unknown) => {
      builder.unavailable(`the scrub module failed to load: ${String(err)}`);
      diag.error(`ractogateway: redaction.scrubModule ${spec.module} failed to load; content is left out of every span: ${String(err)}`);
      return false;
    });
    return builder;
  }

  #capture(index: number): void {
    const ring = this.#ring as RingViews;
    const r = decodeRecord(ring, index, captureScratch);
    const ctx = this.#context as RecordContext;
    let content = null;
    let wire;
    if ((r.flags & FLAG_WIRE) !== 0 && ctx.wire !== undefined) {
      // The same resolution as a worker's (worker/wire-records.ts), on the decoded copy: the
      // ring's record stays as written, for the workers that may read it too.
      const ub = (index & ring.mask) * RECORD_U32;
      wire = applyWire(r, ring.ext, ub, (this.#arena as ArenaViews).data, ctx.wire);
    }
    if ((r.flags & FLAG_CONTENT) !== 0 && ctx.content !== undefined) {
      const built = wire !== undefined
        ? (ctx.content.buildShapes?.(wire) ?? { ok: false as const, reason: 'no content builder' })
        : ctx.content.build((this.#arena as ArenaViews).data, r.contentAt, r.contentLength);
      if (built.ok) content = built.content;
      // With workers, they count it (once per span, not once per destination).
      else if (this.#scheduler === undefined) this.#counters.contentScrubFailed++;
    }
    const record = toSpanRecord(r, ctx, content);
    this.#spans.push(record);
    // With workers, they count unpriced calls (once per call, not once per destination).
    if (record.priceSource === 'unpriced' && this.#scheduler === undefined) this.#counters.addUnpriced(record.model, 1);
    this.#counters.destinations[IN_MEMORY_DESTINATION].exported++;
  }
}

const captureScratch = emptyFields();

/** Validation without a ring, for a tracer that has no destination. */
const validateOnly = new RecordWriter(createRing(64), new StringTableWriter(16, 64), new Counters([]), {
  reclaim: () => undefined,
  written: () => undefined,
});
validateOnly.closed = true;

/**
 * The refreshPrices option of an inMemory tracer, which prices on this thread: once new data has
 * arrived, its context gets a new resolver, so models are resolved again. Held weakly: the
 * thread's list of listeners must not keep a tracer alive.
 */
function refreshInMemoryPrices(url: string | true, context: WeakRef<RecordContext>): void {
  const warning = refreshGenaiPrices(url, (o) => {
    const ctx = context.deref();
    if (!o.ok) diag.warn(`ractogateway: ${o.message}`);
    else if (ctx !== undefined) ctx.prices = new PriceResolver(ctx.prices.table);
  });
  if (warning !== undefined) diag.warn(`ractogateway: ${warning}`);
}
