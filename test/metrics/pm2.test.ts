// Host-wide /metrics under PM2's cluster mode (issue 30): the real `pm2` CLI starts 3 instances of
// one app (`-i 3`), each with its own RactoTracer on one prometheusPort; every scrape must equal
// the sum of their calls. PM2 runs with a private PM2_HOME in a temp dir, and its daemon is killed
// at the end.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, removeSocketDirs, scrape, socketDir } from './group-helpers.js';

const run = promisify(execFile);
const PM2 = join(createRequire(import.meta.url).resolve('pm2/package.json'), '..', 'bin', 'pm2');
const APP = fileURLToPath(new URL('../fixtures/metrics-pm2-app.mjs', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'racto-pm2-'));

function pm2(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string }> {
  return run(process.execPath, [PM2, ...args], { env: { ...process.env, ...env, PM2_HOME: home }, timeout: 60_000 });
}

afterAll(async () => {
  await pm2(['kill']).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
  removeSocketDirs();
});

describe('host-wide /metrics under PM2 cluster mode', () => {
  it('pm2 start -i 3: every scrape equals the sum of the 3 instances\' calls', async () => {
    const port = await freePort();
    const done = mkdtempSync(join(tmpdir(), 'racto-pm2-done-'));
    await pm2(['start', APP, '-i', '3', '--name', 'racto-group', '--no-autorestart', '--interpreter', process.execPath],
      { PORT: String(port), SOCKET_DIR: socketDir(), DONE_DIR: done });
    const deadline = Date.now() + 45_000;
    while (readdirSync(done).length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const marks = readdirSync(done);
    expect(marks).toHaveLength(3);
    const total = marks.reduce((a, f) => a + Number(readFileSync(join(done, f), 'utf8')), 0);
    expect(total).toBe(600);
    for (let i = 0; i < 5; i++) {
      const s = await scrape(port);
      expect(s).toMatchObject({ requests: total, inputTokens: 3 * total, processes: 3 });
      expect(s.ringFillPids).toEqual(marks.slice().sort());
    }
    await pm2(['delete', 'racto-group']);
    rmSync(done, { recursive: true, force: true });
  }, 90_000);
});
