// npm run test:prometheus
// End-to-end check of the Prometheus output against Debian's real `prometheus` server: a
// RactoTracer serves /metrics on a free port, records a known set of calls, a Prometheus started
// here scrapes it every second, and the numbers are read back through Prometheus's HTTP API.
// Every PromQL expression of dashboards/ractogateway.json is evaluated too (template variables
// substituted) and must succeed and return data. Installs prometheus with apt-get when it is
// missing (as root, or through passwordless sudo). Prints one `ok` / `FAIL` line per check and
// exits non-zero on any failure. Not part of `npm test`; needs `npm run build` first (the npm
// script does it).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RactoTracer } from '../dist/index.js';

const TEST_TIMEOUT_MS = 90_000; // from the tracer's start to the last check (an install comes before)
const INSTALL_TIMEOUT_MS = 600_000;
const SCRAPE_INTERVAL_S = 1;
const DASHBOARD = new URL('../dashboards/ractogateway.json', import.meta.url);

// ── Prometheus on this machine ──────────────────────────────────────────────────────────────

function commandPath(name) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function ensurePrometheus() {
  const found = commandPath('prometheus');
  if (found !== undefined) return found;
  let prefix;
  if (process.getuid?.() === 0) {
    prefix = [];
  } else if (commandPath('sudo') !== undefined && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) {
    prefix = ['sudo', '-n'];
  } else {
    throw new Error('prometheus is not installed, and this user can neither run apt-get (not root) nor use passwordless sudo. ' +
      'Install it first (Debian/Ubuntu: `apt-get install prometheus` as root), then run this again.');
  }
  if (commandPath('apt-get') === undefined) {
    throw new Error('prometheus is not installed and apt-get is not available here: install the prometheus server (2.x) so it is on PATH, then run this again.');
  }
  const apt = (...args) => {
    const [cmd, ...rest] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
    console.log(`# ${[cmd, ...rest].join(' ')}`);
    const r = spawnSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], timeout: INSTALL_TIMEOUT_MS });
    return r.status === 0;
  };
  console.log('# prometheus not found: installing Debian\'s package');
  if (!apt('install', '-y', '-q', 'prometheus')) {
    // A fresh machine may not have the package lists yet.
    if (!apt('update', '-q') || !apt('install', '-y', '-q', 'prometheus')) {
      throw new Error('`apt-get install prometheus` failed (see its output above); install the prometheus server by hand and run this again.');
    }
  }
  const installed = commandPath('prometheus');
  if (installed === undefined) throw new Error('apt-get installed prometheus but no `prometheus` command is on PATH');
  return installed;
}

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

// ── The calls recorded ──────────────────────────────────────────────────────────────────────

// Recorded twice: once before Prometheus's first scrape and once after it, so every counter and
// histogram series grows between two scrapes and the dashboard's rate()-based panels have data.
const CALLS = [
  { kind: 'chat', provider: 'openai', model: 'gpt-4o', latencyMs: 820, inputTokens: 1200, outputTokens: 300, toolCalls: 2, tenant: 'acme' },
  { kind: 'chat', provider: 'openai', model: 'gpt-4o', latencyMs: 430, inputTokens: 800, outputTokens: 120, cachedInputTokens: 400, tenant: 'globex' },
  { kind: 'chat', provider: 'openai', model: 'gpt-4o-mini', latencyMs: 2600, inputTokens: 500, outputTokens: 0, status: 'error', errorType: 'rate_limit', tenant: 'acme' },
  { kind: 'chat', provider: 'anthropic', model: 'claude-sonnet-4-6', operation: 'stream', latencyMs: 3100, timeToFirstTokenMs: 240,
    inputTokens: 2000, outputTokens: 650, cacheWriteTokens: 1500, reasoningTokens: 200, toolCalls: 1, tenant: 'acme' },
  { kind: 'chat', provider: 'anthropic', model: 'claude-sonnet-4-6', operation: 'stream', latencyMs: 1700, timeToFirstTokenMs: 410,
    inputTokens: 900, outputTokens: 210, cachedInputTokens: 600, tenant: 'globex' },
  { kind: 'chat', provider: 'google', model: 'gemini-2.0-flash', latencyMs: 12, inputTokens: 300, outputTokens: 90, cacheHit: 'exact', tenant: 'acme' },
  { kind: 'chat', provider: 'google', model: 'gemini-2.0-flash', latencyMs: 60, inputTokens: 300, outputTokens: 80, cacheHit: 'semantic', tenant: 'globex' },
  { kind: 'chat', provider: 'anthropic', model: 'claude-haiku-4-5-20251001', latencyMs: 30_500, inputTokens: 150, outputTokens: 0, status: 'error', errorType: 'timeout' },
  { kind: 'embed', provider: 'openai', model: 'text-embedding-3-small', latencyMs: 45, inputTokens: 512, tenant: 'acme' },
  { kind: 'embed', provider: 'openai', model: 'text-embedding-3-small', latencyMs: 38, inputTokens: 256 },
];
const ROUNDS = 2;

function record(tracer) {
  let accepted = 0;
  for (const c of CALLS) {
    const { kind, tenant, ...call } = c;
    if (tenant !== undefined) call.attributes = { tenant };
    const ok = kind === 'embed' ? tracer.recordEmbedSpan(call) : tracer.recordChatSpan(call);
    if (ok) accepted++;
  }
  return accepted;
}

function expected() {
  const n = (f) => ROUNDS * CALLS.reduce((s, c) => s + f(c), 0);
  const count = (p) => n((c) => (p(c) ? 1 : 0));
  return {
    calls: ROUNDS * CALLS.length,
    byStatus: { ok: count((c) => (c.status ?? 'ok') === 'ok'), error: count((c) => c.status === 'error') },
    byOperation: {
      chat: count((c) => c.kind === 'chat' && (c.operation ?? 'chat') === 'chat'),
      stream: count((c) => c.operation === 'stream'),
      embed: count((c) => c.kind === 'embed'),
    },
    tokens: {
      input: n((c) => c.inputTokens ?? 0),
      output: n((c) => c.outputTokens ?? 0),
      cache_read: n((c) => c.cachedInputTokens ?? 0),
      cache_write: n((c) => c.cacheWriteTokens ?? 0),
      reasoning: n((c) => c.reasoningTokens ?? 0),
    },
    toolCalls: n((c) => c.toolCalls ?? 0),
    exactHits: count((c) => c.cacheHit === 'exact'),
    semanticHits: count((c) => c.cacheHit === 'semantic'),
    misses: count((c) => (c.cacheHit ?? 'miss') === 'miss'),
    ttft: count((c) => c.timeToFirstTokenMs !== undefined),
    latencySeconds: n((c) => c.latencyMs) / 1000,
    tenants: [...new Set(CALLS.map((c) => c.tenant).filter((t) => t !== undefined))].sort(),
  };
}

// ── Checks ──────────────────────────────────────────────────────────────────────────────────

let passed = 0;
let failed = 0;
function check(name, good, detail) {
  if (good) passed++;
  else failed++;
  console.log(`${good ? 'ok  ' : 'FAIL'} ${name}${detail === undefined ? '' : `: ${detail}`}`);
}

let promUrl;
async function api(path, params = {}) {
  const url = new URL(path, promUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = await res.json().catch(() => ({ status: 'error', errorType: 'non-JSON', error: `HTTP ${res.status}` }));
  return { http: res.status, ...body };
}
async function query(expr) {
  return api('/api/v1/query', { query: expr });
}
/** The instant vector of `expr` as { 'label=value,…': number }; throws on a failed query. */
async function vector(expr) {
  const r = await query(expr);
  if (r.status !== 'success') throw new Error(`${expr}: ${r.errorType}: ${r.error}`);
  if (r.data.resultType === 'scalar') return { '': Number(r.data.result[1]) };
  const out = {};
  for (const s of r.data.result) {
    const key = Object.entries(s.metric).map(([k, v]) => `${k}=${v}`).sort().join(',');
    out[key] = Number(s.value[1]);
  }
  return out;
}
const fmt = (o) => JSON.stringify(o);
const sameCounts = (got, want) => {
  const keys = new Set([...Object.keys(got), ...Object.keys(want)]);
  return [...keys].every((k) => got[k] === want[k]);
};

async function checkNumber(name, expr, want, tolerance = 0) {
  try {
    const v = await vector(expr);
    const values = Object.values(v);
    const got = values.length === 1 ? values[0] : undefined;
    check(name, got !== undefined && Math.abs(got - want) <= tolerance, `${expr} = ${values.length === 1 ? got : fmt(v)}, want ${want}`);
  } catch (err) {
    check(name, false, err.message);
  }
}

async function checkGrouped(name, expr, label, want) {
  try {
    const v = await vector(expr);
    const got = Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(`${label}=`, ''), x]));
    check(name, sameCounts(got, want), `${expr} = ${fmt(got)}, want ${fmt(want)}`);
  } catch (err) {
    check(name, false, err.message);
  }
}

// ── The dashboard's expressions ─────────────────────────────────────────────────────────────

const SUBSTITUTIONS = {
  provider: '.*',
  model: '.*',
  tenant: '.*',
  __rate_interval: '1m',
  __interval: '15s',
  __range: '5m',
  __range_s: '300',
};
function substitute(expr) {
  return expr.replace(/\$\{(\w+)(?::[\w]+)?\}|\$(\w+)/g, (whole, braced, plain) => {
    const name = braced ?? plain;
    if (!Object.hasOwn(SUBSTITUTIONS, name)) throw new Error(`unknown template variable ${whole} in ${expr}`);
    return SUBSTITUTIONS[name];
  });
}
function allPanels(panels) {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

async function checkDashboard() {
  let dashboard;
  try {
    dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8'));
    check('dashboard parses as JSON', true, DASHBOARD.pathname);
  } catch (err) {
    check('dashboard parses as JSON', false, err.message);
    return;
  }
  const inputs = dashboard.__inputs ?? [];
  check('dashboard asks for a Prometheus datasource on import', inputs.some((i) => i.name === 'DS_PROMETHEUS' && i.pluginId === 'prometheus'),
    fmt(inputs.map((i) => `${i.name}:${i.pluginId}`)));

  const variables = dashboard.templating?.list ?? [];
  const names = variables.map((v) => v.name).sort();
  check('dashboard has the provider, model and tenant variables', ['model', 'provider', 'tenant'].every((n) => names.includes(n)), fmt(names));
  for (const v of variables) {
    const def = typeof v.query === 'string' ? v.query : v.query?.query ?? v.definition;
    const m = /^\s*label_values\((.+),\s*(\w+)\s*\)\s*$/.exec(def ?? '');
    if (m === null) {
      check(`variable ${v.name}: label_values query`, false, `cannot read ${fmt(def)}`);
      continue;
    }
    const [, selector, label] = m;
    try {
      // What Grafana's Prometheus datasource asks for a label_values(selector, label) variable.
      const r = await api(`/api/v1/label/${label}/values`, { 'match[]': substitute(selector) });
      check(`variable ${v.name}: ${def}`, r.status === 'success' && r.data.length > 0 && v.includeAll === true,
        r.status === 'success' ? `values ${fmt(r.data)}, All option ${v.includeAll === true}${v.allValue ? ` (${v.allValue})` : ''}` : `${r.http} ${r.errorType}: ${r.error}`);
    } catch (err) {
      check(`variable ${v.name}: ${def}`, false, err.message);
    }
  }

  const targets = allPanels(dashboard.panels ?? []).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, refId: t.refId, expr: t.expr })));
  check('dashboard has PromQL targets', targets.length > 0 && targets.every((t) => typeof t.expr === 'string' && t.expr.length > 0), `${targets.length} expressions`);
  for (const t of targets) {
    const name = `panel "${t.panel}" ${t.refId}`;
    try {
      const expr = substitute(t.expr);
      const r = await query(expr);
      if (r.status !== 'success') {
        check(name, false, `${r.http} ${r.errorType}: ${r.error} in ${expr}`);
        continue;
      }
      // The recorded calls touch every metric the dashboard reads, so each panel must show data.
      const series = r.data.resultType === 'vector' ? r.data.result : [{ metric: {}, value: r.data.result }];
      const shown = series.map((s) => `${Object.values(s.metric).join(' ') || '{}'}=${Number(s.value[1]).toPrecision(4)}`);
      check(name, series.length > 0, `${series.length} series${shown.length ? ` ${shown.slice(0, 6).join(', ')}${shown.length > 6 ? ', …' : ''}` : ''}`);
    } catch (err) {
      check(name, false, err.message);
    }
  }
}

// ── Main ────────────────────────────────────────────────────────────────────────────────────

async function targetState() {
  const r = await api('/api/v1/targets');
  const t = r.data?.activeTargets?.[0];
  return t === undefined ? undefined : { health: t.health, lastScrape: Date.parse(t.lastScrape), lastError: t.lastError };
}

/** Resolves once a scrape that started after `afterMs` is done (and `extra` more after it). */
async function scrapedAfter(afterMs, extra, deadlineMs) {
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

async function main() {
  const promBin = ensurePrometheus();
  const version = spawnSync(promBin, ['--version'], { encoding: 'utf8' });
  console.log(`# ${(version.stdout || version.stderr).split('\n')[0]}`);

  const started = Date.now();
  const deadline = started + TEST_TIMEOUT_MS - 5_000; // leave time for the cleanup
  let tracer;
  let prom;
  let promLog = '';
  let dir;
  const timer = setTimeout(() => {
    console.log(`FAIL overall timeout: not done after ${TEST_TIMEOUT_MS / 1000} s`);
    if (promLog) console.log(`# prometheus log (tail):\n${promLog.slice(-2000)}`);
    prom?.kill('SIGKILL');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }, TEST_TIMEOUT_MS);

  try {
    tracer = new RactoTracer({ prometheusPort: 0, attributeKeys: ['tenant'], metricAttributes: ['tenant'], inMemory: true });
    const ready = await tracer.ready();
    const port = tracer.prometheusPort;
    check('tracer ready and serving /metrics', ready === true && Number.isInteger(port) && port > 0, `ready ${ready}, port ${port}`);
    if (!ready || !port) return;

    const want = expected();
    let accepted = record(tracer);
    await tracer.flush();

    dir = await mkdtemp(join(tmpdir(), 'ractogateway-prometheus-'));
    const config = join(dir, 'prometheus.yml');
    await writeFile(config, [
      'global:',
      `  scrape_interval: ${SCRAPE_INTERVAL_S}s`,
      `  scrape_timeout: ${SCRAPE_INTERVAL_S}s`,
      `  evaluation_interval: ${SCRAPE_INTERVAL_S}s`,
      'scrape_configs:',
      '  - job_name: ractogateway',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${port}']`,
      '',
    ].join('\n'));
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    prom = spawn(promBin, [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    prom.stdout.on('data', (d) => { promLog += d; });
    prom.stderr.on('data', (d) => { promLog += d; });
    let promExited = false;
    prom.once('exit', (code, signal) => { promExited = true; promLog += `\n[prometheus exited: ${code ?? signal}]\n`; });

    // Ready, then the target up after its first scrape (which sees the first round).
    let readyOk = false;
    while (!readyOk && !promExited && Date.now() < deadline) {
      readyOk = await fetch(`${promUrl}/-/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
      if (!readyOk) await sleep(200);
    }
    check('prometheus started', readyOk, `${promUrl} (${promExited ? 'exited' : 'pid ' + prom.pid})`);
    if (!readyOk) return;
    const first = await scrapedAfter(0, 1, deadline);
    check('scrape target up', first.health === 'up', `127.0.0.1:${port} health ${first.health}`);

    // The second round, then a few scrapes that see it.
    accepted += record(tracer);
    await tracer.flush();
    const flushedAt = Date.now();
    check('every call accepted by the tracer', accepted === want.calls, `${accepted} of ${want.calls}`);
    await scrapedAfter(flushedAt, 2, deadline);

    await checkNumber('up == 1', 'up{job="ractogateway"} == 1', 1);
    await checkNumber('sum(ractogateway_requests_total) = calls', 'sum(ractogateway_requests_total)', want.calls);
    await checkGrouped('requests by status', 'sum by (status) (ractogateway_requests_total)', 'status', want.byStatus);
    await checkGrouped('requests by operation', 'sum by (operation) (ractogateway_requests_total)', 'operation', want.byOperation);
    await checkGrouped('tokens by type', 'sum by (token_type) (ractogateway_tokens_total)', 'token_type', want.tokens);
    await checkNumber('tool calls', 'sum(ractogateway_tool_calls_total)', want.toolCalls);
    await checkNumber('exact cache hits', 'sum(ractogateway_cache_hits_total{cache_type="exact"})', want.exactHits);
    await checkNumber('semantic cache hits', 'sum(ractogateway_cache_hits_total{cache_type="semantic"})', want.semanticHits);
    await checkNumber('cache misses', 'sum(ractogateway_cache_misses_total)', want.misses);
    await checkNumber('time-to-first-chunk observations', 'sum(gen_ai_client_operation_time_to_first_chunk_seconds_count)', want.ttft);
    await checkNumber('gen_ai operation duration count = calls', 'sum(gen_ai_client_operation_duration_seconds_count)', want.calls);
    await checkNumber('request duration sum (s)', 'sum(ractogateway_request_duration_seconds_sum)', want.latencySeconds, 1e-6);

    // Cost by tenant: the metric against the captured spans' llm.cost_usd (no tenant: the series without the label).
    const spans = tracer.spans;
    check('in-memory spans captured', spans.length === want.calls, `${spans.length} of ${want.calls}`);
    const costByTenant = {};
    for (const s of spans) {
      const tenant = s.attributes?.tenant ?? '';
      costByTenant[tenant] = (costByTenant[tenant] ?? 0) + s.costUsd;
    }
    try {
      const got = await vector('sum by (tenant) (ractogateway_cost_usd_total)');
      const byTenant = Object.fromEntries(Object.entries(got).map(([k, v]) => [k.replace('tenant=', ''), v]));
      const keys = new Set([...Object.keys(byTenant), ...Object.keys(costByTenant)]);
      const good = [...keys].every((k) => byTenant[k] !== undefined && costByTenant[k] !== undefined && Math.abs(byTenant[k] - costByTenant[k]) <= 1e-9);
      check('cost by tenant = sum of spans\' costUsd (1e-9)', good && Object.values(costByTenant).some((c) => c > 0),
        `prometheus ${fmt(byTenant)}, spans ${fmt(costByTenant)}`);
    } catch (err) {
      check('cost by tenant = sum of spans\' costUsd (1e-9)', false, err.message);
    }

    try {
      const r = await api('/api/v1/label/tenant/values', { 'match[]': 'ractogateway_requests_total' });
      check('tenant label values', r.status === 'success' && fmt(r.data) === fmt(want.tenants), `${fmt(r.data)}, want ${fmt(want.tenants)}`);
    } catch (err) {
      check('tenant label values', false, err.message);
    }

    for (const [q, expr] of [
      ['p50', 'histogram_quantile(0.5, sum by (le) (rate(gen_ai_client_operation_duration_seconds_bucket[1m])))'],
      ['p99', 'histogram_quantile(0.99, sum by (le) (gen_ai_client_operation_duration_seconds_bucket))'],
    ]) {
      try {
        const values = Object.values(await vector(expr));
        check(`histogram_quantile ${q} of gen_ai_client_operation_duration_seconds`, values.length === 1 && Number.isFinite(values[0]) && values[0] > 0,
          `${expr} = ${fmt(values)}`);
      } catch (err) {
        check(`histogram_quantile ${q} of gen_ai_client_operation_duration_seconds`, false, err.message);
      }
    }

    // The tracer's own health.
    await checkNumber('spans recorded', 'sum(ractogateway_spans_recorded_total)', want.calls);
    await checkNumber('spans exported', 'sum(ractogateway_spans_exported_total)', want.calls);
    await checkNumber('spans dropped', 'sum(ractogateway_spans_dropped_total)', 0);
    await checkNumber('spans failed', 'sum(ractogateway_spans_failed_total)', 0);
    await checkNumber('spans pending', 'sum(ractogateway_spans_pending)', 0);
    await checkGrouped('drop reasons exposed', 'count by (reason) (ractogateway_spans_dropped_total)', 'reason',
      { ringFull: 1, shutdown: 1, notSampled: 1, sampled: 1 });
    await checkGrouped('failure reasons exposed', 'count by (reason) (ractogateway_spans_failed_total)', 'reason',
      { exportError: 1, exportTimeout: 1, workerCrash: 1, shutdownTimeout: 1 });
    await checkNumber('ring fill ratio', 'sum(ractogateway_ring_fill_ratio)', 0);
    await checkNumber('strings folded', 'sum(ractogateway_strings_folded_total)', 0);
    await checkNumber('series overflow', 'sum(ractogateway_metric_series_overflow_total)', 0);

    await checkDashboard();
  } catch (err) {
    check('run', false, err.stack ?? String(err));
  } finally {
    if (prom !== undefined && prom.exitCode === null && prom.signalCode === null) {
      prom.kill('SIGTERM');
      const exited = await Promise.race([once(prom, 'exit').then(() => true), sleep(5_000).then(() => false)]);
      if (!exited) {
        prom.kill('SIGKILL');
        await once(prom, 'exit');
      }
    }
    if (failed > 0 && promLog.trim()) console.log(`# prometheus log (tail):\n${promLog.slice(-2000)}`);
    await tracer?.shutdown();
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
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
