// Redaction through real workers (issue 31): what reaches a real OTLP/HTTP receiver (decoded by
// protobufjs) is redacted by the rules, and each rule's replacements are counted once per span,
// whichever worker built it: in stats().redactions on the main thread (the shared counters) and
// in ractogateway_content_redactions_total{rule} on GET /metrics (a real Prometheus parser).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExposition } from '../metrics/prom.js';
import { RactoTracer } from '../pkg.js';
import { startHttpReceiver, type Receiver } from './receivers.js';

const base = { provider: 'openai', model: 'gpt-4o-mini', latencyMs: 12, inputTokens: 10, outputTokens: 5 };

let http: Receiver;
beforeAll(async () => {
  http = await startHttpReceiver();
});
afterAll(async () => {
  await http.close();
});

describe('redaction counted through the workers', () => {
  it('counts each rule once per match in stats() and on /metrics, and the collector gets the redacted text', async () => {
    // inMemory too: the main thread builds the same content, and must not count it a second time.
    const t = new RactoTracer({ otlpHttpEndpoint: http.url, inMemory: true, captureContent: true, prometheusPort: 0, workers: 2, maxExportBatchSize: 4,
      redaction: { pii: true } });
    expect(await t.ready()).toBe(true);
    const n = 30;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `chatcmpl-redact-${i}`;
      ids.push(id);
      // Per span: two e-mail addresses, one password value, one IPv4 address when i is even.
      t.recordChatSpan({ ...base, responseId: id, input: `from u${i}@corp.example to v${i}@corp.example${i % 2 === 0 ? ` via 10.0.${i}.1` : ''}`,
        output: `DB_PASSWORD=pw-${i}x` });
    }
    await t.flush();
    const expected = { email: 2 * n, secretValue: n, ipv4: n / 2, phone: 0, privateKey: 0 };
    expect(t.stats().redactions).toMatchObject(expected);
    expect(Object.keys(t.stats().redactions)).toHaveLength(20);

    const text = await (await fetch(`http://127.0.0.1:${t.prometheusPort}/metrics`)).text();
    const { families, samples } = readExposition(text);
    expect(families.get('ractogateway_content_redactions_total')?.type).toBe('COUNTER');
    const byRule = Object.fromEntries(samples.filter((s) => s.name === 'ractogateway_content_redactions_total').map((s) => [s.labels.rule, s.value]));
    expect(byRule).toMatchObject(expected);
    await t.shutdown();

    const got = http.spans.filter((s) => ids.includes(s.attributes['gen_ai.response.id'] as string));
    expect(got).toHaveLength(n);
    const arrived = got.find((s) => s.attributes['gen_ai.response.id'] === 'chatcmpl-redact-4')!.attributes;
    expect(JSON.parse(arrived['gen_ai.input.messages'] as string)[0].parts[0].content).toBe('from [REDACTED:email] to [REDACTED:email] via [REDACTED:ipv4]');
    expect(JSON.parse(arrived['gen_ai.output.messages'] as string)[0].parts[0].content).toBe('DB_PASSWORD=[REDACTED:secretValue]');
  });
});
