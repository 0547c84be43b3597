// vitest global setup on Node 22 and later: installs test/node22/'s packages from its lockfile when
// they are missing, so `npm test` on a fresh clone needs no other command. An install that fails
// fails the run (the files under test/node22/ would not load).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));

export default function setup(): void {
  if (existsSync(`${dir}node_modules/.package-lock.json`)) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
}
