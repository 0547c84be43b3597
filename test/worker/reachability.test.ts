// When an OTLP destination is "down" (src/worker/otlp/reachability.ts): from the ends of its
// attempts as the HTTP and gRPC senders report them.
import { describe, expect, it } from 'vitest';
import { DOWN_STREAK, Reachability, seen } from '../../src/worker/otlp/reachability.js';
import type { Attempt } from '../../src/worker/otlp/retry.js';

const refused: Attempt = { retry: 'connect ECONNREFUSED 127.0.0.1:4318', kind: 'connect' };
const hung: Attempt = { retry: 'no answer within 1000 ms', kind: 'timeout' };
const gone: Attempt = { retry: 'OTLP/HTTP 503 Service Unavailable', kind: 'status', unreachable: true, retryAfterMs: 2_000 };
const busy: Attempt = { retry: 'OTLP/HTTP 429 Too Many Requests', kind: 'status', unreachable: false };
const ok: Attempt = { outcome: { ok: true } };

describe('Reachability', () => {
  it('is down after DOWN_STREAK unreachable attempts in a row, of any kind, and says so once', () => {
    const changes: boolean[] = [];
    const r = new Reachability((down) => changes.push(down));
    const ends = [refused, hung, gone, refused, hung];
    for (let i = 0; i < ends.length; i++) {
      seen(r, ends[i]);
      expect(r.down).toBe(i + 1 >= DOWN_STREAK);
    }
    expect(changes).toEqual([true]);
  });

  it('any answer ends the streak: a collector that says 429, or answers at all, is not down', () => {
    const r = new Reachability();
    for (let i = 0; i < 10; i++) {
      seen(r, refused);
      seen(r, refused);
      seen(r, i % 2 === 0 ? busy : ok);
    }
    expect(r.down).toBe(false);
  });

  it('comes back up at its first answer, and keeps the collector\'s Retry-After', () => {
    const changes: boolean[] = [];
    const r = new Reachability((down) => changes.push(down));
    for (let i = 0; i < DOWN_STREAK; i++) seen(r, gone);
    expect(r.down).toBe(true);
    expect(r.holdOffMillis).toBeGreaterThan(1_000);
    seen(r, ok);
    expect(r.down).toBe(false);
    expect(changes).toEqual([true, false]);
  });
});
