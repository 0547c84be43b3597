// `npm run bench`: runs the suites one after another (never two at once: they share two cores),
// each in its own process, and prints their tables; with --json, one JSON document.
import { spawn } from 'node:child_process';
import { jsonOutput } from './util.mjs';

const suites = ['hot-path.mjs', 'e2e.mjs', 'cpu.mjs', 'paired.mjs', 'worker-stages.mjs', 'pricing.mjs', 'metrics.mjs', 'content.mjs', 'instrument-cost.mjs', 'client-ab.mjs', 'gateway.mjs'];
const passThrough = process.argv.slice(2);
const results = [];
for (const suite of suites) {
  const child = spawn(process.execPath, [new URL(suite, import.meta.url).pathname, ...passThrough], {
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
