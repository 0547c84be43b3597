import { startReceiver } from './util.mjs';
import { RactoTracer } from '../dist/index.js';
const receiver = await startReceiver();
const transport = process.argv[2] ?? 'http';
const workers = Number(process.argv[3] ?? 1);
const tracer = new RactoTracer({ workers, ...(transport === 'http' ? { otlpHttpEndpoint: `http://127.0.0.1:${receiver.http}` } : { otlpEndpoint: `http://127.0.0.1:${receiver.grpc}` }) });
const call = { provider: 'openai', model: 'gpt-4o', latencyMs: 250, inputTokens: 1200, outputTokens: 300 };
const N = 300000;
const u0 = process.cpuUsage(); const t0 = performance.now();
// bursts of 20k (under the ring capacity), waiting for each to be exported: pure drain throughput
for (let i = 0; i < N; i += 20000) { for (let j = 0; j < 20000; j++) tracer.recordChatSpan(call); await tracer.flush(); }
const dt = performance.now() - t0; const u = process.cpuUsage(u0);
console.log(transport, 'workers', workers, 'spans/s', Math.round(N / dt * 1000), 'process cpu%', Math.round((u.user + u.system) / 1000 / dt * 100), JSON.stringify(tracer.stats().failed));
await tracer.shutdown(); await receiver.stop();
