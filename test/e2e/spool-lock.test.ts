// The spool directory's lock (src/main/spool-lock.ts) between real processes racing for it.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('../fixtures/lock-race-child.mjs', import.meta.url));

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

async function race(dir: string, racers: number): Promise<string[]> {
  const at = Date.now() + 700;
  const procs = Array.from({ length: racers }, () => spawn(process.execPath, [child, dir, String(at)], { stdio: ['ignore', 'pipe', 'inherit'] }));
  try {
    return await Promise.all(procs.map(async (p) => {
      const [line] = (await once(p.stdout, 'data')) as [Buffer];
      return line.toString().trim();
    }));
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    await Promise.all(procs.map((p) => (p.exitCode === null && p.signalCode === null ? once(p, 'exit') : undefined)));
  }
}

describe('spool directory lock', () => {
  it('lets exactly one of several processes take over a stale lock at the same moment, and its pid is in the lock', async () => {
    for (let round = 0; round < 4; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'racto-lock-'));
      writeFileSync(join(dir, 'spool.lock'), `${deadPid()}\n`);
      const lines = await race(dir, 6);
      const winners = lines.filter((l) => l.startsWith('locked '));
      expect(winners, lines.join(', ')).toHaveLength(1);
      expect(readFileSync(join(dir, 'spool.lock'), 'utf8')).toBe(`${winners[0].slice('locked '.length)}\n`);
      // No temporary or moved-aside file is left behind.
      expect(readdirSync(dir)).toEqual(['spool.lock']);
    }
  }, 60_000);

  it('lets exactly one of several processes take a free directory at the same moment', async () => {
    for (let round = 0; round < 4; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'racto-lock-'));
      const lines = await race(dir, 6);
      expect(lines.filter((l) => l.startsWith('locked ')), lines.join(', ')).toHaveLength(1);
    }
  }, 60_000);
});
