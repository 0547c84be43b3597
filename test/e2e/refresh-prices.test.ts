// The refreshPrices option: genai-prices' updatePrices() fed from a URL (here a local server
// serving genai-prices' own data with one price changed), once per pricing thread, when it first
// prices; prices resolved before are dropped, so later calls use the new data. A failed fetch
// keeps the installed data and says so through diag. Each case runs in a child process, as a
// thread's genai-prices data is shared by everything in it.
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForUpdate, type Provider } from '@pydantic/genai-prices';
import { expectThrows } from '../helpers.js';
import { RactoTracer } from '../pkg.js';

const fixture = fileURLToPath(new URL('../fixtures/refresh-prices.mjs', import.meta.url));
let server: http.Server;
let base = '';
const hits: string[] = [];

beforeAll(async () => {
  // genai-prices' own data, with gpt-5's input at 100 USD per 1M tokens.
  const providers = structuredClone(await waitForUpdate()) as Provider[];
  const gpt5 = providers.find((p) => p.id === 'openai')?.models.find((m) => m.id === 'gpt-5');
  if (gpt5 === undefined || Array.isArray(gpt5.prices)) throw new Error('the test expects gpt-5 with one price');
  gpt5.prices = { ...gpt5.prices, input_mtok: 100 };
  const body = JSON.stringify(providers);
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/data.json') res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    else res.writeHead(500).end('down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const run = async (url: string, mode: string) => {
  const { stdout } = await promisify(execFile)(process.execPath, [fixture, url, mode], { timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as { first: number; last: number; source: string; warnings: string[] };
};

const lateFixture = fileURLToPath(new URL('../fixtures/refresh-prices-late.mjs', import.meta.url));
const runLate = async (url: string, otherUrl: string) => {
  const { stdout } = await promisify(execFile)(process.execPath, [lateFixture, url, otherUrl], { timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as { first: number; late: number; other: number; warnings: string[] };
};

describe('refreshPrices', () => {
  it('prices with the fetched data once it arrives, on the main thread of an inMemory tracer, fetching once', async () => {
    hits.length = 0;
    expect(await run(`${base}/data.json`, 'inMemory')).toEqual({ first: 1.25, last: 100, source: 'genai-prices', warnings: [] });
    expect(hits).toEqual(['/data.json']);
  });

  it('prices with the fetched data in the workers, one fetch per worker', async () => {
    hits.length = 0;
    expect(await run(`${base}/data.json`, 'workers')).toEqual({ first: 1.25, last: 100, source: 'genai-prices', warnings: [] });
    expect(hits).toEqual(['/data.json']);
  });

  it('keeps the installed data when the fetch fails, and says so once through diag', async () => {
    const out = await run(`${base}/missing.json`, 'workers');
    expect([out.first, out.last, out.source]).toEqual([1.25, 1.25, 'genai-prices']);
    expect(out.warnings).toEqual([`ractogateway: genai-prices data from ${base}/missing.json not used: HTTP 500`]);
  });

  it('tells a tracer made after the refresh how it ended, and warns about a second URL instead of ignoring it', async () => {
    hits.length = 0;
    const out = await runLate(`${base}/data.json`, `${base}/other.json`);
    expect(out).toEqual({ first: 100, late: 100, other: 100, warnings: [
      `ractogateway: refreshPrices ${base}/other.json not used: this thread's genai-prices data is refreshed once, from ${base}/data.json`,
    ] });
    expect(hits).toEqual(['/data.json']);
  });

  it('warns a tracer made after a failed refresh too, with the data it keeps', async () => {
    hits.length = 0;
    const out = await runLate(`${base}/missing.json`, `${base}/missing.json`);
    const failed = `ractogateway: genai-prices data from ${base}/missing.json not used: HTTP 500`;
    expect(out).toEqual({ first: 1.25, late: 1.25, other: 1.25, warnings: [failed, failed, failed] });
    expect(hits).toEqual(['/missing.json']);
  });

  it.each([
    ['ftp://example.com/data.json', RangeError, 'options.refreshPrices must be a boolean or an http(s) URL (received "ftp://example.com/data.json")'],
    [1, TypeError, 'options.refreshPrices must be a boolean or an http(s) URL (received 1)'],
  ])('refuses %j', (value, Type, message) => {
    expectThrows(() => new RactoTracer({ inMemory: true, refreshPrices: value as never }), Type, message, 'RACTO_ERR_INVALID_OPTION');
  });
});
