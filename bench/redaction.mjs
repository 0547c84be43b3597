// Redaction's cost in the workers (issue 31), per KB of captured content: Redactor.redact() over
// 4 KB texts of four kinds (prose, a chat that leaks a few secrets, a pasted config file, a log
// excerpt heavy in digits), and ContentBuilder.build() of bench/content.mjs's 4 KB exchange
// (decode, redaction, truncation, JSON), with the default rules, with pii: true, and with no
// rule (the build's other work). `--dist <dir>` adds a baseline build of the package (today's
// main) run side by side in the same process: its default rules on the same texts. Rounds
// alternate the sides; medians. `REDACTION_ROUNDS` sets the rounds.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsonOutput, machine, print } from './util.mjs';

const ROUNDS = Number(process.env.REDACTION_ROUNDS ?? 15);
const distArg = process.argv.indexOf('--dist');
const load = async (dir) => ({
  redact: await import(pathToFileURL(resolve(dir, 'worker/content/redact.js')).href),
  builder: await import(pathToFileURL(resolve(dir, 'worker/content/builder.js')).href),
  config: await import(pathToFileURL(resolve(dir, 'shared/content-config.js')).href),
  arena: await import(pathToFileURL(resolve(dir, 'shared/arena.js')).href),
  writer: await import(pathToFileURL(resolve(dir, 'main/content-writer.js')).href),
});
const here = await load(new URL('../dist/', import.meta.url).pathname);
const baseline = distArg > 0 ? await load(process.argv[distArg + 1]) : undefined;

// ---- the texts, 4 KB each; made-up values built from parts ----
const words = 'the quick brown fox jumps over the lazy dog while the gateway records every call and the model answers'.split(' ');
const prose = (n, seed) => {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `${words[(i * 7 + seed) % words.length]}${i % 13 === 12 ? '. ' : ' '}`;
  return s.slice(0, n);
};
const fill = (s, n) => (s.length >= n ? s.slice(0, n) : s + prose(n - s.length, 3));
const key = ['sk', '-proj-', 'Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90Uv12Wx34'].join('');
const texts = {
  prose: prose(4096, 1),
  'chat leaking 3 secrets': fill(`${prose(1200, 2)} my key is ${key} and the db is postgres://app:${'hunter2'}x@db:5432/app ${prose(1200, 4)} DB_PASSWORD=${'s3cret'}-value ${prose(1200, 5)}`, 4096),
  'pasted config (.env, YAML)': fill(Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `SERVICE_${i}_HOST=svc-${i}.internal\n` : i % 3 === 1 ? `  max_tokens: ${i * 16}\n  timeout_ms: ${i * 100}\n` : `feature_${i}: enabled # see docs\n`)).join(''), 4096),
  'log lines (digits, times, ids)': fill(Array.from({ length: 50 }, (_, i) => `2026-12-06T11:${String(i).padStart(2, '0')}:07.123Z INFO req ${1000 + i * 37} took ${i * 3}.4 ms status 200 trace 4bf92f3577b34da6a3ce929d0e0e${String(4736 + i)}\n`).join(''), 4096),
};

const time = (fn, n) => {
  for (let i = 0; i < Math.min(n, 200); i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - start) / n / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// ---- the sides ----
const sides = [];
if (baseline !== undefined) sides.push(['baseline defaults', baseline, [...baseline.config.REDACTION_RULES]]);
sides.push(['defaults', here, [...here.config.SECRET_RULES]], ['pii: true', here, [...here.config.REDACTION_RULES]]);

const redactRows = [];
for (const [textName, text] of Object.entries(texts)) {
  const kb = Buffer.byteLength(text) / 1024;
  const samples = sides.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    sides.forEach(([, mod, rules], i) => {
      const redactor = new mod.redact.Redactor(rules, []);
      samples[i].push(time(() => redactor.redact(text), 300) / kb);
    });
  }
  const row = { text: textName };
  sides.forEach(([name], i) => (row[`${name}, µs/KB`] = median(samples[i]).toFixed(2)));
  redactRows.push(row);
}

// ContentBuilder.build() of the 4 KB exchange: no rule, and each side's rules.
const capture = { system: true, input: true, output: true, tools: true };
const turn = 600;
const content = {
  input: [{ role: 'system', parts: [{ type: 'text', content: prose(400, 1) }] }, ...[2, 3, 4, 5].map((s, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', parts: [{ type: 'text', content: prose(turn, s) }] }))],
  output: [{ role: 'assistant', parts: [{ type: 'text', content: prose(turn, 6) }], finish_reason: 'stop' }],
  tools: [{ type: 'function', name: 'get_weather' }, { type: 'function', name: 'get_time' }],
};
const bytes = Buffer.byteLength(JSON.stringify([content.input, content.output, content.tools]));
const builds = [['no rule (redaction: false)', here, []], ...sides];
const buildSamples = builds.map(() => []);
const blobs = builds.map(([, mod]) => {
  const a = mod.arena.createArena(1 << 20);
  const w = new mod.writer.ContentWriter(a, capture, 1 << 20, 16, () => 0, () => undefined);
  return { data: a.data, len: w.encode(content, 'stop') };
});
for (let r = 0; r < ROUNDS; r++) {
  builds.forEach(([, mod, rules], i) => {
    const b = new mod.builder.ContentBuilder({ capture, maxContentBytes: 16_384, arenaBytes: 1 << 20, rules, patterns: [], scrub: undefined });
    buildSamples[i].push(time(() => b.build(blobs[i].data, 0, blobs[i].len), 300));
  });
}
const none = median(buildSamples[0]);
const buildRows = builds.map(([name], i) => {
  const us = median(buildSamples[i]);
  return { rules: name, 'build() µs a span': us.toFixed(1), 'redaction µs/KB': i === 0 ? '-' : ((us - none) / (bytes / 1024)).toFixed(2) };
});

const result = { bench: 'redaction', machine: machine(), rounds: ROUNDS, baseline: baseline === undefined ? null : process.argv[distArg + 1], exchangeBytes: bytes, redactRows, buildRows };
if (jsonOutput) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`machine: ${result.machine}${baseline === undefined ? '' : `; baseline ${result.baseline}`}`);
  print(`Redactor.redact() over 4 KB texts, µs per KB (medians of ${ROUNDS} alternating rounds of 300)`, redactRows, Object.keys(redactRows[0]));
  print(`ContentBuilder.build() of the ${bytes} B exchange; redaction's own cost = build() - build() with no rule`, buildRows, Object.keys(buildRows[0]));
}
