// A small check runner for the runtime legs of .ci/run (Bun, Deno), where vitest does not run:
// named checks that each pass or fail (an assertion from node:assert, or anything thrown), a
// count of both, and the one summary line .ci/run reads. Also: which runtime this is, and how to
// run another script in it (for the checks that watch a process exit).
import { spawn } from 'node:child_process';

declare const Deno: { version: { deno: string } } | undefined;

/** 'bun', 'deno' or 'node', and its version. */
export function runtime(): { name: string; version: string } {
  if (typeof Deno !== 'undefined') return { name: 'deno', version: Deno.version.deno };
  const bun = (process.versions as Record<string, string | undefined>)['bun'];
  if (bun !== undefined) return { name: 'bun', version: bun };
  return { name: 'node', version: process.versions.node };
}

let passed = 0;
let failed = 0;

/** Runs one check: it passes when `body` resolves, fails when it throws or rejects. */
export async function check(name: string, body: () => unknown): Promise<boolean> {
  try {
    await body();
    passed++;
    console.log(`ok - ${name}`);
    return true;
  } catch (err) {
    failed++;
    // The message and where it came from: the first lines of the stack say which runtime API failed.
    const message = err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 8).join('\n') : String(err);
    console.log(`not ok - ${name}\n  ${message.split('\n').join('\n  ')}`);
    return false;
  }
}

/** Counts a check that could not run (its part failed before it), with the reason. */
export function skippedAsFailed(name: string, reason: string): void {
  failed++;
  console.log(`not ok - ${name}\n  not run: ${reason}`);
}

/** The line .ci/run reads (the last one this process prints). */
export function summary(): string {
  return `runtime checks: ${passed} passed, ${failed} failed`;
}

export function anyFailed(): boolean {
  return failed > 0;
}

/** Polls `ready` every 10 ms until it holds or `ms` passed; returns whether it held. */
export async function waitFor(ready: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

export interface Exited {
  /** Exit code, or null when it was killed after `timeoutMs` (it hung). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` (with `args`) in this runtime, as a separate process; kills it after `timeoutMs`.
 * On Deno, RACTO_DENO_FLAGS (space-separated) are passed on too, e.g. `--unstable-broadcast-channel`
 * for the Deno versions that need it.
 */
export function runScript(script: string, args: string[], timeoutMs: number): Promise<Exited> {
  const extra = (process.env['RACTO_DENO_FLAGS'] ?? '').split(' ').filter((f) => f.length > 0);
  const flags = runtime().name === 'deno' ? ['run', '-A', '--unstable-sloppy-imports', ...extra] : [];
  const child = spawn(process.execPath, [...flags, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => {
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: hung ? null : code, stdout, stderr });
    });
  });
}
