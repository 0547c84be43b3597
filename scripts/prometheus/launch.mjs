// Prometheus for one run: a config that scrapes the tracer every second, the server started on a
// free 127.0.0.1 port with its storage in the run's temporary folder (its output kept as `log`),
// waits for it to be ready and for scrapes of the tracer, and its stop.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { api, fmt } from './api.mjs';

const SCRAPE_INTERVAL_S = 1;

async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes the config into `dir` and starts `promBin` scraping 127.0.0.1:`targetPort`. Resolves to
 * { url, proc, log, exited }: `log` gathers its stdout and stderr, `exited` turns true when it ends.
 */
export async function launchPrometheus(promBin, dir, targetPort) {
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, [
    'global:',
    `  scrape_interval: ${SCRAPE_INTERVAL_S}s`,
    `  scrape_timeout: ${SCRAPE_INTERVAL_S}s`,
    `  evaluation_interval: ${SCRAPE_INTERVAL_S}s`,
    'scrape_configs:',
    '  - job_name: ractogateway',
    '    static_configs:',
    `      - targets: ['127.0.0.1:${targetPort}']`,
    '',
  ].join('\n'));
  const promPort = await freePort();
  const url = `http://127.0.0.1:${promPort}`;
  const proc = spawn(promBin, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--log.level=warn',
    // Issue 32: keep the exemplars /metrics sends in OpenMetrics (query_exemplars reads them).
    '--enable-feature=exemplar-storage',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { url, proc, log: '', exited: false };
  proc.stdout.on('data', (d) => { server.log += d; });
  proc.stderr.on('data', (d) => { server.log += d; });
  proc.once('exit', (code, signal) => { server.exited = true; server.log += `\n[prometheus exited: ${code ?? signal}]\n`; });
  return server;
}

/** Resolves to true once `server` answers /-/ready, false if it exits or `deadlineMs` passes first. */
export async function waitReady(server, deadlineMs) {
  let readyOk = false;
  while (!readyOk && !server.exited && Date.now() < deadlineMs) {
    readyOk = await fetch(`${server.url}/-/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (!readyOk) await sleep(200);
  }
  return readyOk;
}

async function targetState() {
  const r = await api('/api/v1/targets');
  const t = r.data?.activeTargets?.[0];
  return t === undefined ? undefined : { health: t.health, lastScrape: Date.parse(t.lastScrape), lastError: t.lastError };
}

/** Resolves once a scrape that started after `afterMs` is done (and `extra` more after it). */
export async function scrapedAfter(afterMs, extra, deadlineMs) {
  let seen = 0;
  let last = afterMs;
  while (Date.now() < deadlineMs) {
    const t = await targetState().catch(() => undefined);
    if (t !== undefined && t.health === 'up' && t.lastScrape > last) {
      last = t.lastScrape;
      if (++seen > extra) return t;
    }
    await sleep(200);
  }
  const t = await targetState().catch(() => undefined);
  throw new Error(`no successful scrape of the tracer after ${new Date(afterMs).toISOString()} (target: ${fmt(t)})`);
}

/** SIGTERM, then SIGKILL if `server` has not exited 5 s later; resolves once it has exited. */
export async function stopPrometheus(server) {
  const prom = server.proc;
  if (prom.exitCode === null && prom.signalCode === null) {
    prom.kill('SIGTERM');
    const exited = await Promise.race([once(prom, 'exit').then(() => true), sleep(5_000).then(() => false)]);
    if (!exited) {
      prom.kill('SIGKILL');
      await once(prom, 'exit');
    }
  }
}
