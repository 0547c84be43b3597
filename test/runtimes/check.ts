// The runtime checks .ci/run runs on Bun and on Deno, where vitest does not: the packed package
// (test/runtimes/pkg.ts) in memory, through the worker pool to real OTLP receivers, around its lifecycle, and
// the provider wrappers, /metrics and the disk spool.
//   npm run build && bash test/runtimes/unpack.sh   (once per build)
//   bun test/runtimes/check.ts
//   deno run -A --unstable-sloppy-imports test/runtimes/check.ts
// Prints `ok - …` / `not ok - …` per check, then one line .ci/run reads:
//   runtime checks: N passed, M failed
// Exits 1 when a check failed. A part that throws outside its checks (or fails to load) counts as
// one failure.
import { anyFailed, check, runtime, summary } from './harness.js';

const { name, version } = runtime();
console.log(`# ${name} ${version}`);
// Each part is loaded when it runs, so that one whose imports fail on this runtime (a provider
// SDK, say) is one failure and the others still run.
const parts = {
  'in-memory': async () => (await import('./memory.js')).memoryChecks(),
  otlp: async () => (await import('./otlp.js')).otlpChecks(),
  lifecycle: async () => (await import('./lifecycle.js')).lifecycleChecks(),
  instrument: async () => (await import('./instrument.js')).instrumentChecks(),
  extras: async () => (await import('./extras.js')).extraChecks(),
};
for (const [part, run] of Object.entries(parts)) {
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
