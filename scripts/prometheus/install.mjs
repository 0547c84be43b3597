// Finds Debian's `prometheus` server on PATH, or installs it with apt-get (as root, or through
// passwordless sudo); anything else ends in an error that says what to install by hand.
import { spawnSync } from 'node:child_process';

const INSTALL_TIMEOUT_MS = 600_000;

function commandPath(name) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function ensurePrometheus() {
  const found = commandPath('prometheus');
  if (found !== undefined) return found;
  let prefix;
  if (process.getuid?.() === 0) {
    prefix = [];
  } else if (commandPath('sudo') !== undefined && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) {
    prefix = ['sudo', '-n'];
  } else {
    throw new Error('prometheus is not installed, and this user can neither run apt-get (not root) nor use passwordless sudo. ' +
      'Install it first (Debian/Ubuntu: `apt-get install prometheus` as root), then run this again.');
  }
  if (commandPath('apt-get') === undefined) {
    throw new Error('prometheus is not installed and apt-get is not available here: install the prometheus server (2.x) so it is on PATH, then run this again.');
  }
  const apt = (...args) => {
    const [cmd, ...rest] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
    console.log(`# ${[cmd, ...rest].join(' ')}`);
    const r = spawnSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], timeout: INSTALL_TIMEOUT_MS });
    return r.status === 0;
  };
  console.log('# prometheus not found: installing Debian\'s package');
  if (!apt('install', '-y', '-q', 'prometheus')) {
    // A fresh machine may not have the package lists yet.
    if (!apt('update', '-q') || !apt('install', '-y', '-q', 'prometheus')) {
      throw new Error('`apt-get install prometheus` failed (see its output above); install the prometheus server by hand and run this again.');
    }
  }
  const installed = commandPath('prometheus');
  if (installed === undefined) throw new Error('apt-get installed prometheus but no `prometheus` command is on PATH');
  return installed;
}
