// The disk spool's directory lock: one process per spool directory. Main thread, at construction
// and shutdown (the workers write the segments: worker/spool/).
//
// The lock is a file, `spool.lock`, created exclusively (O_EXCL) and holding the owner's pid.
// A lock whose pid is not a running process (a process that was killed) is stale and taken over;
// so is one holding this process's own pid that no tracer of this process holds (a container
// restarted with the same pid). A pid reused by an unrelated process keeps the directory locked
// until that lock file is removed by hand; the error says which file.

import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RactoError } from '../errors.js';

const LOCK_FILE = 'spool.lock';
/** Spool directories locked by tracers of this process. */
const held = new Set<string>();

export interface SpoolLock {
  dir: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `dir`'s lock (creating the directory), or throws RactoError RACTO_ERR_SPOOL_LOCKED. */
export function lockSpoolDir(dir: string): SpoolLock {
  const abs = resolve(dir);
  const path = join(abs, LOCK_FILE);
  if (held.has(abs)) {
    throw new RactoError('RACTO_ERR_SPOOL_LOCKED', `options.spoolDir ${abs} is in use by another tracer of this process; give each tracer its own directory`);
  }
  mkdirSync(abs, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    let pid = Number.NaN;
    try {
      pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    } catch {
      // Removed meanwhile, or unreadable: treated as stale below.
    }
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new RactoError('RACTO_ERR_SPOOL_LOCKED', `options.spoolDir ${abs} is in use by process ${pid} (lock file ${path}); one process per spool directory`);
    }
    // Stale: its process is gone.
    try {
      unlinkSync(path);
    } catch {
      // Another process took it over first: the exclusive create above decides.
    }
  }
  held.add(abs);
  return {
    dir: abs,
    release(): void {
      held.delete(abs);
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    },
  };
}
