// The messages between the processes of one host's metrics group (group.ts), and their framing on
// the group's Unix socket: a 4-byte big-endian length, then that many bytes of JSON. Worker thread
// (the metrics host of each process).
//
//   member -> aggregator   hello {labels}          once, on connecting: pid and service_instance_id
//                          report {id, metrics}    its metrics (process-metrics.ts): unasked every
//                                                  REPORT_INTERVAL_MILLIS when they changed (id 0),
//                                                  or answering a collect
//                          final {metrics}         at shutdown(): its last counts, then it leaves
//                          render {id}             its metricsText() wants the host-wide text
//                          retired {metrics}       counts handed over by an aggregator that shut down
//   aggregator -> member   collect {id, processes} a scrape wants everyone's current metrics (and
//                                                  says how many processes the group has)
//                          text {id, text}         the answer to render
//                          handoff {metrics}       at its shutdown(): its own and the exited processes' counts

import type { Socket } from 'node:net';
import type { Labels } from './families.js';
import type { ProcessMetrics } from './process-metrics.js';

export type GroupMessage =
  | { t: 'hello'; labels: Labels }
  | { t: 'report'; id: number; metrics: ProcessMetrics }
  | { t: 'final'; metrics: ProcessMetrics }
  | { t: 'render'; id: number }
  | { t: 'retired'; metrics: ProcessMetrics }
  | { t: 'collect'; id: number; processes: number }
  | { t: 'text'; id: number; text: string }
  | { t: 'handoff'; metrics: ProcessMetrics };

/** A frame longer than this is a protocol error (a peer that is not ours): the connection is closed. */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** Writes one message; false when the socket's buffer is full (it is still queued). */
export function writeFrame(socket: Socket, msg: GroupMessage): boolean {
  const body = Buffer.from(JSON.stringify(msg));
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  socket.cork();
  socket.write(head);
  const ok = socket.write(body);
  socket.uncork();
  return ok;
}

/** Cuts a byte stream into messages. */
export class FrameReader {
  #chunks: Buffer[] = [];
  #have = 0;
  readonly #onMessage: (msg: GroupMessage) => void;
  readonly #onError: (message: string) => void;

  constructor(onMessage: (msg: GroupMessage) => void, onError: (message: string) => void) {
    this.#onMessage = onMessage;
    this.#onError = onError;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#have += chunk.length;
    while (this.#have >= 4) {
      // The length first (its 4 bytes may span chunks), and the frame joined only once it is all
      // here: a large report arriving in many chunks is copied once, not once per chunk.
      if (this.#chunks[0].length < 4) this.#chunks = [Buffer.concat(this.#chunks, this.#have)];
      const length = this.#chunks[0].readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) {
        this.#onError(`a frame of ${length} bytes (more than ${MAX_FRAME_BYTES})`);
        this.#chunks = [];
        this.#have = 0;
        return;
      }
      if (this.#have < 4 + length) return;
      const all = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#have);
      const rest = all.subarray(4 + length);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#have = rest.length;
      let msg: GroupMessage;
      try {
        msg = JSON.parse(all.toString('utf8', 4, 4 + length)) as GroupMessage;
      } catch (err) {
        this.#onError(`a frame that is not JSON: ${String(err)}`);
        continue;
      }
      this.#onMessage(msg);
    }
  }
}
