// The spool's group commit: makes what store.ts wrote durable with one fdatasync per file every
// SYNC_INTERVAL_MILLIS, or sooner once SYNC_BYTES were written since the last one; never one per
// batch, and never on the drain loop's way: the fdatasyncs run on libuv's thread pool (fs
// callbacks), so draining the ring waits on nothing but the write into the page cache.
// Worker only.
//
// What that trades: a record counts as spooled once written (a process that dies, even by
// SIGKILL, leaves it in the kernel's page cache and so on disk); only a machine that loses power
// may lose the last interval's records. A file is closed once its last sync has ended (closing
// it while one runs could hand its number to another file mid-sync).

import { close, closeSync, fdatasync, fdatasyncSync, fsync, open } from 'node:fs';

/** Most time between a write and its fdatasync. */
export const SYNC_INTERVAL_MILLIS = 200;
/** Written bytes that start a group commit before the interval ends. */
export const SYNC_BYTES = 32 * 2 ** 20;

export class GroupSync {
  /** Files written since their last sync started. */
  readonly #dirty = new Set<number>();
  /** Syncs running, per file. */
  readonly #running = new Map<number, number>();
  /** Files to close once no sync of theirs runs. */
  readonly #closing = new Set<number>();
  #bytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #idle: (() => void) | undefined;
  readonly #failed: (err: Error) => void;

  /** `failed`: a sync that failed (what was written may not be durable). */
  constructor(failed: (err: Error) => void) {
    this.#failed = failed;
  }

  /** `bytes` were written to `fd`: they are synced with the next group. */
  wrote(fd: number, bytes: number): void {
    this.#dirty.add(fd);
    this.#bytes += bytes;
    if (this.#bytes >= SYNC_BYTES) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), SYNC_INTERVAL_MILLIS);
  }

  /** Closes `fd` after its writes are synced (at once when nothing of it waits). */
  close(fd: number): void {
    if (!this.#dirty.has(fd) && !this.#running.has(fd)) {
      closeSync(fd);
      return;
    }
    this.#closing.add(fd);
  }

  /** Starts a sync of every file written since its last one. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#bytes = 0;
    for (const fd of this.#dirty) {
      this.#running.set(fd, (this.#running.get(fd) ?? 0) + 1);
      fdatasync(fd, (err) => this.#synced(fd, err));
    }
    this.#dirty.clear();
  }

  #synced(fd: number, err: NodeJS.ErrnoException | null): void {
    if (err !== null) this.#failed(err);
    const left = (this.#running.get(fd) ?? 1) - 1;
    if (left > 0) {
      this.#running.set(fd, left);
      return;
    }
    this.#running.delete(fd);
    if (this.#closing.has(fd) && !this.#dirty.has(fd)) {
      this.#closing.delete(fd);
      close(fd, () => {});
    }
    if (this.#running.size === 0) this.#idle?.();
  }

  /** At the worker's stop: syncs what is left, waits for the syncs running, closes what waits to be. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const fd of this.#dirty) {
      try {
        fdatasyncSync(fd);
      } catch (err) {
        this.#failed(err as Error);
      }
    }
    this.#dirty.clear();
    if (this.#running.size > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    for (const fd of this.#closing) {
      try {
        closeSync(fd);
      } catch {
        // Already closed by the sync that ended last.
      }
    }
    this.#closing.clear();
  }
}

/**
 * Makes a new file's directory entry durable (Linux), on the thread pool like the group commit;
 * elsewhere (Windows, a directory gone) a no-op: the file's own sync is what we have.
 */
export function syncDir(dir: string): void {
  open(dir, 'r', (err, fd) => {
    if (err !== null) return;
    fsync(fd, () => close(fd, () => {}));
  });
}
