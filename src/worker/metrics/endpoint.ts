// The GET /metrics server of a process's metrics host (alone, or as its host's aggregator). Worker
// thread: the rendering never runs on a gateway's event loop.
//
// A port another program holds is said once, naming the port and the cause, and tried again every
// RETRY_MILLIS: the tracer keeps recording, metricsText() keeps answering, and /metrics appears
// as soon as the port is free (also the moment a dead aggregator's port is released).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.js';
import { OPENMETRICS_CONTENT_TYPE, wantsOpenMetrics } from './openmetrics.js';

const RETRY_MILLIS = 1_000;

export interface EndpointDeps {
  port: number;
  host: string;
  /** The exposition: OpenMetrics 1.0 when `openMetrics` (the scraper's Accept asked for it), else the 0.0.4 text. */
  text(openMetrics: boolean): Promise<string>;
  /** The server listens (again) on `port`. */
  listening(port: number): void;
  log(level: 'warn' | 'error', message: string): void;
}

export class MetricsEndpoint {
  readonly #d: EndpointDeps;
  #server: Server | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(d: EndpointDeps) {
    this.#d = d;
  }

  /** Listens; rejects with an error naming the port and the cause, and keeps trying in the background. */
  async listen(): Promise<number> {
    try {
      return await this.#listenOnce();
    } catch (err) {
      const message = describeListenError(this.#d.host, this.#d.port, err);
      this.#retry = setInterval(() => void this.#listenOnce().then(() => clearInterval(this.#retry), () => undefined), RETRY_MILLIS);
      throw new Error(`${message}; trying again every ${RETRY_MILLIS / 1000} s`);
    }
  }

  #listenOnce(): Promise<number> {
    const d = this.#d;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
        return;
      }
      const open = wantsOpenMetrics(req.headers.accept);
      d.text(open).then(
        (body) => res.writeHead(200, { 'content-type': open ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE }).end(body),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
      );
    });
    return new Promise<number>((resolve, reject) => {
      if (this.#closed) return reject(new Error('closed'));
      server.once('error', reject);
      server.listen(d.port, d.host, () => {
        server.off('error', reject);
        if (this.#closed) {
          server.close();
          return reject(new Error('closed'));
        }
        server.on('error', (err) => d.log('error', `ractogateway: metrics server error: ${String(err)}`));
        this.#server = server;
        const port = (server.address() as AddressInfo).port;
        d.listening(port);
        resolve(port);
      });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#retry);
    const server = this.#server;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/** "prometheusPort 9464 on 127.0.0.1 is taken by another program (EADDRINUSE)", and the like. */
export function describeListenError(host: string, port: number, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `prometheusPort ${port} on ${host}`;
  if (code === 'EADDRINUSE') return `${where} is taken by another program (EADDRINUSE): /metrics is not served there`;
  if (code === 'EACCES') return `${where} may not be bound by this process (EACCES): /metrics is not served there`;
  return `${where} could not be bound: ${String(err)}`;
}
