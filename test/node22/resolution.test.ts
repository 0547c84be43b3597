// The files under test/node22/ load their packages from test/node22/node_modules, not the root's:
// the newest majors, beside the older ones the rest of the suite keeps.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
/** The version of the copy of `name` that a file here imports (some packages do not export package.json). */
function version(name: string): string {
  const entry = require.resolve(name);
  const root = entry.slice(0, entry.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}/`.length);
  return (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
}
const major = (name: string): number => Number(version(name).split('.')[0]);

describe('test/node22 packages', () => {
  it('are the newest majors: openai 7, @google/genai 3, ai 7, OpenTelemetry API 1.10 and SDK 3', () => {
    expect(major('openai')).toBe(7);
    expect(major('@google/genai')).toBe(3);
    expect(major('ai')).toBe(7);
    expect(version('@opentelemetry/api')).toBe('1.10.0');
    expect(major('@opentelemetry/sdk-trace')).toBe(3);
  });
});
