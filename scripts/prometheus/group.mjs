// The host-wide /metrics seen by a real Prometheus (issue 30): three processes with a tracer each
// on one prometheusPort, scraped every second; then the serving process is killed. Prometheus must
// see the sum of the three, then one counter reset (not a gap of more than a scrape or two, not
// several resets) as another process takes the port over with the live processes' sum, and the
// dashboard's queries must still return data over the summed series.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { useServer, vector } from './api.mjs';
import { expected } from './calls.mjs';
import { check, checkNumber } from './checks.mjs';
import { checkDashboard } from './dashboard.mjs';
import { launchPrometheus, scrapedAfter, stopPrometheus, waitReady } from './launch.mjs';

const PROCESSES = 3;
const CHILD = new URL('./group-process.mjs', import.meta.url);

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startChild(port, dir) {
  const proc = spawn(process.execPath, [CHILD.pathname, String(port), dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return { proc, next: async () => String((await lines.next()).value) };
}

/** Runs the group phase against `promBin`; every check goes to checks.mjs. */
export async function checkGroup(promBin, deadline) {
  const want = expected();
  const perProcess = want.calls / 2; // calls.mjs records its set in ROUNDS (2) rounds; a child records it once
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ractogateway-group-'));
  const children = [];
  let prom;
  try {
    for (let i = 0; i < PROCESSES; i++) {
      const child = startChild(port, dir);
      child.pid = Number((await child.next()).split(' ')[1]);
      children.push(child);
    }
    prom = await launchPrometheus(promBin, dir, port);
    useServer(prom.url);
    check('group: prometheus started', await waitReady(prom, deadline), prom.url);
    await scrapedAfter(Date.now(), 1, deadline);
    await checkNumber('group: the scrape sums the 3 processes', 'sum(ractogateway_requests_total)', PROCESSES * perProcess);
    await checkNumber('group: 3 processes', 'sum(ractogateway_metrics_processes)', PROCESSES);

    const serving = Object.keys(await vector('ractogateway_metrics_processes'))[0]?.match(/aggregator_pid=(\d+)/)?.[1];
    const victim = children.find((c) => String(c.pid) === serving);
    check('group: the serving process is one of the three', victim !== undefined, `aggregator_pid ${serving}`);
    if (victim === undefined) return;
    const killedAt = Date.now();
    victim.proc.kill('SIGKILL');
    const survivor = children.find((c) => c !== victim);
    // Another takes over within a scrape interval or two; then the survivors record more.
    await scrapedAfter(killedAt, 1, deadline);
    survivor.proc.stdin.write('record\n');
    await survivor.next();
    await scrapedAfter(Date.now(), 2, deadline);
    const window = `[${Math.ceil((Date.now() - killedAt) / 1000) + 30}s]`;
    await checkNumber('group: after the takeover, the live processes\' sum', 'sum(ractogateway_requests_total)', PROCESSES * perProcess);
    await checkNumber('group: 2 processes, another serving', `sum(ractogateway_metrics_processes{aggregator_pid!="${serving}"})`, PROCESSES - 1);
    await checkNumber('group: one counter reset per requests series, no more', `max(resets(ractogateway_requests_total${window}))`, 1);
    const failed = await vector(`sum(count_over_time(up${window})) - sum(sum_over_time(up${window}))`);
    const missed = Object.values(failed)[0];
    check('group: at most two scrapes failed during the takeover', missed !== undefined && missed <= 2, `${missed} failed scrapes`);
    const increase = Object.values(await vector(`sum(increase(ractogateway_requests_total${window}))`))[0];
    check('group: increase() counts on through the reset (never negative)', increase >= perProcess, `${increase} >= ${perProcess}`);
    await checkDashboard();
  } finally {
    for (const c of children) c.proc.kill('SIGKILL');
    if (prom !== undefined) await stopPrometheus(prom);
    await rm(dir, { recursive: true, force: true });
  }
}
