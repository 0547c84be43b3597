// The package as a user installs it: `npm pack`, then fresh apps that install the tarball beside
// their own OpenTelemetry packages: JS 3.x as `npm i @opentelemetry/sdk-node` brings it today (on
// Node 22.15 and later, which 3.x needs) and 2.x (newest and oldest). Each app must install
// cleanly with one copy of the API and of its trace SDK (none of ours: we bring no SDK package),
// compile a TypeScript file that mixes its SDK's types with ours, and run a smoke script against
// a local receiver. Uses the npm registry (and npm's cache); bounded by the timeouts below.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const INSTALL_MS = 300_000;
const [major, minor] = process.versions.node.split('.').map(Number);
const otel3 = major > 22 || (major === 22 && minor >= 15);

interface AppSet {
  packages: string[];
  /** The trace SDK package the app holds, and its version. */
  sdk: [string, string];
  api: string;
}

const SETS: Record<string, AppSet> = {
  ...(otel3 ? {
    'OpenTelemetry JS 3.x (sdk-node 0.301, API 1.10)': {
      packages: ['@opentelemetry/sdk-node@0.301.0', '@opentelemetry/api@1.10.0', '@opentelemetry/sdk-trace@3.1.0',
        '@opentelemetry/context-async-hooks@3.1.0', '@opentelemetry/exporter-trace-otlp-http@0.301.0'],
      sdk: ['@opentelemetry/sdk-trace', '3.1.0'],
      api: '1.10.0',
    },
  } : {}),
  'OpenTelemetry JS 2.x, newest (SDK 2.12, API 1.9)': {
    packages: ['@opentelemetry/api@1.9.0', '@opentelemetry/sdk-trace-base@2.12.1', '@opentelemetry/context-async-hooks@2.12.0', '@opentelemetry/exporter-trace-otlp-http@0.223.1'],
    sdk: ['@opentelemetry/sdk-trace-base', '2.12.1'],
    api: '1.9.0',
  },
  ...(otel3 ? {} : {
    'OpenTelemetry JS 2.0 (SDK 2.0, API 1.9)': {
      packages: ['@opentelemetry/api@1.9.0', '@opentelemetry/sdk-trace-base@2.0.0', '@opentelemetry/context-async-hooks@2.0.0', '@opentelemetry/exporter-trace-otlp-http@0.200.0'],
      sdk: ['@opentelemetry/sdk-trace-base', '2.0.0'],
      api: '1.9.0',
    },
  }),
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

const typescript = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.typescript;

describe.each(Object.entries(SETS))('the packed tarball beside %s', (_, set) => {
  let app = '';

  beforeAll(async () => {
    app = mkdtempSync(join(dir, 'app-'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'smoke-app', version: '1.0.0', private: true, type: 'module' }));
    await run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...set.packages, `typescript@${typescript}`], { cwd: app, timeout: INSTALL_MS });
    copyFileSync(join(root, 'test/fixtures/pack-smoke.mjs'), join(app, 'smoke.mjs'));
  }, INSTALL_MS + 10_000);

  it('installs without conflicts, with one copy of the API and of the trace SDK, and no SDK package of ours', async () => {
    const { stdout } = await run(npm, ['ls', '--all', '--json'], { cwd: app, timeout: 60_000 });
    expect((JSON.parse(stdout) as { problems?: string[] }).problems ?? []).toEqual([]);
    expect(await copies(app, '@opentelemetry/api')).toEqual([set.api]);
    expect(await copies(app, set.sdk[0])).toEqual([set.sdk[1]]);
    // Beside 3.x nothing brings the 2.x SDK in; what ractogateway itself depends on is no SDK.
    if (set.sdk[0] === '@opentelemetry/sdk-trace') expect(await copies(app, '@opentelemetry/sdk-trace-base')).toEqual([]);
    const { stdout: ours } = await run(npm, ['ls', 'ractogateway', '--all', '--json'], { cwd: app, timeout: 60_000 });
    const deps = Object.keys((JSON.parse(ours) as { dependencies: Record<string, { dependencies?: object }> }).dependencies.ractogateway.dependencies ?? {});
    expect(deps.filter((d) => d.startsWith('@opentelemetry/'))).toEqual([]);
  }, 70_000);

  it('type-checks an app that mixes its SDK\'s span and exporter types with ours', async () => {
    const source = readFileSync(join(root, 'test/fixtures/pack-types.ts'), 'utf8').replace("'SDK_TRACE'", `'${set.sdk[0]}'`);
    writeFileSync(join(app, 'types.ts'), source);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: true, types: [] },
      files: ['types.ts'],
    }));
    const result = await run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, timeout: 60_000 }).then(
      () => '',
      (err: { stdout?: string }) => String(err.stdout),
    );
    expect(result).toBe('');
  }, 70_000);

  it('records a call inside the app\'s own span, to OTLP protobuf and JSON, the app\'s exporters and memory, priced by genai-prices', async () => {
    const { stdout } = await run(process.execPath, ['smoke.mjs', set.sdk[0]], { cwd: app, timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split('\n').pop() as string) as { request: { traceId: string; spanId: string } };
    const { traceId, spanId } = out.request;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const otlp = { model: 'gpt-4o', cost: 2.5, source: 'genai-prices', service: 'smoke-gateway', traceId, parentSpanId: spanId };
    expect(out).toEqual({
      sdkVersion: set.sdk[1],
      request: { traceId, spanId },
      appSpans: ['POST /v1/chat'],
      exported: [1, 1, 1],
      protobufBytes: expect.any(Number),
      json: { path: '/v1/traces', ...otlp },
      otlpTraceExporter: { path: '/sdk/v1/traces', ...otlp },
      inMemoryExporter: [{ name: 'llm.chat', cost: 2.5, provider: 'openai', service: 'smoke-gateway', traceId, parentSpanId: spanId, scope: 'ractogateway' }],
      inMemory: [2.5, 'genai-prices'],
      computeCost: 2.5,
    });
  }, 70_000);
});
