import { RactoTracer } from '../dist/index.js';
const mode = process.argv[2] ?? 'full';
const opts = { workerExporters: [{ module: './bench/discard-exporter.mjs', exportName: 'DiscardExporter' }] };
if (mode === 'none') delete opts.workerExporters;

const call = { provider: 'openai', model: 'gpt-4o', latencyMs: 812.5, inputTokens: 1200, outputTokens: 310, cacheHit: 'miss', toolCalls: 1 };
if (mode === 'end') call.endTime = 5;
if (mode === 'precise') opts.clock = 'precise';
const racto = new RactoTracer(opts);
function loop() { for (let i = 0; i < 1000; i++) racto.recordChatSpan(call); }
const res = [];
for (let r = 0; r < 3000; r++) { const t = performance.now(); loop(); const d = performance.now() - t; if (r > 500) res.push(d); if (r % Number(process.env.FLUSH_EVERY ?? 16) === 0) await racto.flush(); }
res.sort((a, b) => a - b); console.log(mode, 'median ns', (res[res.length >> 1] * 1e3).toFixed(1), 'p10', (res[res.length/10|0] * 1e3).toFixed(1));
await racto.shutdown();
