// `ractogateway/register`: the zero-code start (issue 28). Main thread, once, when the process
// loads it: `node --import ractogateway/register app.js`, or NODE_OPTIONS="--import
// ractogateway/register". It only composes public pieces:
//
//   new RactoTracer() configured by the OpenTelemetry environment alone (options/env.ts), in its
//   lenient mode: a malformed variable is reported on stderr and left out, the tracer runs with
//   the rest (a typo in OTEL_BSP_SCHEDULE_DELAY must not stop a gateway from starting)
//   instrumentFetch(tracer): every LLM call the process makes over fetch is recorded (Node 24+)
//
// The end of the process (README, "Zero-code start"):
//   - it ends by itself (its event loop runs dry): the tracer's own 'beforeExit' exports what is
//     left and the process exits; nothing here keeps it alive;
//   - SIGTERM or SIGINT, and the application has no handler of its own for it: the tracer shuts
//     down (everything recorded is exported, bounded by shutdownTimeoutMillis), then the signal
//     is raised again with no handler left, so the process ends as the signal would have ended it
//     (exit status 128 + n, what supervisors expect); a second signal meanwhile ends it at once;
//   - the application handles the signal itself: it decides when to exit. We only flush, at once,
//     and leave the rest to it (an application that calls process.exit() right away may cut that
//     flush short: call `await tracer.flush()` first, the tracer is `globalThis[Symbol.for('ractogateway.tracer')]`).
//   - process.exit() with no signal: 'exit' listeners cannot wait, so records since the last
//     batch are lost; an application that exits so should let its event loop run dry instead.

import { isMainThread } from 'node:worker_threads';
import type { RactoTracer } from './index.js';

const warn = (message: string): void => {
  process.emitWarning(message, { type: 'RactoGatewayWarning', code: 'RACTO_REGISTER' });
};

/** The tracer `register` made, for an application that wants to flush it before its own exit. */
export const TRACER_KEY = Symbol.for('ractogateway.tracer');

async function start(): Promise<void> {
  // --import also runs in every worker thread (our piscina workers among them): only the main
  // thread records, and a worker imports nothing of ours from here (the tracer's modules load
  // piscina, which must first be loaded by the worker's own bootstrap).
  if (!isMainThread) return;
  const { RactoTracer } = await import('./index.js');
  const { instrumentFetch } = await import('./instrument/index.js');
  const { withEnvSource } = await import('./options/env.js');
  const registry = globalThis as unknown as Record<symbol, RactoTracer | undefined>;
  // Loaded twice (NODE_OPTIONS and --import): one tracer, one capture.
  if (registry[TRACER_KEY] !== undefined) return;
  let tracer: RactoTracer;
  try {
    tracer = new RactoTracer(withEnvSource({}, {
      onInvalid: (err) => warn(`ractogateway/register: ${err.message}; the variable is ignored`),
      onWarning: (message) => warn(`ractogateway/register: ${message}`),
    }));
  } catch (err) {
    // Not a reason to stop the application: it runs unrecorded, and says why.
    warn(`ractogateway/register: no tracer, calls are not recorded: ${String(err)}`);
    return;
  }
  registry[TRACER_KEY] = tracer;
  instrumentFetch(tracer);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) onSignal(signal, tracer);
}

function onSignal(signal: 'SIGTERM' | 'SIGINT', tracer: RactoTracer): void {
  let ending = false;
  const handler = (): void => {
    // Other listeners: the application handles this signal and decides when to exit.
    if (process.listenerCount(signal) > 1) {
      void tracer.flush();
      return;
    }
    if (ending) return reraise();
    ending = true;
    tracer.shutdown().then(reraise, reraise);
  };
  const reraise = (): void => {
    process.off(signal, handler);
    process.kill(process.pid, signal);
  };
  process.on(signal, handler);
}

await start();
