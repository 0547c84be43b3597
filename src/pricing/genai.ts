// The adapter to @pydantic/genai-prices: a (provider, model) pair to a compiled CallPrice, with
// genai-prices' own matching (its providers' aliases and model patterns, dated ids). Pure apart
// from its caches; used by the workers and, for inMemory tracers and computeCost(), the main
// thread.
//
// The package holds its price data in its module (~0.5 MB of JavaScript, ~50 ms to load), so it
// is loaded on first use, synchronously, by the thread that needs a price: never at import, and
// never on the main thread of a tracer whose spans are priced in its workers. calcPrice() costs
// ~11 µs, so it runs once per distinct (provider, model) and data version, to find the model;
// the model's whole price (every tier and dated or timed price) is then compiled into a
// CallPrice, and each call is priced with arithmetic (rates.ts).

import { createRequire } from 'node:module';
import { redactUrlCredentials } from '../errors.js';
import type * as GenaiPrices from '@pydantic/genai-prices';
import { CallPrice, Rates, W_ALWAYS, W_DAILY, W_FROM, type PriceWindow } from './rates.js';

type Lib = typeof GenaiPrices;
type ModelPrice = GenaiPrices.ModelPrice;
type Tiered = { base: number; tiers: { start: number; price: number }[] };

let lib: Lib | undefined;
function load(): Lib {
  if (lib === undefined) {
    lib = createRequire(import.meta.url)('@pydantic/genai-prices') as Lib;
    if (refresh !== undefined) startRefresh(lib, refresh.url);
  }
  return lib;
}

/**
 * Loads genai-prices now (the workers' start-up, before tracer.ready() resolves): loaded at the
 * first real batch instead, its ~50-80 ms of synchronous loading would stall the drain loop
 * while a gateway's first burst fills the ring.
 */
export function preloadGenaiPrices(): void {
  load();
}

// --- the opt-in refresh (the refreshPrices option) ------------------------------------------------

/** How a refresh of genai-prices' data ended in this thread. */
export interface RefreshOutcome {
  ok: boolean;
  /** What failed (the URL and the reason), when not ok. */
  message: string;
}

type RefreshListener = (o: RefreshOutcome) => void;

/** This thread's refresh: its URL, who waits for it, and how it ended (once it has). */
let refresh: { url: string | true; listeners: RefreshListener[]; outcome: RefreshOutcome | undefined } | undefined;

/**
 * Opts this thread in to one refresh of genai-prices' data (its updatePrices()), from `url`
 * (true: genai-prices' own data URL), made when this thread first loads genai-prices, that is
 * when it first needs a price: never before, so a thread that prices nothing fetches nothing.
 * `onOutcome` hears how it ended, once (later, from a microtask, when it already has); after
 * new data arrived, prices resolved before are stale, so the caller drops its resolvers
 * (genaiPrice()'s own cache is cleared here). A thread refreshes once: asked again with another
 * URL, it keeps the first and returns a warning for the caller to log.
 */
export function refreshGenaiPrices(url: string | true, onOutcome: RefreshListener): string | undefined {
  let warning: string | undefined;
  if (refresh === undefined) {
    refresh = { url, listeners: [], outcome: undefined };
    if (lib !== undefined) startRefresh(lib, url);
  } else if (refresh.url !== url) {
    warning = `refreshPrices ${describeUrl(url)} not used: this thread's genai-prices data is refreshed once, from ${describeUrl(refresh.url)}`;
  }
  const outcome = refresh.outcome;
  if (outcome !== undefined) queueMicrotask(() => onOutcome(outcome));
  else refresh.listeners.push(onOutcome);
  return warning;
}

function describeUrl(url: string | true): string {
  return url === true ? "(genai-prices' own data URL)" : redactUrlCredentials(url);
}

function startRefresh(gp: Lib, url: string | true): void {
  // Each listener hears once; those that come later get the outcome kept here.
  const notify = (o: RefreshOutcome): void => {
    if (refresh === undefined) return;
    const listeners = refresh.listeners;
    refresh.listeners = [];
    refresh.outcome = o;
    for (const l of listeners) l(o);
  };
  const where = url === true ? gp.REMOTE_DATA_JSON_URL : url;
  // Said in log lines: a mirror's credentials stay out of them.
  const shown = redactUrlCredentials(where);
  let failure = '';
  const data = fetch(where, { signal: AbortSignal.timeout(30_000) })
    .then(async (res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body: unknown = await res.json();
      if (!Array.isArray(body)) throw new Error('the data is not a list of providers');
      return body as GenaiPrices.Provider[];
    })
    .catch((err: unknown) => {
      failure = redactUrlCredentials(`genai-prices data from ${shown} not used: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
  gp.updatePrices(({ setProviderData }) => setProviderData(data));
  gp.waitForUpdate().then(() => {
    if (failure !== '') return notify({ ok: false, message: failure });
    cache.clear();
    notify({ ok: true, message: '' });
  }, (err: unknown) => notify({ ok: false, message: redactUrlCredentials(`genai-prices data from ${shown} refused: ${String(err)}`) }));
}

/** Prices found so far, by provider and model; cleared when the data changes. Bounded. */
const cache = new Map<string, CallPrice | null>();
const MAX_CACHED = 8192;
const NO_USAGE = Object.freeze({});

/**
 * The price genai-prices has for `model` of `provider`: `provider` picks the provider when
 * genai-prices knows it (its ids and aliases: `openai`, `anthropic`, `google`, `vertex`, `azure`,
 * `bedrock`, `xai`, ...), else the model id alone picks it. undefined when it has none.
 */
export function genaiPrice(provider: string, model: string): CallPrice | undefined {
  const key = `${provider}\u0000${model}`;
  let c = cache.get(key);
  if (c === undefined) {
    c = find(provider, model) ?? null;
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, c);
  }
  return c ?? undefined;
}

function find(provider: string, model: string): CallPrice | undefined {
  const gp = load();
  const known = provider !== '' && gp.findProvider({ providerId: provider }) !== undefined;
  let found: GenaiPrices.PriceCalculationResult;
  try {
    found = gp.calcPrice(NO_USAGE, model, known ? { providerId: provider } : undefined);
  } catch {
    return undefined; // a model whose data genai-prices itself cannot price
  }
  return found === null ? undefined : compileModel(found.model);
}

/** Every price of a genai-prices model, compiled. */
export function compileModel(m: GenaiPrices.ModelInfo): CallPrice {
  if (!Array.isArray(m.prices)) return new CallPrice([always(compileRates(m.prices))]);
  return new CallPrice(m.prices.map((cp): PriceWindow => {
    const rates = compileRates(cp.prices);
    const c = cp.constraint;
    if (c === undefined) return always(rates);
    if (c.type === 'start_date') return { kind: W_FROM, fromMs: Date.parse(c.start_date), startSec: 0, endSec: 0, rates };
    return { kind: W_DAILY, fromMs: 0, startSec: secondsOfDay(c.start_time), endSec: secondsOfDay(c.end_time), rates };
  }));
}

const always = (rates: Rates): PriceWindow => ({ kind: W_ALWAYS, fromMs: 0, startSec: 0, endSec: 0, rates });

// The price keys the tracer's usage has: input (cache reads and writes are part of it), output
// (reasoning is part of it), and the fee per 1,000 requests. Other keys (audio, images, search
// calls, 1-hour cache writes) bill usage a record does not carry.
const KEYS = ['input_mtok', 'cache_read_mtok', 'cache_write_mtok', 'output_mtok', 'output_reasoning_mtok', 'requests_kcount'] as const;

/** One ModelPrice as Rates: its base rates, and one Rates per distinct tier start of any key. */
function compileRates(mp: ModelPrice): Rates {
  const starts = new Set<number>();
  for (const k of KEYS) {
    const v = mp[k];
    if (typeof v === 'object') for (const t of (v as Tiered).tiers) starts.add(t.start);
  }
  const above = [...starts].sort((a, b) => a - b);
  return ratesAbove(mp, -1, above, above.map((s) => ratesAbove(mp, s, [], [])));
}

/** The rates for calls whose input exceeds `level` (-1: the base rates). */
function ratesAbove(mp: ModelPrice, level: number, above: number[], tiers: Rates[]): Rates {
  const at = (k: (typeof KEYS)[number]): number | undefined => {
    const v = mp[k];
    if (v === undefined || typeof v === 'number') return v;
    let p = (v as Tiered).base;
    for (const t of (v as Tiered).tiers) if (level >= t.start) p = t.price;
    return p;
  };
  const input = at('input_mtok') ?? 0;
  const output = at('output_mtok') ?? 0;
  return new Rates(input, at('cache_read_mtok') ?? input, at('cache_write_mtok') ?? input, output, at('output_reasoning_mtok') ?? output,
    (at('requests_kcount') ?? 0) / 1000, above, tiers);
}

/** `HH:MM:SS[.fff](Z|±HH:MM)` as seconds after midnight UTC. */
function secondsOfDay(time: string): number {
  const m = /^(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(time);
  if (m === null) return 0;
  const local = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  const offset = m[4] === undefined ? 0 : (m[4] === '-' ? -1 : 1) * (Number(m[5]) * 3600 + Number(m[6]) * 60);
  return (((local - offset) % 86_400) + 86_400) % 86_400;
}
