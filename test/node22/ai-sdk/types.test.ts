// The published types: what aiSdkTelemetry() returns type-checks as the AI SDK's own `Telemetry`
// (compiled with the repository's TypeScript against test/node22's `ai`, strict).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const fixture = fileURLToPath(new URL('./fixtures/typed.ts', import.meta.url));

describe('ractogateway/ai-sdk types', () => {
  it('are accepted by registerTelemetry() and telemetry.integrations under strict TypeScript', () => {
    const run = (): string => execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
      '--target', 'ES2022', '--skipLibCheck', fixture], { encoding: 'utf8' });
    expect(run).not.toThrow();
  });
});
