// A member of a host's metrics group: a process connected to the aggregator's Unix socket
// (group-socket.ts). It says who it is, answers the aggregator's collects with its families,
// reports them unasked every REPORT_INTERVAL_MILLIS when they changed (so a killed process loses
// at most that interval's counts), and sends its final counts at shutdown(). Worker thread (the
// metrics host of the process).

import type { Socket } from 'node:net';
import type { Labels } from './families.js';
import { FrameReader, writeFrame, type GroupMessage } from './frames.js';
import type { ProcessMetrics } from './process-metrics.js';

/** Between two unasked reports: what a killed member can lose at most (documented: ≤ 1 s). */
export const REPORT_INTERVAL_MILLIS = 1_000;
/** How long metricsText() in a member waits for the aggregator's text. */
const RENDER_WAIT_MILLIS = 3_000;
/** How long shutdown() waits for the aggregator to take the final counts and close. */
const STOP_WAIT_MILLIS = 1_000;

export interface MemberDeps {
  own(): Promise<ProcessMetrics>;
  /** Something was recorded or drained since the last call (cheap: shared counters). */
  changed(): boolean;
  labels: Labels;
  /** The connection ended while this process was not stopping: the group needs a new aggregator. */
  lost(): void;
  /** Counts an aggregator handed over at its shutdown (for the next aggregator). */
  handoff(metrics: ProcessMetrics): void;
  log(level: 'warn' | 'error', message: string): void;
}

export class Member {
  readonly #d: MemberDeps;
  readonly #socket: Socket;
  readonly #timer: NodeJS.Timeout;
  #stopping = false;
  /** The group's size as the aggregator last said (0: not said yet). */
  processes = 0;
  #nextId = 1;
  readonly #renders = new Map<number, (text: string | undefined) => void>();

  constructor(socket: Socket, d: MemberDeps) {
    this.#d = d;
    this.#socket = socket;
    const reader = new FrameReader((msg) => this.#onMessage(msg), (problem) => {
      d.log('warn', `ractogateway: the metrics group's aggregator sent ${problem}; reconnecting`);
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(this.#timer);
      for (const answer of this.#renders.values()) answer(undefined);
      this.#renders.clear();
      if (!this.#stopping) d.lost();
    });
    this.#send({ t: 'hello', labels: d.labels });
    void this.#report(0);
    this.#timer = setInterval(() => {
      if (d.changed()) void this.#report(0);
    }, REPORT_INTERVAL_MILLIS);
    this.#timer.unref();
  }

  #send(msg: GroupMessage): void {
    if (!this.#socket.destroyed) writeFrame(this.#socket, msg);
  }

  async #report(id: number): Promise<void> {
    try {
      const metrics = await this.#d.own();
      if (!this.#stopping) this.#send({ t: 'report', id, metrics });
    } catch (err) {
      this.#d.log('warn', `ractogateway: this process's metrics could not be gathered for the host's /metrics: ${String(err)}`);
    }
  }

  #onMessage(msg: GroupMessage): void {
    switch (msg.t) {
      case 'collect':
        this.processes = msg.processes;
        void this.#report(msg.id);
        return;
      case 'text':
        this.#renders.get(msg.id)?.(msg.text);
        this.#renders.delete(msg.id);
        return;
      case 'handoff':
        this.#d.handoff(msg.metrics);
        return;
      default:
        return;
    }
  }

  /** Counts handed over by an earlier aggregator, for this one to keep. */
  retire(metrics: ProcessMetrics): void {
    this.#send({ t: 'retired', metrics });
  }

  /** The host-wide text from the aggregator; undefined when it does not answer in time. */
  render(): Promise<string | undefined> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#renders.delete(id);
        resolve(undefined);
      }, RENDER_WAIT_MILLIS);
      this.#renders.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      this.#send({ t: 'render', id });
    });
  }

  /** At shutdown(): the final counts, then the connection ends (nothing is lost). */
  async stop(final: ProcessMetrics): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#send({ t: 'final', metrics: final });
    await new Promise<void>((resolve) => {
      if (this.#socket.destroyed) return resolve();
      // The aggregator closes its side on our end; a stuck one does not hold shutdown() long.
      const timer = setTimeout(() => this.#socket.destroy(), STOP_WAIT_MILLIS);
      this.#socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.#socket.end();
    });
  }
}
