// `npm run bench`: runs the suites one after another (never two at once: they share two cores),
// each in its own process, and prints their tables; with --json, one JSON document.
// ai-sdk-cost.mjs needs Node 22 or later (the AI SDK 7) and test/node22's packages: it runs on this
// Node when it is 22+, else on the one NODE22 names (NODE22=/path/to/node npm run bench), else it
// is skipped with a note.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { jsonOutput } from './util.mjs';

const suites = ['hot-path.mjs', 'e2e.mjs', 'cold-start.mjs', 'idle.mjs', 'cpu.mjs', 'paired.mjs', 'worker-stages.mjs', 'wire-parse.mjs', 'pricing.mjs', 'metrics.mjs', 'content.mjs', 'redaction.mjs', 'instrument-cost.mjs', 'wrap-cost.mjs', 'client-ab.mjs',
  'gateway.mjs', 'ai-sdk-cost.mjs'];
const NEEDS_NODE22 = new Set(['ai-sdk-cost.mjs']);
const node22 = Number(process.versions.node.split('.')[0]) >= 22 ? process.execPath : process.env.NODE22;
const passThrough = process.argv.slice(2);
const results = [];
for (const suite of suites) {
  let node = process.execPath;
  if (NEEDS_NODE22.has(suite)) {
    if (node22 === undefined) {
      console.error(`bench/${suite} skipped: it needs Node 22 or later (run npm run bench on it, or set NODE22 to its binary)`);
      if (jsonOutput) results.push({ suite: suite.replace('.mjs', ''), skipped: 'needs Node 22 or later' });
      continue;
    }
    node = node22;
    const dir = new URL('../test/node22/', import.meta.url).pathname;
    if (!existsSync(`${dir}node_modules/.package-lock.json`)) execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const child = spawn(node, [new URL(suite, import.meta.url).pathname, ...passThrough], {
    stdio: ['ignore', jsonOutput ? 'pipe' : 'inherit', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) {
    console.error(`bench/${suite} exited with code ${code}`);
    process.exit(1);
  }
  if (jsonOutput) results.push(JSON.parse(out));
}
if (jsonOutput) console.log(JSON.stringify(results, null, 2));
