// The disk spool of one worker thread: what the drain loop and the worker's entry see of it.
// Worker only. store.ts keeps the segments (format.ts), replay.ts sends them again.

import { C_CLOSING } from '../../shared/layout.js';
import type { SpoolConfig, UnsentRequest } from '../../shared/worker-config.js';
import { Replayer, type Health, type Resend } from './replay.js';
import { SpoolStore, type KeepResult, type SpoolHost } from './store.js';

export class Spool {
  readonly #store: SpoolStore;
  readonly #replayer: Replayer;
  /** Destinations whose requests are being spooled: said once per outage, not per batch. */
  readonly #spooling = new Set<number>();
  readonly #host: SpoolHost;

  /** `health`: whether a destination is known down (its replay then probes it). */
  constructor(config: SpoolConfig, host: SpoolHost, resend: (dest: number) => Resend | undefined, health: (dest: number) => Health | undefined) {
    this.#host = host;
    this.#store = new SpoolStore(config, host);
    this.#replayer = new Replayer(host.control, this.#store, resend, () => Atomics.load(host.control, C_CLOSING) === 1, host.log, health);
  }

  /**
   * Whether batches can go to disk now: false once a write failed (a full disk, a directory
   * read-only or gone) until one succeeds. While false, a destination known down gets live
   * attempts again (and what they cannot deliver is tried here once more, then counted failed).
   */
  get writable(): boolean {
    return this.#store.writable;
  }

  /** Adopts the segments nobody holds (an earlier process's, a dead worker's) and replays them. */
  adopt(): void {
    this.#store.adopt();
    this.#replayer.kick();
  }

  /** Appends a destination's undelivered requests (synchronously written; synced in groups); see SpoolStore.keep. */
  keep(dest: number, parts: UnsentRequest[], counts: boolean): KeepResult {
    const r = this.#store.keep(dest, parts, counts);
    if (r.kept > 0 && !this.#spooling.has(dest)) {
      this.#spooling.add(dest);
      this.#host.log(`ractogateway: ${this.#host.names[dest]} does not answer; keeping its batches in the spool until it does`);
    }
    this.#replayer.kick(true);
    return r;
  }

  /** A live batch reached `dest`. */
  answered(dest: number): void {
    this.#spooling.delete(dest);
    this.#replayer.answered();
  }

  /** At the worker's stop: ends the replay in hand, closes the files; the rest stays on disk. */
  async stop(): Promise<void> {
    await this.#replayer.stop();
    await this.#store.stop();
  }
}
