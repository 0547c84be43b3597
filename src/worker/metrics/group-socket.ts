// Who aggregates a host's metrics: the process whose metrics worker listens on the Unix socket next
// to the port (`<metricsSocketDir>/ractogateway-metrics-<port>.sock`); every other process of the
// host that asks for the same port connects to it. Worker thread (the metrics host of a process).
//
// Listening on a socket path is itself the election: the kernel lets one process bind it. A killed
// aggregator leaves its socket file behind (connecting gets ECONNREFUSED); removing that stale file
// is the one step two processes could race on (one removing the socket the other just bound), so
// it is done under a lock file (`.lock`, created with O_EXCL; one older than LOCK_STALE_MILLIS
// belongs to a process that died holding it). On Windows the path is a named pipe, which dies with
// its process: nothing is ever stale.

import { chmodSync } from 'node:fs';
import { open, stat, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

/** A lock file older than this was left by a process that died while removing a stale socket. */
const LOCK_STALE_MILLIS = 5_000;
/** Tries before giving up (each one after another process's move: a few suffice). */
const CLAIM_TRIES = 50;

export type Claim = { role: 'aggregator'; server: Server } | { role: 'member'; socket: Socket };

/** The group's socket path for `port`. */
export function groupSocketPath(dir: string, port: number): string {
  if (process.platform === 'win32') return `\\\\.\\pipe\\ractogateway-metrics-${port}`;
  return join(dir, `ractogateway-metrics-${port}.sock`);
}

function errno(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

function listen(path: string, onConnection: (s: Socket) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(onConnection);
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      // The group's numbers are the gateway's: only processes of the same user may join or read them.
      if (process.platform !== 'win32') chmodSync(path, 0o600);
      resolve(server);
    });
  });
}

function dial(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/**
 * Becomes the group's aggregator (listening on `path`) or a member (connected to it). Rejects with
 * the system's error when the path cannot be used at all (a directory that is missing or not
 * writable: EACCES, ENOENT, ...).
 */
export async function claimGroup(path: string, onConnection: (s: Socket) => void): Promise<Claim> {
  let last: unknown;
  for (let tries = 0; tries < CLAIM_TRIES; tries++) {
    try {
      return { role: 'aggregator', server: await listen(path, onConnection) };
    } catch (err) {
      if (errno(err) !== 'EADDRINUSE') throw err;
      last = err;
    }
    try {
      return { role: 'member', socket: await dial(path) };
    } catch (err) {
      // ENOENT: the aggregator closed between the two steps; ECONNREFUSED: a stale socket file.
      if (errno(err) === 'ENOENT') continue;
      if (errno(err) !== 'ECONNREFUSED' || process.platform === 'win32') throw err;
      last = err;
    }
    const claimed = await removeStale(path, onConnection);
    if (claimed !== undefined) return claimed;
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
  }
  throw last;
}

/** Under the lock: if the socket is still dead, removes it and listens. Undefined: try again. */
async function removeStale(path: string, onConnection: (s: Socket) => void): Promise<Claim | undefined> {
  const lockPath = `${path}.lock`;
  let lock;
  try {
    lock = await open(lockPath, 'wx', 0o600);
  } catch (err) {
    if (errno(err) !== 'EEXIST') throw err;
    const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > LOCK_STALE_MILLIS) await unlink(lockPath).catch(() => undefined);
    return undefined;
  }
  try {
    await lock.writeFile(String(process.pid));
    // Someone may have replaced the stale socket before this process took the lock.
    const live = await dial(path).catch(() => undefined);
    if (live !== undefined) return { role: 'member', socket: live };
    await unlink(path).catch((err: unknown) => {
      if (errno(err) !== 'ENOENT') throw err;
    });
    // Another process may bind the freed path first: then this one tries again, and joins it.
    return await listen(path, onConnection).then(
      (server): Claim => ({ role: 'aggregator', server }),
      (err: unknown) => {
        if (errno(err) === 'EADDRINUSE') return undefined;
        throw err;
      },
    );
  } finally {
    await lock.close();
    await unlink(lockPath).catch(() => undefined);
  }
}
