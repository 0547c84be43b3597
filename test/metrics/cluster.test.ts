// Host-wide /metrics under node:cluster (issue 30): real process groups on 127.0.0.1, each worker
// with its own RactoTracer on one prometheusPort, spans to a real OTLP/HTTP receiver. Every scrape
// must equal the sum of every process's calls; a killed worker and one that shut down keep their
// counts; the serving process killed, another serves (a counter reset).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpReceiver, type Receiver } from '../e2e/receivers.js';
import { freePort, removeSocketDirs, scrape, scrapeUntil, socketDir } from './group-helpers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/metrics-cluster.mjs', import.meta.url));

interface Msg { done?: number; loaded?: number; exited?: number; pid?: number; calls?: number }

interface Group {
  child: ChildProcess;
  messages: Msg[];
  pids: number[];
  until(ok: (m: Msg) => boolean): Promise<Msg>;
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

function start(env: Record<string, string>, receiver: Receiver): Group {
  const child = fork(FIXTURE, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: Msg[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (m: Msg) => {
    messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  const group: Group = {
    child,
    messages,
    get pids() {
      return messages.filter((m) => m.done !== undefined).map((m) => m.pid as number);
    },
    until: (ok) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such message; got ${JSON.stringify(messages)}`)), 30_000);
      const look = (): void => {
        const m = messages.find(ok);
        if (m !== undefined) {
          clearTimeout(timer);
          resolve(m);
        } else waiters.push(look);
      };
      look();
    }),
  };
  cleanup = async () => {
    for (const pid of [...group.pids, child.pid as number]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await receiver.close();
    removeSocketDirs();
  };
  return group;
}

function callsOf(g: Group, index: number): number {
  return g.messages.filter((m) => m.done === index || m.loaded === index).reduce((a, m) => a + (m.calls ?? 0), 0);
}

describe('host-wide /metrics under node:cluster', () => {
  it('a primary with a tracer and 3 workers: every scrape is the sum; a killed worker and one shut down keep their counts; spans name their own process', async () => {
    const receiver = await startHttpReceiver();
    const port = await freePort();
    const g = start({ PORT: String(port), SOCKET_DIR: socketDir(), OTLP_URL: receiver.url, WORKERS: '3', PRIMARY_TRACER: '1', CALLS_PRIMARY: '50' }, receiver);
    for (const i of [-1, 0, 1, 2]) await g.until((m) => m.done === i);
    const total = [-1, 0, 1, 2].reduce((a, i) => a + callsOf(g, i), 0);
    expect(total).toBe(650);
    for (let i = 0; i < 3; i++) {
      const s = await scrape(port);
      expect(s).toMatchObject({ requests: total, inputTokens: 3 * total, processes: 4, aggregatorPid: String(g.child.pid) });
      expect(s.ringFillPids).toEqual(g.pids.map(String).sort());
    }

    // Worker 0 killed: its counts were reported (the scrapes above asked it), so they stay.
    process.kill(g.messages.find((m) => m.done === 0)?.pid as number, 'SIGKILL');
    await g.until((m) => m.exited === 0);
    const afterKill = await scrapeUntil(port, (s) => s.processes === 3);
    expect(afterKill).toMatchObject({ requests: total, processes: 3 });
    expect(afterKill?.ringFillPids).toHaveLength(3);

    // Worker 1 shuts its tracer down and exits: nothing of it is lost.
    g.child.send({ exit: 1 });
    await g.until((m) => m.exited === 1);
    expect(await scrapeUntil(port, (s) => s.processes === 2)).toMatchObject({ requests: total, processes: 2 });

    // The processes left keep counting on top.
    g.child.send({ load: 2, calls: 70 });
    await g.until((m) => m.loaded === 2);
    for (let i = 0; i < 3; i++) expect((await scrape(port)).requests).toBe(total + 70);

    // Each process's spans carry its own identity.
    const byPid = new Map<number, Set<string>>();
    for (const span of receiver.spans) {
      const pid = Number(span.resource['process.pid']);
      if (!byPid.has(pid)) byPid.set(pid, new Set());
      byPid.get(pid)?.add(String(span.resource['service.instance.id']));
      expect(span.resource).toMatchObject({ 'process.runtime.name': 'nodejs', 'telemetry.sdk.name': 'ractogateway', 'telemetry.sdk.language': 'nodejs' });
      expect(typeof span.resource['host.name']).toBe('string');
    }
    expect([...byPid.keys()].sort()).toEqual([...g.pids].sort());
    const ids = [...byPid.values()].map((s) => [...s]);
    for (const one of ids) expect(one).toHaveLength(1);
    expect(new Set(ids.flat()).size).toBe(4);
    for (const m of g.messages.filter((x) => x.done !== undefined)) {
      expect(receiver.spans.filter((s) => Number(s.resource['process.pid']) === m.pid)).toHaveLength(callsOf(g, m.done as number));
    }
  }, 60_000);

  it('4 workers and no tracer in the primary: the serving process killed, another serves the live processes\' sum (a counter reset)', async () => {
    const receiver = await startHttpReceiver();
    const port = await freePort();
    const g = start({ PORT: String(port), SOCKET_DIR: socketDir(), OTLP_URL: receiver.url, WORKERS: '4' }, receiver);
    for (const i of [0, 1, 2, 3]) await g.until((m) => m.done === i);
    const total = [0, 1, 2, 3].reduce((a, i) => a + callsOf(g, i), 0);
    let serving = '';
    for (let i = 0; i < 3; i++) {
      const s = await scrape(port);
      expect(s).toMatchObject({ requests: total, processes: 4 });
      expect(g.pids.map(String)).toContain(s.aggregatorPid);
      serving = s.aggregatorPid;
    }
    const index = g.messages.find((m) => m.pid === Number(serving))?.done as number;
    process.kill(Number(serving), 'SIGKILL');
    const after = await scrapeUntil(port, (s) => s.processes === 3 && s.aggregatorPid !== serving);
    expect(after).toMatchObject({ processes: 3, requests: total - callsOf(g, index) });
    const other = [0, 1, 2, 3].find((i) => i !== index) as number;
    g.child.send({ load: other, calls: 40 });
    await g.until((m) => m.loaded === other);
    for (let i = 0; i < 3; i++) expect((await scrape(port)).requests).toBe(total - callsOf(g, index) + 40);
  }, 60_000);
});
