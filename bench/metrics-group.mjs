// The host-wide /metrics (issue 30): what a scrape costs with 16 processes of 2,000 series each,
// and what a process pays to report to the group.
//
//   node bench/metrics-group.mjs [--json] [--processes 16] [--series 2000]
//
// 1. In this process, on the built modules: one process's report of `series` label sets as a
//    member builds and sends it (its series and health families, JSON.stringify; and for
//    comparison the same as rendered families), what the aggregator pays to read one
//    (JSON.parse), and a scrape's sum of `processes` reports (MetricsSum), projection and rendering.
//    CPU time, median of 7 rounds.
// 2. Real processes: `processes` tracers on one prometheusPort (bench/group-member.mjs), each with
//    `series` label sets, and 4 peers with the same load serving alone (metricsSocketDir: false).
//    a) 20 scrapes in a row: the scrape's wall time as the client sees it (median), and the CPU
//       every process of the group spent per scrape (every thread's schedstat, less a quiet window
//       of the same length).
//    b) every process records one call per 100 ms for 6 s (so a member reports every second):
//       CPU per process of a group member vs a peer serving alone, medians, and their difference
//       (the reporting's cost).
//    c) the serving process SIGKILLed: the time until another answers a scrape.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { families, healthFamilies } from '../dist/worker/metrics/families.js';
import { MetricsSum, processMetrics, sumFamilies } from '../dist/worker/metrics/process-metrics.js';
import { renderPrometheus } from '../dist/worker/metrics/prometheus.js';
import { VALUE_WORDS } from '../dist/worker/metrics/series.js';
import { jsonOutput, machine, median, print } from './util.mjs';

const arg = (name, dflt) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : dflt;
};
const PROCESSES = arg('processes', 16);
const SERIES = arg('series', 2000);
const PEERS = 4;
const ROUNDS = 7;
const SCRAPES = 20;
const LOAD_MS = 6_000;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const timed = (fn) => {
  const xs = [];
  let out;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = cpuMs();
    out = fn();
    xs.push(cpuMs() - t0);
  }
  return { ms: median(xs), out };
};

// --- 1. in this process ------------------------------------------------------------------------
const strings = ['', 'openai', ...Array.from({ length: SERIES }, (_, i) => `model-${i}`), 'RateLimitError'];
const health = {
  recorded: 1e6, exported: 1e6, pending: 0, droppedByReason: { ringFull: 0, shutdown: 0, notSampled: 0, sampled: 0 },
  failedByReason: { exportError: 0, exportTimeout: 0, workerCrash: 0, shutdownTimeout: 0 }, stringsFolded: 0,
  contentDropped: { arenaFull: 0, scrubFailed: 0 }, spooled: 0, replayed: 0, ringUsed: 0, ringCapacity: 65536,
};
const series = Array.from({ length: SERIES }, (_, i) => {
  const values = new Float64Array(VALUE_WORDS);
  for (let w = 0; w < VALUE_WORDS; w++) values[w] = (i * 31 + w) % 97;
  // provider, model, operation (chat / embed), error, error type, cache
  return { key: [1, 2 + (i >> 1), i % 2 === 0 ? 0 : 2, 0, 0, 0], values };
});
const string = (id) => strings[id];
const build = timed(() => JSON.stringify({ t: 'report', id: 0, metrics: processMetrics(series, string, 0, healthFamilies(health)) }));
const report = build.out;
const parse = timed(() => JSON.parse(report));
const one = JSON.parse(report).metrics;
const merge = timed(() => {
  const sum = new MetricsSum();
  for (let p = 0; p < PROCESSES; p++) sum.add(one, [['pid', String(1000 + p)], ['service_instance_id', `id-${p}`]]);
  return sum;
});
const render = timed(() => renderPrometheus(sumFamilies(merge.out, [])));
// What the same families cost when a report carried them rendered (families() of the series).
const familiesReport = timed(() => JSON.stringify(families(series, { string, labelNames: [] }, 0, health)));
const inProcess = [
  { step: `member: its report of ${SERIES} series (series + health families, JSON.stringify)`, 'CPU ms': build.ms.toFixed(1), bytes: report.length },
  { step: `  for comparison: the same as families() + JSON.stringify`, 'CPU ms': familiesReport.ms.toFixed(1), bytes: familiesReport.out.length },
  { step: 'aggregator: JSON.parse of one report', 'CPU ms': parse.ms.toFixed(1), bytes: report.length },
  { step: `aggregator: sum ${PROCESSES} reports (MetricsSum)`, 'CPU ms': merge.ms.toFixed(1), bytes: '' },
  { step: 'aggregator: project the sum into families + render', 'CPU ms': render.ms.toFixed(1), bytes: render.out.length },
  { step: `aggregator: a scrape's work (${PROCESSES - 1} parses + sum + render)`, 'CPU ms': ((PROCESSES - 1) * parse.ms + merge.ms + render.ms).toFixed(1), bytes: render.out.length },
];
print(`1. In one process, ${SERIES} series a process (${machine()})`, inProcess, ['step', 'CPU ms', 'bytes']);

// --- 2. real processes ---------------------------------------------------------------------------
const taskNs = (pid) => {
  let ns = 0;
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'latin1').split(' ')[0]);
  } catch {
    // exited
  }
  return ns;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const dir = mkdtempSync(join(tmpdir(), 'racto-bench-grp-'));
const port = 20_000 + (process.pid % 20_000);
function start(socketDir, p) {
  const child = spawn(process.execPath, [new URL('./group-member.mjs', import.meta.url).pathname, String(p), socketDir, String(SERIES)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, ready: lines.next() };
}
const group = [];
const peers = [];
try {
  // One at a time: 16 start-ups at once on 2 cores would only measure the contention.
  for (let i = 0; i < PROCESSES; i++) {
    const m = start(dir, port);
    await m.ready;
    group.push(m);
  }
  for (let i = 0; i < PEERS; i++) {
    const m = start('alone', 0);
    await m.ready;
    peers.push(m);
  }
  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    return res.text();
  };
  const first = await scrape();
  const joined = Number(/ractogateway_metrics_processes\{[^}]*\} (\d+)/.exec(first)?.[1]);
  const groupNs = () => group.reduce((a, m) => a + taskNs(m.child.pid), 0);
  await sleep(2_000);
  // A quiet window, then the scrapes; each measured on every process of the group.
  let t0 = performance.now();
  let c0 = groupNs();
  await sleep(1_000);
  const quietNsPerMs = (groupNs() - c0) / (performance.now() - t0);
  const walls = [];
  t0 = performance.now();
  c0 = groupNs();
  let bytes = 0;
  for (let i = 0; i < SCRAPES; i++) {
    const s = performance.now();
    bytes = (await scrape()).length;
    walls.push(performance.now() - s);
  }
  const scrapeMs = performance.now() - t0;
  const perScrapeCpuMs = ((groupNs() - c0) - quietNsPerMs * scrapeMs) / SCRAPES / 1e6;
  const scrapeRows = [{ processes: joined, 'series each': SERIES, 'wall ms (median)': median(walls).toFixed(1), 'CPU ms, all processes': perScrapeCpuMs.toFixed(1), bytes }];
  print(`2a. A scrape of the host-wide /metrics, ${SCRAPES} in a row`, scrapeRows, Object.keys(scrapeRows[0]));

  // b) the same light load in every process: a member reports every second, a peer does not.
  const all = [...group, ...peers];
  const before = all.map((m) => taskNs(m.child.pid));
  for (const m of all) m.child.stdin.write('load\n');
  await sleep(LOAD_MS);
  for (const m of all) m.child.stdin.write('quiet\n');
  const spent = all.map((m, i) => (taskNs(m.child.pid) - before[i]) / 1e6 / (LOAD_MS / 1000));
  // The aggregator (the first process) is left out: it answers no report, it receives them.
  const memberMs = median(spent.slice(1, PROCESSES));
  const peerMs = median(spent.slice(PROCESSES));
  const loadRows = [
    { side: `group member (median of ${PROCESSES - 1})`, 'CPU ms per s': memberMs.toFixed(1) },
    { side: `serving alone (median of ${PEERS})`, 'CPU ms per s': peerMs.toFixed(1) },
    { side: 'aggregator (the first process)', 'CPU ms per s': spent[0].toFixed(1) },
    { side: 'reporting: member - alone', 'CPU ms per s': (memberMs - peerMs).toFixed(1) },
  ];
  print(`2b. One call per 100 ms in every process for ${LOAD_MS / 1000} s: CPU of each process (every thread)`, loadRows, ['side', 'CPU ms per s']);

  // c) the serving process killed: how long until the port answers again, from another process.
  const serving = /aggregator_pid="(\d+)"/.exec(await scrape())?.[1];
  const victim = group.find((m) => String(m.child.pid) === serving);
  const killedAt = performance.now();
  victim?.child.kill('SIGKILL');
  let answered;
  while (answered === undefined && performance.now() - killedAt < 30_000) {
    const text = await scrape().catch(() => '');
    const now = /aggregator_pid="(\d+)"\} (\d+)/.exec(text);
    if (now !== null && now[1] !== serving) answered = { ms: performance.now() - killedAt, processes: Number(now[2]) };
    else await sleep(5);
  }
  const takeoverRows = [{ 'killed pid': serving, 'answered again after ms': answered?.ms.toFixed(0) ?? 'never', 'processes then': answered?.processes ?? '' }];
  print('2c. The serving process SIGKILLed: first scrape answered by another (polling every 5 ms)', takeoverRows, Object.keys(takeoverRows[0]));
  if (jsonOutput) console.log(JSON.stringify({ machine: machine(), inProcess, scrape: scrapeRows[0], load: loadRows, takeover: takeoverRows[0] }));
} finally {
  for (const m of [...group, ...peers]) m.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
