import { defineConfig } from 'vitest/config';

// test/node22/ runs against packages that need Node 22 or later (the newest provider SDKs, the AI
// SDK, OpenTelemetry JS 3.x), installed in that folder from its own lockfile; on an older Node
// those files are left out, and the rest of the suite runs on the root's packages.
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const modern = NODE_MAJOR >= 22;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: modern ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/node22/**'],
    globalSetup: modern ? ['test/node22/install.ts'] : [],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Worker pools and local receivers share two cores: run test files one at a time.
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
  },
});
