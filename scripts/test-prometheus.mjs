// npm run test:prometheus
// End-to-end check of the Prometheus output against Debian's real `prometheus` server: a
// RactoTracer serves /metrics on a free port, records a known set of calls, a Prometheus started
// here scrapes it every second, and the numbers are read back through Prometheus's HTTP API.
// Every PromQL expression of dashboards/ractogateway.json is evaluated too (template variables
// substituted) and must succeed and return data. Installs prometheus with apt-get when it is
// missing (as root, or through passwordless sudo). Prints one `ok` / `FAIL` line per check and
// exits non-zero on any failure. Not part of `npm test`; needs `npm run build` first (the npm
// script does it).
// This file runs the steps in order; scripts/prometheus/ holds them: install.mjs, launch.mjs (the
// server and its scrapes), calls.mjs (the tracer load), api.mjs, checks.mjs, metrics.mjs and
// dashboard.mjs (the queries and what they must return), group.mjs and group-process.mjs (three
// processes on one host-wide /metrics, the serving one killed: Prometheus must see one counter reset).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RactoTracer } from '../dist/index.js';
import { useServer } from './prometheus/api.mjs';
import { expected, record } from './prometheus/calls.mjs';
import { check, tally } from './prometheus/checks.mjs';
import { checkDashboard } from './prometheus/dashboard.mjs';
import { checkGroup } from './prometheus/group.mjs';
import { ensurePrometheus } from './prometheus/install.mjs';
import { launchPrometheus, scrapedAfter, stopPrometheus, waitReady } from './prometheus/launch.mjs';
import { checkMetrics } from './prometheus/metrics.mjs';
import { startJsonReceiver } from './prometheus/receiver.mjs';
import { checkSignals } from './prometheus/signals.mjs';

const TEST_TIMEOUT_MS = 150_000; // from the tracer's start to the last check (an install comes before)

async function main() {
  const promBin = ensurePrometheus();
  const version = spawnSync(promBin, ['--version'], { encoding: 'utf8' });
  console.log(`# ${(version.stdout || version.stderr).split('\n')[0]}`);

  const started = Date.now();
  const deadline = started + TEST_TIMEOUT_MS - 5_000; // leave time for the cleanup
  let tracer;
  let receiver;
  let prom;
  let dir;
  const timer = setTimeout(() => {
    console.log(`FAIL overall timeout: not done after ${TEST_TIMEOUT_MS / 1000} s`);
    if (prom?.log) console.log(`# prometheus log (tail):\n${prom.log.slice(-2000)}`);
    prom?.proc.kill('SIGKILL');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }, TEST_TIMEOUT_MS);

  try {
    // A real OTLP/HTTP JSON receiver: exemplars come only from spans a collector took.
    receiver = await startJsonReceiver();
    tracer = new RactoTracer({ prometheusPort: 0, attributeKeys: ['tenant'], metricAttributes: ['tenant'], inMemory: true,
      otlpHttpEndpoint: receiver.url, otlpHttpProtocol: 'http/json' });
    const ready = await tracer.ready();
    const port = tracer.prometheusPort;
    check('tracer ready and serving /metrics', ready === true && Number.isInteger(port) && port > 0, `ready ${ready}, port ${port}`);
    if (!ready || !port) return;

    const want = expected();
    let accepted = record(tracer);
    await tracer.flush();

    dir = await mkdtemp(join(tmpdir(), 'ractogateway-prometheus-'));
    prom = await launchPrometheus(promBin, dir, port);
    useServer(prom.url);

    // Ready, then the target up after its first scrape (which sees the first round).
    const readyOk = await waitReady(prom, deadline);
    check('prometheus started', readyOk, `${prom.url} (${prom.exited ? 'exited' : 'pid ' + prom.proc.pid})`);
    if (!readyOk) return;
    const first = await scrapedAfter(0, 1, deadline);
    check('scrape target up', first.health === 'up', `127.0.0.1:${port} health ${first.health}`);

    // The second round, then a few scrapes that see it.
    accepted += record(tracer);
    await tracer.flush();
    const flushedAt = Date.now();
    check('every call accepted by the tracer', accepted === want.calls, `${accepted} of ${want.calls}`);
    await scrapedAfter(flushedAt, 2, deadline);

    await checkMetrics(tracer, want);
    await checkSignals(tracer, want, receiver.traceIds);
    await checkDashboard();
    // A second Prometheus on a host-wide group of three processes, whose serving one is killed.
    await stopPrometheus(prom);
    prom = undefined;
    await checkGroup(promBin, deadline);
  } catch (err) {
    check('run', false, err.stack ?? String(err));
  } finally {
    if (prom !== undefined) await stopPrometheus(prom);
    if (tally().failed > 0 && prom?.log.trim()) console.log(`# prometheus log (tail):\n${prom.log.slice(-2000)}`);
    await tracer?.shutdown();
    await receiver?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    clearTimeout(timer);
  }
  console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
  await main();
} catch (err) {
  check('setup', false, err.message);
}
const { passed, failed } = tally();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
