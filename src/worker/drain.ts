// The worker's entry module. Worker thread only. piscina loads it when the thread starts; from
// then on the thread runs one drain loop (loop.ts) until shutdown, with no task per batch.
//   - start(): loads the destinations, takes a free slot in the control block, runs the loop;
//   - the default export is piscina's task handler, for the one task a worker gets: 'ready'
//     (resolves once the loop runs, rejects if a destination failed to start: tracer.ready());
//   - a BroadcastChannel brings the rare main-thread messages (price tables, customExporter
//     acknowledgements); parentPort events carry the rare worker messages to the main thread.

import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { BroadcastChannel, parentPort, threadId } from 'node:worker_threads';
import { workerData } from 'piscina';
import { C_CLOSING, C_LOGS, counterLayout, N_CONTENT_FAILED, N_WIRE_PROBLEMS, S_OWNER, slotWord } from '../shared/layout.js';
import { LearnedStrings, StringsView } from '../shared/learned-strings.js';
import { attachArena } from '../shared/arena.js';
import { redactUrlCredentials } from '../errors.js';
import { attachRing, wakeDrainLoops } from '../shared/ring.js';
import { StringTableReader } from '../shared/strings.js';
import type { MetricsMessage } from '../shared/metrics-config.js';
import type { DestinationOutcome, MainMessage, ReadyResult, ReadyTask, WorkerConfig, WorkerMessage } from '../shared/worker-config.js';
import { Batch, createDestination, type Destination, type SpoolFirst } from './destinations.js';
import { BufferPool } from './buffers.js';
import type { TakenRange } from './build.js';
import { DrainLoop } from './loop.js';
import { warmUp } from './warm-up.js';
import { WorkerMetrics } from './metrics/host.js';
import { TailSampler } from './metrics/sampling.js';
import { exportedWhole, pickExemplars } from './metrics/exemplars.js';
import { DOWN_STREAK, OtlpProtoEncoder, PartialSuccessLog } from './otlp/index.js';
import { createResource } from '../spans/resource.js';
import { PriceVersions } from './prices.js';
import { Spool } from './spool/spool.js';
import { REPLAY_BUDGET_MILLIS } from './spool/replay.js';
import { PriceResolver } from '../pricing/cost.js';
import { preloadGenaiPrices, refreshGenaiPrices } from '../pricing/genai.js';
import type { RecordContext } from '../spans/record.js';
import { ContentBuilder } from './content/builder.js';
import type { RedactionCount } from './content/redact.js';
import { loadScrub, SCRUB_LOG_MILLIS } from './content/scrub.js';

const config = workerData as WorkerConfig;

const control = new Int32Array(config.control);

function post(message: WorkerMessage): void {
  // Counted, so that shutdown waits for the log lines before it stops the threads.
  if (message.type === 'log') Atomics.add(control, C_LOGS, 1);
  parentPort?.postMessage(message);
}

/** A log line without the headers' values, nor any URL's credentials. */
function redact(message: string, secrets: string[]): string {
  let out = redactUrlCredentials(message);
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

/** The password of `url` (raw and decoded), if it has one. */
function urlSecrets(url: string): string[] {
  try {
    const p = new URL(url).password;
    return p === '' ? [] : [p, decodeURIComponent(p)];
  } catch {
    return [];
  }
}

/**
 * Lowers this thread's scheduling priority. Linux only: setpriority() on a thread id changes that
 * thread alone, and /proc/thread-self names it. Elsewhere (or without permission) nothing changes.
 */
function niceThisThread(nice: number): void {
  if (nice === 0) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // Not Linux, or not allowed: the worker keeps the process's priority.
  }
}

/** A destination whose construction failed: every batch fails with that error, counted. */
function brokenDestination(err: unknown): Destination {
  const outcome: DestinationOutcome = { ok: false, reason: 'exportError', message: `destination failed to start: ${String(err)}` };
  return { send: () => Promise.resolve(outcome) };
}

/** Takes a free worker slot (S_OWNER 0 -> threadId); the main thread frees a dead worker's. */
async function takeSlot(control: Int32Array): Promise<number> {
  for (;;) {
    for (let slot = 0; slot < config.slots; slot++) {
      if (Atomics.compareExchange(control, slotWord(slot, S_OWNER), 0, threadId) === 0) return slot;
    }
    // Every slot is held, a dead worker's not yet freed: try again shortly.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** This worker's disk spool, when options.spoolDir is set. */
let spool: Spool | undefined;

/** customExporter acknowledgements awaited by this worker, by batch number. */
const acks = new Map<number, (outcome: DestinationOutcome) => void>();

async function start(): Promise<void> {
  niceThisThread(config.workerNice);
  // The main table's strings and the ones workers learn from wire exchanges, under one id space.
  const learned = new LearnedStrings(config.learned, config.maxStrings);
  const strings = new StringsView(new StringTableReader(config.strings), learned);
  const ring = attachRing(config.ring);
  const counters = new BigInt64Array(config.counters);
  const layout = counterLayout(config.destinations.length + (config.customExporter ? 1 : 0), config.maxStrings);
  // Each rule's replacements, added to its shared counter as they happen (matches are rare).
  const counted = (rule: number, n: number): void => void Atomics.add(counters, layout.redactionsAt + rule, BigInt(n));
  const content = config.content === undefined ? undefined : await contentBuilder(config.content, counted);
  const arena = config.arena === undefined ? undefined : attachArena(config.arena);
  const ctx: RecordContext = {
    strings,
    prices: new PriceResolver(config.prices),
    timeOrigin: config.timeOrigin,
    spanNames: config.spanNames,
    attributeKeys: config.attributeKeys,
    content,
    wire: {
      learned,
      capture: config.content?.capture ?? { system: false, input: false, output: false, tools: false },
      problem: (kind) => void Atomics.add(counters, N_WIRE_PROBLEMS + kind, 1n),
    },
  };
  const prices = new PriceVersions(ctx, () => post({ type: 'need-prices' }));
  if (config.refreshPrices !== false) {
    const warning = refreshGenaiPrices(config.refreshPrices, (o) => (o.ok ? prices.renew() : post({ type: 'log', level: 'warn', message: `ractogateway: ${o.message}` })));
    if (warning !== undefined) post({ type: 'log', level: 'warn', message: `ractogateway: ${warning}` });
  }
  const channel = new BroadcastChannel(config.channel);
  const m = config.metrics;
  // The workers' own channel for gathering metrics: the main thread never sees those messages.
  const peers = m?.aggregate === true ? new BroadcastChannel(`${config.channel}:metrics`) : undefined;
  const metrics = m !== undefined && peers !== undefined
    ? new WorkerMetrics({
        config: m,
        peers,
        channel,
        health: { health: new Float64Array(config.health), counters, control, slots: config.slots, ringCapacity: ring.capacity,
          redactionsAt: layout.redactionsAt, redactionRules: config.content?.rules ?? [] },
        control,
        slots: config.slots,
        threadId,
        strings,
        attributeKeys: config.attributeKeys,
        resource: config.resource,
        exportTimeoutMillis: config.exportTimeoutMillis,
        log: (level, message) => post({ type: 'log', level, message: redactUrlCredentials(message) }),
      })
    : undefined;
  const sampler = m?.sampling === undefined ? undefined : new TailSampler(m.sampling);
  if (peers !== undefined) peers.onmessage = (event) => metrics?.onMessage((event as { data: MetricsMessage }).data);
  channel.onmessage = (event) => {
    const msg = (event as { data: MainMessage }).data;
    if (msg.type.startsWith('metrics-')) {
      metrics?.onMessage(msg as Extract<MainMessage, { type: `metrics-${string}` }>);
    } else if (msg.type === 'prices') {
      prices.add(msg);
      wakeDrainLoops(control);
    } else if (msg.type === 'spool-orphans') {
      spool?.adopt();
    } else if (msg.type === 'ack' && msg.thread === threadId) {
      acks.get(msg.batch)?.(msg.outcome);
      acks.delete(msg.batch);
    }
  };
  // Enough idle buffers for every batch in flight, of each kind (copy, ids, request).
  const pool = new BufferPool(3 * (config.maxPendingBatches + 1));
  // One resource for every form of a span: the OTLP requests and the ReadableSpans.
  const resource = createResource(config.resource);
  const encoder = new OtlpProtoEncoder(resource.attributes, pool);
  // With a spool, shutdown does not wait out a collector that does not answer: the request goes
  // to disk at its next retry (otlp/retry.ts).
  const giveUp = (): boolean => config.spool !== undefined && Atomics.load(control, C_CLOSING) === 1;
  // With a spool, a destination known down sends its batches there at once (destinations.ts).
  const spoolFirst: SpoolFirst | undefined = config.spool === undefined ? undefined : {
    spoolFirst: () => spool?.writable === true,
    changed: (name, down, millis) => warn(down
      ? `ractogateway: ${name} is down (${DOWN_STREAK} attempts in a row found nothing to answer); its batches go to the spool without an attempt until a replayed request gets through`
      : `ractogateway: ${name} answers again after ${(millis / 1000).toFixed(1)} s down; replaying the spool beside live batches`),
  };
  const destinations = await Promise.all(config.destinations.map((d) =>
    createDestination(d, config.exportTimeoutMillis, giveUp, spoolFirst).catch((err: unknown) => {
      startFailures.push(`${d.name}: ${String(err)}`);
      return brokenDestination(err);
    })));
  const secrets = [
    ...config.destinations.flatMap((d) => ('headers' in d ? Object.values(d.headers) : [])),
    // An endpoint's password, as given and as decoded, wherever a message repeats it.
    ...config.destinations.flatMap((d) => ('url' in d ? urlSecrets(d.url) : [])),
  ].filter((v) => v.length > 0);
  const names = config.destinations.map((d) => d.name);
  if (config.customExporter) names.push('customExporter');
  warmUp(encoder, ctx, pool, m);
  // The price data too, before ready(): loaded by the first batch, it would stall this loop.
  preloadGenaiPrices();
  const warn = (message: string): void => post({ type: 'log', level: 'warn', message: redact(message, secrets) });
  // A replay has no caller waiting on it: it gives the collector at least REPLAY_BUDGET_MILLIS to
  // answer, so that a slow answer does not send the request twice.
  const replayBudget = Math.max(config.exportTimeoutMillis, REPLAY_BUDGET_MILLIS);
  const resend = (i: number) => {
    const d = destinations[i];
    return d?.resend === undefined ? undefined : (body: Uint8Array, spans: number, giveUp: () => boolean, probe: boolean) =>
      (d.resend as NonNullable<Destination['resend']>)(body, spans, probe ? config.exportTimeoutMillis : replayBudget, giveUp);
  };
  const health = (i: number) => destinations[i]?.reachability;
  spool = config.spool === undefined ? undefined : new Spool(config.spool, { counters, control, names, slots: config.slots, thread: threadId, log: warn }, resend, health);
  const partials = new PartialSuccessLog(names, warn);

  const send = async (range: TakenRange, batch: number): Promise<DestinationOutcome[]> => {
    const b = new Batch(range, resource, encoder);
    const sends = destinations.map((d) => d.send(b));
    if (config.customExporter) {
      sends.push(new Promise<DestinationOutcome>((resolve) => {
        acks.set(batch, resolve);
        post({ type: 'spans', thread: threadId, batch, spans: range.data });
      }));
    }
    // Exemplars (issue 32): candidates from the spans kept by sampling, read before the copy is
    // released, kept only once every destination took the whole batch.
    const picked = metrics === undefined || sends.length === 0 ? undefined : pickExemplars(range, metrics.table);
    // Every destination has built its form of the batch: the copy and the ids are free again.
    range.release();
    if (range.contentFailures > 0) contentFailed(range.contentFailures, range.contentFailure);
    const outcomes = await Promise.all(sends);
    if (picked !== undefined && outcomes.every(exportedWhole)) metrics?.table.commitExemplars(picked);
    const encoded = b.encoded;
    // A request kept for the spool must outlive the pooled buffer it may point into.
    // Without a spool nothing keeps them: no copy.
    if (spool !== undefined) for (const o of outcomes) if (o.unsent !== undefined) o.unsent = o.unsent.map((u) => ({ body: Buffer.from(u.body), spans: u.spans }));
    if (encoded !== undefined) pool.give(encoded);
    for (const o of outcomes) if (o.message !== undefined) o.message = redact(o.message, secrets);
    partials.seen(outcomes);
    return outcomes;
  };
  const failed = (name: string, n: number, o: DestinationOutcome): void =>
    post({ type: 'log', level: 'warn', message: redact(`ractogateway: ${name} failed ${n} spans: ${o.message ?? o.reason}`, secrets) });
  const observe = (range: TakenRange): number => {
    // Wire records become their calls before metrics, sampling or any destination reads them.
    range.resolveWire();
    metrics?.table.addRecords(range.records, range.length, range.ctx);
    return sampler?.sample(range) ?? 0;
  };

  // Spans exported without their content (the scrub module failed): counted, said once a minute.
  let lastScrubLog = -Infinity;
  let unsaid = 0;
  const contentFailed = (n: number, reason: string): void => {
    Atomics.add(counters, N_CONTENT_FAILED, BigInt(n));
    unsaid += n;
    if (performance.now() - lastScrubLog < SCRUB_LOG_MILLIS) return;
    lastScrubLog = performance.now();
    warn(`ractogateway: ${unsaid} spans exported without their content: ${reason}`);
    unsaid = 0;
  };

  const slot = await takeSlot(control);
  const host = { send, failed, names, pool, observe, spool: spool === undefined ? undefined : { keeper: spool, spoolable: (i: number) => resend(i) !== undefined }, log: warn, arena };
  const loop = new DrainLoop(ring, control, counters, layout.unpricedAt, slot, prices, host, config.maxExportBatchSize, config.maxPendingBatches);
  try {
    readyResult.prometheusPort = await metrics?.start();
  } catch (err) {
    // The endpoint's message names the port and the cause (endpoint.ts describeListenError).
    startFailures.push(`metrics server: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Segments of an earlier process, or of a worker of this one that died, are replayed.
  spool?.adopt();
  loop.prefault();
  markStarted();
  await loop.run();
  await spool?.stop();
  await metrics?.stop();
  peers?.close();
  channel.close();
}

/**
 * The content builder of this worker. A scrub module that fails to load makes the worker not
 * ready (tracer.ready() false) and every span's content fail closed: exported without it, counted.
 */
async function contentBuilder(c: NonNullable<WorkerConfig['content']>, count: RedactionCount): Promise<ContentBuilder> {
  if (c.scrub === undefined) return new ContentBuilder(c, undefined, undefined, count);
  try {
    return new ContentBuilder(c, await loadScrub(c.scrub), undefined, count);
  } catch (err) {
    const reason = `the scrub module failed to load: ${String(err)}`;
    startFailures.push(`redaction.scrubModule ${c.scrub.module}: ${String(err)}`);
    return new ContentBuilder(c, undefined, reason, count);
  }
}

/** What this worker's 'ready' task reports. */
const readyResult: ReadyResult = {};


let markStarted: () => void = () => undefined;
const started = new Promise<void>((resolve) => (markStarted = resolve));
const running = start();
running.catch((err: unknown) => post({ type: 'log', level: 'error', message: `ractogateway: drain loop failed: ${String(err)}` }));

/** Destinations that failed to start; their batches fail (exportError) and ready() says false. */
const startFailures: string[] = [];

/**
 * piscina's task handler: the 'ready' task resolves once the loop runs, and rejects if it cannot
 * or if a destination failed to start (the main thread logs the reason; tracer.ready() is false).
 */
export default async function task(t: ReadyTask): Promise<ReadyResult> {
  if (t.type !== 'ready') throw new TypeError(`unknown worker task ${String(t.type)}`);
  await Promise.race([started, running]);
  if (startFailures.length > 0) throw new Error(`destinations failed to start in the worker: ${startFailures.join('; ')}`);
  return readyResult;
}
