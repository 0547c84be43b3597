// One process of the host-wide /metrics group of scripts/prometheus/group.mjs: a RactoTracer on the
// group's prometheusPort (argv port, socket dir) that records the run's set of calls (calls.mjs)
// once, prints `ready <pid>`, and records it once more at each `record` line on stdin (`recorded`).
import { createInterface } from 'node:readline';
import { RactoTracer } from '../../dist/index.js';
import { record } from './calls.mjs';

const [port, dir] = process.argv.slice(2);
const tracer = new RactoTracer({
  prometheusPort: Number(port), metricsSocketDir: dir, attributeKeys: ['tenant'], metricAttributes: ['tenant'], scheduledDelayMillis: 50,
});
await tracer.ready();
record(tracer);
await tracer.flush();
process.stdout.write(`ready ${process.pid}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'record') continue;
  record(tracer);
  await tracer.flush();
  process.stdout.write('recorded\n');
}
