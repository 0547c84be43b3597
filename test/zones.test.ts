// The zone rules of the design (README, Design: where the code lives), read from the sources' own
// import statements: which folder of src/ may import which. A new import that crosses a line
// fails here with the file and the import named.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** src-relative path without extension, e.g. 'worker/otlp/request' or 'tracer'. */
const id = (abs: string): string => relative(SRC, abs).replace(/\.(ts|js)$/, '');
/** The zone of a module: its folder under src/, or the file itself at the top ('tracer', 'errors'). */
const zone = (m: string): string => m.split('/')[0]!;

interface Edge {
  from: string;
  to: string;
}

const edges: Edge[] = sources(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => ({
    from: id(file),
    to: id(normalize(join(dirname(file), m[1]!))),
  }));
});

// What each zone may import besides itself. 'errors' (the error classes and codes) is a leaf every
// zone may use; the top-level option modules are plain resolution code with no thread of their own.
const ALLOWED: Record<string, readonly string[]> = {
  pricing: ['errors'],
  shared: ['errors', 'pricing'],
  spans: ['errors', 'shared', 'pricing'],
  // The providers' JSON read into the GenAI conventions' shapes and our token counts: pure
  // functions of plain values with no thread of their own, so the wrappers (main thread) and the
  // wire parsers (workers) read a call with the same code. Imports only the messages types.
  providers: ['messages'],
  worker: ['errors', 'shared', 'spans', 'pricing', 'providers'],
  main: ['errors', 'shared', 'spans', 'pricing', 'messages', 'options'],
  options: ['errors', 'shared', 'spans', 'pricing'],
  instrument: ['errors', 'index', 'providers'],
  'ai-sdk': ['errors', 'index', 'instrument'],
};
// Single modules allowed across a line, each for a reason the README's design section gives.
const EXCEPTIONS: readonly Edge[] = [
  // One property load telling whether a context manager is registered: the wrappers skip the
  // API's lookup chain when none is (shared/otel-context.ts imports nothing).
  { from: 'instrument/call', to: 'shared/otel-context' },
];

const crossing = (e: Edge): boolean => zone(e.from) !== zone(e.to);
const allowed = (e: Edge): boolean =>
  ALLOWED[zone(e.from)]?.includes(zone(e.to)) === true || EXCEPTIONS.some((x) => x.from === e.from && x.to === e.to);

describe('zones', () => {
  it('reads the imports of every source file', () => {
    // The rules below are only as good as this parse: the known edges must be found.
    expect(edges).toContainEqual({ from: 'worker/drain', to: 'worker/otlp/index' });
    expect(edges).toContainEqual({ from: 'tracer', to: 'main/writer' });
    expect(edges.length).toBeGreaterThan(300);
  });

  it('keeps every zone to the zones below it', () => {
    const bad = edges.filter((e) => crossing(e) && e.from.includes('/') && !allowed(e));
    expect(bad).toEqual([]);
  });

  it('never lets main/ and worker/ import each other', () => {
    const bad = edges.filter((e) => (zone(e.from) === 'main' && zone(e.to) === 'worker') || (zone(e.from) === 'worker' && zone(e.to) === 'main'));
    expect(bad).toEqual([]);
  });

  it('lets only tracer.ts, the composition root, import the worker zone from outside it', () => {
    // The tracer runs the worker's content builder itself in in-memory mode (no pool there).
    const importers = new Set(edges.filter((e) => zone(e.to) === 'worker' && zone(e.from) !== 'worker').map((e) => e.from));
    expect([...importers]).toEqual(['tracer']);
  });

  it('enters worker/otlp/ only through its index', () => {
    const bad = edges.filter((e) => e.to.startsWith('worker/otlp/') && !e.from.startsWith('worker/otlp/') && e.to !== 'worker/otlp/index');
    expect(bad).toEqual([]);
  });
});
