// The disk spool's segments as one worker thread holds them: appending (written at once, synced
// in groups by sync.ts), the byte cap, adopting segments nobody holds, and the accounting of every
// record that leaves (accounting.ts). Worker only. The format is format.ts's, a held segment
// segment.ts's; replay.ts sends the records again.
//
// One spool directory serves one process (the main thread holds its lock file: main/spool-lock.ts)
// and all of its worker threads. Each worker appends only to segments it created, so no file has
// two writers; it replays the segments it holds, oldest first. Segments nobody holds, those of an
// earlier process or of a worker of this process that died, are adopted by renaming them into the
// adopter's name (a rename succeeds for one thread only), at start and when the main thread says a
// worker died. The cap (spoolMaxBytes) is over the whole directory (N_SPOOL_BYTES, shared); a
// worker makes room by dropping its own oldest segments (another worker's it cannot: its batch
// then fails spoolFull).
//
// Appends and their counting happen in one synchronous stretch (one writev of head and payload
// into the page cache, then the counters), as the drain loop's claims and settles do: a worker
// that dies between two stretches leaves every span counted exactly once (in flight ->
// workerCrash, or spooled in the file). The fdatasyncs come after, in groups, off this thread's
// way (sync.ts): the drain loop never waits on the disk itself.

import { closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { N_SPOOL_BYTES, N_SPOOL_CORRUPT, S_OWNER, slotWord } from '../../shared/layout.js';
import { SPOOL_DIR_MODE, SPOOL_FILE_MODE, type SpoolConfig, type UnsentRequest } from '../../shared/worker-config.js';
import {
  FLAG_COUNTS, FLAG_FOREIGN, FLAG_SETTLED, parseSegmentName, RECORD_HEAD_BYTES, RECORD_MAGIC, recordHead, segmentHeader, segmentName, settledTail, type RecordInfo,
} from './format.js';
import { countSettled, type Settled } from './accounting.js';
import { loadSegment, type Segment } from './segment.js';
import { GroupSync, syncDir } from './sync.js';

export type { Segment } from './segment.js';
export type { Settled } from './accounting.js';

/** A segment is closed (a new one started) past this size, a sixteenth of the cap, 64 KiB to 8 MiB. */
function segmentLimit(maxBytes: number): number {
  return Math.min(8 * 2 ** 20, Math.max(64 * 1024, Math.floor(maxBytes / 16)));
}

/** Least time between two "cannot be written" lines. */
const IO_SAY_MILLIS = 60_000;

export interface SpoolHost {
  counters: BigInt64Array;
  control: Int32Array;
  /** Counted destination names, in counter order. */
  names: readonly string[];
  slots: number;
  thread: number;
  log(message: string): void;
}

export interface KeepResult {
  /** Spans now on disk. */
  kept: number;
  /** The cap left no room for the rest. */
  full: boolean;
}

export class SpoolStore {
  readonly #config: SpoolConfig;
  readonly #host: SpoolHost;
  readonly #limit: number;
  /** Held segments, oldest first. */
  readonly queue: Segment[] = [];
  #seq = 0;
  #ioFailed = false;
  /** When the last "cannot be written" was said (performance.now()): at most once a minute. */
  #ioSaid = -Infinity;
  #markFailed = false;
  #syncFailed = false;
  readonly #sync: GroupSync;
  /** The segment replay marks records in, and its descriptor (markSettled). */
  #mark: { seg: Segment; fd: number } | undefined;

  constructor(config: SpoolConfig, host: SpoolHost) {
    this.#config = config;
    this.#host = host;
    this.#limit = segmentLimit(config.maxBytes);
    this.#sync = new GroupSync((err) => {
      if (!this.#syncFailed) host.log(`ractogateway: the spool in ${config.dir} cannot be synced to disk (${String(err)}); what it holds survives a crash of this process, not of the machine`);
      this.#syncFailed = true;
    });
    // Spooled spans are the gateway's data: its directory and segments are the owner's alone.
    mkdirSync(config.dir, { recursive: true, mode: SPOOL_DIR_MODE });
  }

  /** False once a write failed (a full disk, a directory read-only or gone), until one succeeds. */
  get writable(): boolean {
    return !this.#ioFailed;
  }

  /**
   * Appends the requests a destination could not deliver; their spans count as spooled only once
   * this returns (each record written; synced in groups). `counts`: the records carry the
   * batch's top-level books.
   */
  keep(dest: number, parts: UnsentRequest[], counts: boolean, foreign = false): KeepResult {
    let kept = 0;
    const flags = (counts ? FLAG_COUNTS : 0) | (foreign ? FLAG_FOREIGN : 0);
    // All of it inside the try (making room, opening, appending): keep never throws, it keeps less.
    try {
      for (const part of parts) {
        const head = recordHead(part.body, part.spans, flags);
        const size = head.length + part.body.length;
        if (!this.#makeRoom(size)) return { kept, full: true };
        const seg = this.#open(dest);
        this.#append(seg, head, part.body);
        seg.records.push({ at: seg.bytes, spans: part.spans, flags, length: part.body.length, damaged: false });
        seg.bytes += size;
        Atomics.add(this.#host.counters, N_SPOOL_BYTES, BigInt(size));
        if (seg.bytes >= this.#limit) this.close(seg);
        kept += part.spans;
      }
    } catch (err) {
      // Said once, then at most once a minute while writes keep failing (a disk that fills up
      // again as soon as a segment is freed would otherwise say it at every batch).
      if (performance.now() - this.#ioSaid >= IO_SAY_MILLIS) {
        this.#ioSaid = performance.now();
        this.#host.log(`ractogateway: the spool in ${this.#config.dir} cannot be written (${String(err)}); what it cannot take counts failed`);
      }
      this.#ioFailed = true;
      return { kept, full: false };
    }
    this.#ioFailed = false;
    return { kept, full: false };
  }

  /**
   * Writes a record (its head and payload, one writev) at the end of `seg`; the group commit
   * syncs it. On failure (a short write: the disk is full) the file is cut back to the records
   * it had and no longer appended to: what follows them on disk is exactly what `seg` knows.
   */
  #append(seg: Segment, head: Buffer, body: Uint8Array): void {
    const fd = seg.fd as number;
    const size = head.length + body.length;
    try {
      const written = writevSync(fd, [head, body]);
      if (written !== size) throw new Error(`short write: ${written} of ${size} bytes`);
      this.#sync.wrote(fd, size);
    } catch (err) {
      try {
        ftruncateSync(fd, seg.bytes);
      } catch {
        // Left as it is: a reader finds the tail's checksum wrong and counts it corrupt.
      }
      this.close(seg);
      throw err;
    }
  }

  /** This worker's open segment for `dest`, or a new one. */
  #open(dest: number): Segment {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const s = this.queue[i];
      if (s.fd !== undefined && s.dest === dest) return s;
    }
    const name = segmentName({ created: Date.now(), session: this.#config.session, thread: this.#host.thread, seq: this.#seq++ });
    const path = join(this.#config.dir, name);
    const header = segmentHeader(this.#config.session, this.#host.names[dest]);
    const fd = openSync(path, 'wx', SPOOL_FILE_MODE);
    try {
      if (writeSync(fd, header) !== header.length) throw new Error('short write of a segment header');
    } catch (err) {
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch {
        // Gone with its directory: nothing left to remove.
      }
      throw err;
    }
    this.#sync.wrote(fd, header.length);
    syncDir(this.#config.dir);
    const seg: Segment = { path, dest, destination: this.#host.names[dest], mine: true, bytes: header.length, records: [], next: 0, fd };
    Atomics.add(this.#host.counters, N_SPOOL_BYTES, BigInt(header.length));
    this.queue.push(seg);
    return seg;
  }

  /** Stops appending to `seg` (it is full, or replay reached it). */
  close(seg: Segment): void {
    const fd = seg.fd;
    if (fd === undefined) return;
    seg.fd = undefined;
    try {
      this.#sync.close(fd);
    } catch (err) {
      // Its records were written as they were appended: nothing of them is lost.
      this.#host.log(`ractogateway: spool segment ${seg.path} did not close (${String(err)})`);
    }
  }

  /** Drops this worker's oldest segments until `size` more bytes fit under the cap. */
  #makeRoom(size: number): boolean {
    const k = this.#host.counters;
    while (Number(Atomics.load(k, N_SPOOL_BYTES)) + size > this.#config.maxBytes) {
      // The oldest, even the one being replayed (replay.ts then drops the answer of the request
      // in hand: it counts spoolFull, though it may still reach the collector).
      const victim = this.queue.find((s) => s.records.length > s.next);
      if (victim === undefined) return false;
      this.close(victim);
      let spans = 0;
      while (victim.next < victim.records.length) {
        const r = victim.records[victim.next++];
        if ((r.flags & FLAG_SETTLED) !== 0) continue; // counted when it settled
        spans += r.spans;
        this.settle(victim, r, { delivered: 0, rejected: 0, tooLarge: 0, failed: r.spans, reason: 'spoolFull', kept: 0 });
      }
      this.#host.log(`ractogateway: spool over ${this.#config.maxBytes} bytes: dropped its oldest segment (${spans} spans, counted failed: spoolFull)`);
      this.remove(victim);
    }
    return true;
  }

  /** Deletes a segment whose records are all settled. */
  remove(seg: Segment): void {
    this.close(seg);
    if (this.#mark?.seg === seg) this.#releaseMark();
    try {
      unlinkSync(seg.path);
    } catch {
      // Already gone: nothing to free on disk.
    }
    Atomics.sub(this.#host.counters, N_SPOOL_BYTES, BigInt(seg.bytes));
    const i = this.queue.indexOf(seg);
    if (i >= 0) this.queue.splice(i, 1);
  }

  /**
   * Marks `r` SETTLED in its segment file (format.ts), written before its spans are counted and
   * synced with the next group: whoever reads the file next skips it. A file that cannot be
   * marked is said once; its record would then be sent again after a crash (at least once), never
   * lost.
   */
  markSettled(seg: Segment, r: RecordInfo): void {
    try {
      // One descriptor for the segment being replayed, kept across its records: one sync per group.
      if (this.#mark?.seg !== seg) {
        this.#releaseMark();
        this.#mark = { seg, fd: openSync(seg.path, 'r+') };
      }
      const fd = this.#mark.fd;
      const head = Buffer.alloc(RECORD_HEAD_BYTES);
      // Only a head that is still the record's (the file may have lost it): never write past the end.
      if (readSync(fd, head, 0, RECORD_HEAD_BYTES, r.at) !== RECORD_HEAD_BYTES || head.readUInt32LE(0) !== RECORD_MAGIC || head.readUInt32LE(8) !== r.spans) return;
      const tail = settledTail(head);
      if (writeSync(fd, tail, 0, tail.length, r.at + 12) !== tail.length) throw new Error('short write');
      this.#sync.wrote(fd, tail.length);
      this.#markFailed = false;
    } catch (err) {
      if (!this.#markFailed) this.#host.log(`ractogateway: spool segment ${seg.path} cannot mark replayed records (${String(err)}); after a crash they may be sent again`);
      this.#markFailed = true;
      this.#releaseMark();
    }
  }

  /** Closes the descriptor markSettled keeps (once its marks are synced). */
  #releaseMark(): void {
    const m = this.#mark;
    this.#mark = undefined;
    if (m === undefined) return;
    try {
      this.#sync.close(m.fd);
    } catch {
      // Its marks were written: a failed close loses none of them.
    }
  }

  /** Counts a record that leaves the spool (delivered, failed, or partly kept again): accounting.ts. */
  settle(seg: Segment, r: RecordInfo, s: Settled): void {
    countSettled(this.#host.counters, seg, r, s);
  }

  /** A record found damaged: skipped and counted. */
  corrupt(seg: Segment, r: RecordInfo): void {
    Atomics.add(this.#host.counters, N_SPOOL_CORRUPT, 1n);
    this.settle(seg, r, { delivered: 0, rejected: 0, tooLarge: 0, failed: r.spans, reason: 'spoolCorrupt', kept: 0 });
  }

  /**
   * Takes over the segments nobody holds: those of another session (an earlier process) and those
   * of a thread of this session that no longer holds a worker slot (it died). Returns how many.
   */
  adopt(): number {
    const live = new Set<number>();
    for (let slot = 0; slot < this.#host.slots; slot++) live.add(Atomics.load(this.#host.control, slotWord(slot, S_OWNER)));
    let files: string[];
    try {
      files = readdirSync(this.#config.dir).sort();
    } catch {
      return 0;
    }
    let adopted = 0;
    for (const file of files) {
      const n = parseSegmentName(file);
      if (n === undefined) continue;
      // The name says which process (session) and thread hold the file now.
      const ours = n.session === this.#config.session;
      if (ours && (n.thread === this.#host.thread || live.has(n.thread))) continue;
      const path = join(this.#config.dir, segmentName({ ...n, session: this.#config.session, thread: this.#host.thread, seq: this.#seq++ }));
      try {
        renameSync(join(this.#config.dir, file), path);
      } catch {
        continue; // another worker adopted it first
      }
      this.#take(path, ours);
      adopted++;
    }
    this.queue.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return adopted;
  }

  /** `counted`: held by this process before (a dead thread's), so its bytes are in N_SPOOL_BYTES. */
  #take(path: string, counted: boolean): void {
    const k = this.#host.counters;
    const loaded = loadSegment(path, this.#config.session, this.#host.names);
    if (loaded === undefined) return;
    // An earlier process's bytes join this one's books; a dead thread's are counted already.
    if (!counted) Atomics.add(k, N_SPOOL_BYTES, BigInt(loaded.seg.bytes));
    if (loaded.damaged) {
      Atomics.add(k, N_SPOOL_CORRUPT, 1n);
      this.#host.log(`ractogateway: spool segment ${path} has a damaged header; skipped`);
      this.remove(loaded.seg);
      return;
    }
    // A head that does not check ends the segment: one corrupt record, its spans unknown.
    if (loaded.brokenTail) Atomics.add(k, N_SPOOL_CORRUPT, 1n);
    this.queue.push(loaded.seg);
  }

  /** Closes the open segments (at the worker's stop), synced: what they hold stays for the next process. */
  async stop(): Promise<void> {
    for (const seg of this.queue) this.close(seg);
    this.#releaseMark();
    await this.#sync.stop();
  }
}
