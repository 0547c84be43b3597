// The disk spool's directory lock: one process per spool directory. Main thread, at construction
// and shutdown (the workers write the segments: worker/spool/).
//
// The lock is a file, `spool.lock`, holding the owner's pid. It is created with its content in
// one step: the pid is written to a temporary file that is then hard-linked as `spool.lock` (a
// link fails if the name exists), so no process ever reads a lock half written.
// A lock whose pid is not a running process (a process that was killed) is stale and taken over;
// so is one holding this process's own pid that no tracer of this process holds (a container
// restarted with the same pid), and one whose content is not a pid (written by hand). Taking over
// renames the stale lock to a name of its own first and checks that the file renamed still holds
// the stale pid: two processes taking over at once never remove the lock one of them just made.
// A pid reused by an unrelated process keeps the directory locked until that lock file is removed
// by hand; the error says which file.

import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diag } from '@opentelemetry/api';
import { RactoError } from '../errors.js';
import { SPOOL_DIR_MODE, SPOOL_FILE_MODE } from '../shared/worker-config.js';

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

/**
 * A directory that existed before, open to the group or others (segments of an older version
 * were written 0644): made the owner's alone, as a new one is created. Said when that fails.
 */
function ownerOnly(dir: string): void {
  try {
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, SPOOL_DIR_MODE);
  } catch (err) {
    diag.warn(`ractogateway: options.spoolDir ${dir} stays readable by others: ${(err as Error).message}`);
  }
}

/** Takes `dir`'s lock (creating the directory), or throws RactoError RACTO_ERR_SPOOL_LOCKED. */
export function lockSpoolDir(dir: string): SpoolLock {
  const abs = resolve(dir);
  const path = join(abs, LOCK_FILE);
  if (held.has(abs)) {
    throw new RactoError('RACTO_ERR_SPOOL_LOCKED', `options.spoolDir ${abs} is in use by another tracer of this process; give each tracer its own directory`);
  }
  mkdirSync(abs, { recursive: true, mode: SPOOL_DIR_MODE });
  ownerOnly(abs);
  const mine = `${process.pid}\n`;
  for (let attempt = 0; ; attempt++) {
    if (create(abs, path, mine)) break;
    if (attempt >= 4) throw new RactoError('RACTO_ERR_SPOOL_LOCKED', `options.spoolDir ${abs}: its lock file ${path} keeps changing; another process is taking it`);
    const content = read(path);
    if (content === undefined) continue; // removed meanwhile: try again
    const pid = Number.parseInt(content, 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new RactoError('RACTO_ERR_SPOOL_LOCKED', `options.spoolDir ${abs} is in use by process ${pid} (lock file ${path}); one process per spool directory`);
    }
    // Stale: moved aside under a name of this attempt's own, then checked to be the file read.
    const aside = join(abs, `${LOCK_FILE}.${process.pid}-${randomBytes(6).toString('hex')}.stale`);
    try {
      renameSync(path, aside);
    } catch {
      continue; // another process moved it first
    }
    if (read(aside) === content) {
      unlinkSync(aside);
      continue;
    }
    // Not the stale lock: another process's fresh one, put back (unless a third holds the name now).
    try {
      linkSync(aside, path);
    } catch {
      // The name is taken again: that lock decides on the next attempt.
    }
    unlinkSync(aside);
  }
  held.add(abs);
  return {
    dir: abs,
    release(): void {
      held.delete(abs);
      // Only a lock that is still this process's (one taken over by hand is left alone).
      if (read(path) !== mine) return;
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    },
  };
}

/** Creates the lock holding `content` in one step; false when the lock exists. */
function create(dir: string, path: string, content: string): boolean {
  const tmp = join(dir, `${LOCK_FILE}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(tmp, content, { flag: 'wx', mode: SPOOL_FILE_MODE });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  } finally {
    unlinkSync(tmp);
  }
}

/** The lock file's content, or undefined when it is gone. */
function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
