import { RactoTracer } from '../dist/index.js';
import { buildRange } from '../dist/worker/build.js';
import { OtlpProtoEncoder } from '../dist/worker/otlp-proto.js';
import { createRing } from '../dist/shared/ring.js';
import { StringTableWriter, StringTableReader } from '../dist/shared/strings.js';
import { RecordWriter } from '../dist/main/writer.js';
import { Counters } from '../dist/main/counters.js';
import { DEFAULT_COST_TABLE } from '../dist/index.js';
import { priceTableToData, mergePriceTable } from '../dist/pricing/model-pricing.js';
const ring = createRing(65536); const st = new StringTableWriter(4096, 65536);
const w = new RecordWriter(ring, st, new Counters([]), { reclaim() {}, written(x) { w.read = x; w.notifyAt = x + 1; } });
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-6', 'gemini-2.5-pro'];
for (let i = 0; i < 65536; i++) w.recordChat({ provider: 'openai', model: MODELS[i & 3], latencyMs: 250 + (i & 3), inputTokens: 1200, outputTokens: 300, cacheHit: 'miss', toolCalls: i & 1 });
const reader = new StringTableReader(st.buffer);
const prices = priceTableToData(mergePriceTable(DEFAULT_COST_TABLE, undefined));
const enc = new OtlpProtoEncoder({ 'service.name': 'x' });
let tb = 0, te = 0, bytes = 0;
for (let r = 0; r < 20; r++) for (let s = 0; s < 65536; s += 512) {
  const t0 = performance.now(); const data = buildRange(ring, s, s + 512, reader, prices, performance.timeOrigin);
  const t1 = performance.now(); const b = enc.encode(data); const t2 = performance.now();
  if (r > 4) { tb += t1 - t0; te += t2 - t1; bytes += b.length; }
}
const n = 15 * 65536;
console.log('build ns/span', (tb * 1e6 / n).toFixed(0), 'encode ns/span', (te * 1e6 / n).toFixed(0), 'bytes/span', (bytes / n).toFixed(0));
