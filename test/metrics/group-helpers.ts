// What the host-wide /metrics tests share: a free port, a private socket directory, scraping, and
// reading the summed numbers with the real exposition parser (prom.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readExposition } from './prom.js';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const made: string[] = [];

/** A directory of its own for the group's socket, so parallel test files never meet. */
export function socketDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'racto-grp-'));
  made.push(dir);
  return dir;
}

/** Removes the directories socketDir() made (call once the groups are gone). */
export function removeSocketDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Scrape {
  requests: number;
  inputTokens: number;
  processes: number;
  aggregatorPid: string;
  /** pid label -> value of ractogateway_ring_fill_ratio (one point per process). */
  ringFillPids: string[];
}

/** GET /metrics on 127.0.0.1:port, read. Rejects when nothing answers. */
export async function scrape(port: number): Promise<Scrape> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const { samples } = readExposition(await res.text());
  const sum = (name: string, match: (l: Record<string, string>) => boolean = () => true): number =>
    samples.filter((s) => s.name === name && match(s.labels)).reduce((a, s) => a + s.value, 0);
  const processes = samples.find((s) => s.name === 'ractogateway_metrics_processes');
  return {
    requests: sum('ractogateway_requests_total'),
    inputTokens: sum('ractogateway_tokens_total', (l) => l.token_type === 'input'),
    processes: processes?.value ?? 0,
    aggregatorPid: processes?.labels.aggregator_pid ?? '',
    ringFillPids: samples.filter((s) => s.name === 'ractogateway_ring_fill_ratio').map((s) => s.labels.pid).sort(),
  };
}

/** Scrapes until `ok` holds (a process joining or taking over); the last scrape. Bounded by `tries`. */
export async function scrapeUntil(port: number, ok: (s: Scrape) => boolean, tries = 100): Promise<Scrape | undefined> {
  let last: Scrape | undefined;
  for (let i = 0; i < tries; i++) {
    last = await scrape(port).catch(() => undefined);
    if (last !== undefined && ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return last;
}
