// The package as a user installs it: `npm pack`, then a fresh app that installs the tarball
// beside its own OpenTelemetry packages (the newest that support Node 20, and older ones), runs a
// smoke script against a local receiver, and holds one copy of @opentelemetry/api and of the SDK.
// Uses the npm registry (and npm's cache); bounded by the timeouts below.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const INSTALL_MS = 240_000;

const SETS = {
  'the newest OpenTelemetry packages that support Node 20': ['@opentelemetry/api@1.9.0', '@opentelemetry/sdk-trace-base@2.12.1', '@opentelemetry/exporter-trace-otlp-http@0.223.1'],
  'older OpenTelemetry packages (SDK 2.0)': ['@opentelemetry/api@1.9.0', '@opentelemetry/sdk-trace-base@2.0.0', '@opentelemetry/exporter-trace-otlp-http@0.200.0'],
};

let dir = '';
let tarball = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'racto-pack-'));
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', dir], { cwd: root, timeout: 60_000 });
  tarball = join(dir, (JSON.parse(stdout) as { filename: string }[])[0].filename);
}, 90_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** The installed copies of package `name` in `app`, as `version` strings (npm query: one node per directory). */
async function copies(app: string, name: string): Promise<string[]> {
  const { stdout } = await run(npm, ['query', `[name="${name}"]`], { cwd: app, timeout: 60_000 });
  return (JSON.parse(stdout) as { version: string }[]).map((n) => n.version);
}

describe.each(Object.entries(SETS))('the packed tarball beside %s', (_, packages) => {
  let app = '';

  beforeAll(async () => {
    app = mkdtempSync(join(dir, 'app-'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'smoke-app', version: '1.0.0', private: true, type: 'module' }));
    await run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...packages], { cwd: app, timeout: INSTALL_MS });
    copyFileSync(join(root, 'test/fixtures/pack-smoke.mjs'), join(app, 'smoke.mjs'));
  }, INSTALL_MS + 10_000);

  it('installs without conflicts, with one copy of @opentelemetry/api and of the trace SDK, shared with the app', async () => {
    const { stdout } = await run(npm, ['ls', '--all', '--json'], { cwd: app, timeout: 60_000 });
    expect((JSON.parse(stdout) as { problems?: string[] }).problems ?? []).toEqual([]);
    const version = (spec: string) => spec.slice(spec.lastIndexOf('@') + 1);
    expect(await copies(app, '@opentelemetry/api')).toEqual([version(packages[0])]);
    expect(await copies(app, '@opentelemetry/sdk-trace-base')).toEqual([version(packages[1])]);
    expect(await copies(app, '@opentelemetry/core')).toHaveLength(1);
  }, 70_000);

  it('records a call to OTLP/HTTP protobuf and JSON, the app\'s own SDK exporter and memory, priced by genai-prices', async () => {
    const { stdout } = await run(process.execPath, ['smoke.mjs'], { cwd: app, timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({
      exported: [1, 1],
      protobufBytes: expect.any(Number),
      json: { model: 'gpt-4o', cost: 2.5, source: 'genai-prices' },
      sdkSpan: ['llm.chat', 2.5],
      inMemory: [2.5, 'genai-prices'],
      computeCost: 2.5,
    });
  }, 70_000);
});
