// The runtime checks .ci/run runs on Bun and on Deno, where vitest does not: the built package
// (dist/) in memory, through the worker pool to real OTLP receivers, around its lifecycle, and
// the provider wrappers, /metrics and the disk spool.
//   bun test/runtimes/check.ts
//   deno run -A --sloppy-imports test/runtimes/check.ts
// Prints `ok - …` / `not ok - …` per check, then one line .ci/run reads:
//   runtime checks: N passed, M failed
// Exits 1 when a check failed. A part that throws outside its checks counts as one failure.
import { extraChecks } from './extras.js';
import { anyFailed, check, runtime, summary } from './harness.js';
import { lifecycleChecks } from './lifecycle.js';
import { memoryChecks } from './memory.js';
import { otlpChecks } from './otlp.js';

const { name, version } = runtime();
console.log(`# ${name} ${version}`);
for (const [part, run] of [['in-memory', memoryChecks], ['otlp', otlpChecks], ['lifecycle', lifecycleChecks], ['extras', extraChecks]] as const) {
  try {
    await run();
  } catch (err) {
    await check(`${part}: runs to its end`, () => {
      throw err;
    });
  }
}
console.log(summary());
process.exitCode = anyFailed() ? 1 : 0;
