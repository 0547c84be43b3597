// Secrets stay out of error messages, log lines and world-readable files: a URL's credentials
// are masked wherever a value is echoed or logged, and the disk spool is the owner's alone.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { RactoTracer } from './pkg.js';
import { refusedUrl } from './instrument/fakes/server.js';

const PASSWORD = 'hunter2-s3cret';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('did not throw');
}

describe('URL credentials', () => {
  it.each([
    ['otlpHttpEndpoint', { otlpHttpEndpoint: `ftp://collector:${PASSWORD}@example.com:4318` }, 'options.otlpHttpEndpoint must be an http:// or https:// URL (received "ftp://***@example.com:4318")'],
    ['otlpEndpoint', { otlpEndpoint: `collector:${PASSWORD}@bad host:4317` }, 'options.otlpEndpoint must be a valid URL (received "***@bad host:4317")'],
    ['otlpMetricsEndpoint', { otlpMetricsEndpoint: `ws://u:${PASSWORD}@example.com` }, 'options.otlpMetricsEndpoint must be an http:// or https:// URL (received "ws://***@example.com")'],
    ['refreshPrices', { refreshPrices: `ftp://u:${PASSWORD}@mirror.example/prices.json` }, 'options.refreshPrices must be a boolean or an http(s) URL (received "ftp://***@mirror.example/prices.json")'],
  ])('are masked in the error for an invalid %s', (_name, options, message) => {
    const err = thrown(() => new RactoTracer(options as never));
    expect(err.message).toBe(message);
    expect(err.message).not.toContain(PASSWORD);
  });

  it('are masked even when the password holds an @', () => {
    const err = thrown(() => new RactoTracer({ otlpHttpEndpoint: `ftp://me:p@ss${PASSWORD}@example.com/` }));
    expect(err.message).not.toContain(PASSWORD);
    expect(err.message).toContain('ftp://***@example.com/');
  });

  it('never reach a log line: a price mirror with credentials that fails is logged masked', async () => {
    const warnings: string[] = [];
    diag.setLogger({ error: (m: string) => warnings.push(m), warn: (m: string) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
    try {
      const port = new URL(await refusedUrl()).port;
      const t = new RactoTracer({ inMemory: true, refreshPrices: `http://mirror:${PASSWORD}@127.0.0.1:${port}/prices.json` });
      // The first price this thread needs starts the refresh, which fails (nothing listens).
      t.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 });
      for (let i = 0; i < 200 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(warnings.some((w) => w.includes(`http://***@127.0.0.1:${port}/prices.json`))).toBe(true);
      expect(warnings.join('\n')).not.toContain(PASSWORD);
    } finally {
      diag.disable();
    }
  });
});

describe('the disk spool', () => {
  it('creates its directory 0700 and its lock and segments 0600', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'racto-secrets-'));
    const dir = join(parent, 'spool');
    const t = new RactoTracer({ otlpHttpEndpoint: await refusedUrl(), spoolDir: dir, exportTimeoutMillis: 100, shutdownTimeoutMillis: 5_000 });
    for (let i = 0; i < 100; i++) t.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 1 });
    await t.flush();
    // The collector never answered: the batch waits on disk. Checked while the lock is held.
    const files = readdirSync(dir);
    expect(files.some((f) => f.endsWith('.seg'))).toBe(true);
    expect(files).toContain('spool.lock');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of files) expect([f, statSync(join(dir, f)).mode & 0o777]).toEqual([f, 0o600]);
    await t.shutdown();
  });

  it('makes an existing directory open to others the owner\'s alone', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'racto-secrets-')), 'spool');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const t = new RactoTracer({ otlpHttpEndpoint: 'http://127.0.0.1:9', spoolDir: dir, exportTimeoutMillis: 100 });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    await t.shutdown();
  });
});
