// The measured process of bench/gateway.mjs: examples/gateway.mjs's handler (cache off) around
// an OpenAI client forwarding to the fake upstream, in one of three set-ups:
//   none          no instrumentation
//   ractogateway  instrumentOpenAI + RactoTracer exporting over OTLP/HTTP (protobuf, its default)
//   openllmetry   @traceloop/instrumentation-openai (default config) on the OTel SDK: a
//                 BasicTracerProvider with a BatchSpanProcessor and the OTLP/HTTP protobuf exporter
// Usage: node bench/gateway-server.mjs <variant> <upstream url> <OTLP/HTTP base url>. Prints
// {"port": N}; answers IPC 'cpu' with process.cpuUsage() (every thread) and its main thread's
// own CPU (schedstat, util.mjs threadCpuNs), and 'stop' with its
// export stats after flushing, then exits.
import OpenAI from 'openai';
import { createGateway } from '../examples/gateway.mjs';
import { threadCpuNs } from './util.mjs';

const [variant, upstream, otlp] = process.argv.slice(2);
let client = new OpenAI({ apiKey: 'fake-key', baseURL: `${upstream}/v1`, maxRetries: 0 });
let tracer;
let provider;

if (variant === 'ractogateway') {
  const { RactoTracer } = await import('../dist/index.js');
  const { instrumentOpenAI } = await import('../dist/instrument/index.js');
  tracer = new RactoTracer({ serviceName: 'bench-gateway', otlpHttpEndpoint: otlp });
  client = instrumentOpenAI(client, tracer);
} else if (variant === 'openllmetry') {
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  const { OpenAIInstrumentation } = await import('@traceloop/instrumentation-openai');
  provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlp}/v1/traces` }))] });
  const instrumentation = new OpenAIInstrumentation();
  instrumentation.setTracerProvider(provider);
  // Under ESM, module patching needs a loader hook; OpenLLMetry's documented alternative is
  // manuallyInstrument() with the imported module.
  instrumentation.manuallyInstrument(OpenAI);
} else if (variant !== 'none') {
  throw new Error(`unknown variant ${variant}`);
}

const server = createGateway(client, { tracer, cache: false });
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));

process.on('message', async (msg) => {
  if (msg === 'cpu') return process.send({ ...process.cpuUsage(), mainNs: threadCpuNs() });
  if (msg !== 'stop') return;
  let stats = {};
  if (tracer !== undefined) {
    await tracer.shutdown();
    const s = tracer.stats();
    stats = { recorded: s.recorded, exported: s.exported, dropped: s.dropped, failed: s.failed };
  }
  if (provider !== undefined) await provider.shutdown();
  process.send({ stats }, () => process.exit(0));
});
