// Host-wide /metrics (issue 30) with processes started by hand, and its bad inputs: an aggregator
// that shuts down in order hands its counts over (no reset); two tracers of one process on one
// port, a socket directory that cannot hold the socket, a port another program holds: a warning
// naming the port and the cause, and the tracer records on.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { freePort, removeSocketDirs, scrape, scrapeUntil, socketDir } from './group-helpers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/metrics-process.mjs', import.meta.url));

interface Proc { child: ChildProcessWithoutNullStreams; pid: number; next(): Promise<string> }

const started: Proc[] = [];
afterAll(() => {
  for (const p of started) p.child.kill('SIGKILL');
  removeSocketDirs();
});

async function startProcess(port: number, dir: string, calls: number): Promise<Proc> {
  const child = spawn(process.execPath, [FIXTURE, String(port), dir, String(calls)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => String((await lines.next()).value);
  const ready = await next();
  const proc = { child, pid: Number(ready.split(' ')[1]), next };
  started.push(proc);
  return proc;
}

describe('host-wide /metrics, processes started by hand', () => {
  it('the aggregator shutting down hands its counts to the next one: the sum never goes down', async () => {
    const port = await freePort();
    const dir = socketDir();
    const a = await startProcess(port, dir, 100);
    const b = await startProcess(port, dir, 200);
    const c = await startProcess(port, dir, 300);
    for (let i = 0; i < 3; i++) expect(await scrape(port)).toMatchObject({ requests: 600, processes: 3, aggregatorPid: String(a.pid) });
    a.child.stdin.write('shutdown\n');
    expect(await a.next()).toBe('bye');
    const after = await scrapeUntil(port, (s) => s.processes === 2);
    expect(after).toMatchObject({ requests: 600, processes: 2 });
    expect([String(b.pid), String(c.pid)]).toContain(after?.aggregatorPid);
    b.child.stdin.write('load 50\n');
    expect(await b.next()).toBe('loaded');
    for (let i = 0; i < 3; i++) expect(await scrape(port)).toMatchObject({ requests: 650, processes: 2 });
    for (const p of [b, c]) {
      p.child.stdin.write('shutdown\n');
      expect(await p.next()).toBe('bye');
    }
  }, 30_000);
});

describe('host-wide /metrics, bad input', () => {
  const logged: string[] = [];
  const keep = (m: string, ...args: unknown[]): void => {
    logged.push([m, ...args.map(String)].join(' '));
  };
  diag.setLogger({ error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  afterEach(() => {
    logged.length = 0;
  });
  afterAll(() => diag.disable());
  const until = async (ok: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  };
  const count = (text: string): number => Number(/ractogateway_requests_total\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);

  it('a second tracer of one process on the same port is told so by port; it records, and the port serves the first', async () => {
    const port = await freePort();
    const dir = socketDir();
    const first = new RactoTracer({ prometheusPort: port, metricsSocketDir: dir });
    const second = new RactoTracer({ prometheusPort: port, metricsSocketDir: dir });
    expect(logged.some((l) => l.includes(`prometheusPort ${port} is already served by another RactoTracer in this process`))).toBe(true);
    expect(await first.ready()).toBe(true);
    expect(await second.ready()).toBe(true);
    for (let i = 0; i < 3; i++) first.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 });
    for (let i = 0; i < 5; i++) second.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 });
    await Promise.all([first.flush(), second.flush()]);
    expect(count(await second.metricsText())).toBe(5);
    expect(await scrape(port)).toMatchObject({ requests: 3, processes: 1 });
    await Promise.all([first.shutdown(), second.shutdown()]);
  });

  it('a socket directory that cannot hold the socket: a warning naming the port and the cause; the process serves its own metrics', async () => {
    const port = await freePort();
    const notADir = join(socketDir(), 'a-file');
    writeFileSync(notADir, '');
    const tracer = new RactoTracer({ prometheusPort: port, metricsSocketDir: notADir });
    expect(await tracer.ready()).toBe(true);
    // The worker's warning reaches the main thread's diag as a message of its own.
    const warning = `prometheusPort ${port}: the host-wide /metrics needs the Unix socket ${join(notADir, `ractogateway-metrics-${port}.sock`)} (ENOTDIR)`;
    await until(() => logged.some((l) => l.includes(warning)));
    expect(logged.some((l) => l.includes(warning))).toBe(true);
    for (let i = 0; i < 4; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 });
    await tracer.flush();
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(count(text)).toBe(4);
    await tracer.shutdown();
  });

  it('a port another program holds: ready() false with the port and the cause; /metrics appears once the port is free', async () => {
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    const tracer = new RactoTracer({ prometheusPort: port, metricsSocketDir: socketDir() });
    expect(await tracer.ready()).toBe(false);
    await until(() => logged.some((l) => l.includes(`prometheusPort ${port} on 127.0.0.1 is taken by another program (EADDRINUSE)`)));
    expect(logged.some((l) => l.includes(`prometheusPort ${port} on 127.0.0.1 is taken by another program (EADDRINUSE)`))).toBe(true);
    for (let i = 0; i < 2; i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 });
    await tracer.flush();
    expect(count(await tracer.metricsText())).toBe(2);
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    expect(await scrapeUntil(port, (s) => s.requests === 2)).toMatchObject({ requests: 2, processes: 1 });
    await until(() => tracer.prometheusPort === port);
    expect(tracer.prometheusPort).toBe(port);
    await tracer.shutdown();
  });
});
