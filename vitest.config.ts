import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// test/node22/ runs against packages that need Node 22 or later (the newest provider SDKs, the AI
// SDK, OpenTelemetry JS 3.x), installed in that folder from its own lockfile; on an older Node
// those files are left out, and the rest of the suite runs on the root's packages.
//
// On Node 22 and later the instrument tests run twice: once against the provider SDK majors of
// the root's devDependencies (the "node" project) and once against test/node22's newest majors
// (the "newest-sdks" project), the same files with those SDKs' imports resolved from there.
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const modern = NODE_MAJOR >= 22;

/** The provider SDKs whose newest majors test/node22 holds. */
const PROVIDER_SDKS = ['openai', '@anthropic-ai/sdk', '@google/genai'];
const NODE22_DIR = fileURLToPath(new URL('./test/node22/', import.meta.url));

/**
 * Resolves the provider SDKs (and their subpaths) as a file in test/node22 would, so the test
 * files load test/node22/node_modules' copies; every other import keeps the root's packages.
 */
function newestProviderSdks(): Plugin {
  const importer = `${NODE22_DIR}resolution.test.ts`;
  return {
    name: 'ractogateway:newest-provider-sdks',
    enforce: 'pre',
    resolveId(source, _from, options) {
      if (!PROVIDER_SDKS.some((name) => source === name || source.startsWith(`${name}/`))) return null;
      return this.resolve(source, importer, { ...options, skipSelf: true });
    },
  };
}

/** The provider SDK versions a package.json pins (the instrument tests check that they are the ones loaded). */
function providerSdkVersions(packageJson: string, field: 'dependencies' | 'devDependencies'): Record<string, string> {
  const deps = (JSON.parse(readFileSync(new URL(packageJson, import.meta.url), 'utf8')) as Record<string, Record<string, string>>)[field]!;
  return Object.fromEntries(PROVIDER_SDKS.map((name) => [name, deps[name]!]));
}

export default defineConfig({
  test: {
    globalSetup: modern ? ['test/node22/install.ts'] : [],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Worker pools and local receivers share two cores: run test files one at a time.
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: modern ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/node22/**'],
          provide: { providerSdks: providerSdkVersions('./package.json', 'devDependencies') },
        },
      },
      ...(modern ? [{
        extends: true,
        plugins: [newestProviderSdks()],
        test: {
          name: 'newest-sdks',
          include: ['test/instrument/*.test.ts', 'test/worker/wire/sdk-parity.test.ts'],
          provide: { providerSdks: providerSdkVersions('./test/node22/package.json', 'dependencies') },
        },
      }] : []),
    ],
  },
});
