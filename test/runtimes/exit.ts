// A process for the exit checks (lifecycle.ts): records <n> calls to the OTLP/HTTP receiver at
// <url>, then either awaits shutdown() or just returns ('no-shutdown'). Either way it must exit
// by itself, having exported everything: no worker, timer or socket of ours keeps it alive.
//   <runtime> test/runtimes/exit.ts <url> shutdown|no-shutdown <n>
import { RactoTracer } from './pkg.js';

const [url, mode, n] = process.argv.slice(2);
if (url === undefined || (mode !== 'shutdown' && mode !== 'no-shutdown')) throw new Error('usage: exit.ts <url> shutdown|no-shutdown <n>');
const tracer = new RactoTracer({ otlpHttpEndpoint: url });
for (let i = 0; i < Number(n); i++) tracer.recordChatSpan({ provider: 'openai', model: 'gpt-4o', latencyMs: 3, inputTokens: i });
if (mode === 'shutdown') await tracer.shutdown();
