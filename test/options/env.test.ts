// The OpenTelemetry environment variables (options/env.ts), read through resolveOptions() with an
// explicit environment: what each valid value sets, the message a malformed one gets (naming the
// variable), the option that wins over it, and the lenient mode register uses.
import { describe, expect, it } from 'vitest';
import { expectThrows } from '../helpers.js';
import { optionsFromEnv, resolveOptions, type RactoTracerOptions, type ResolvedOptions } from '../../src/options/index.js';

const CODE = 'RACTO_ERR_INVALID_OPTION';
const resolve = (env: Record<string, string>, options: RactoTracerOptions = {}): ResolvedOptions => resolveOptions(options, { env });
const pick = (r: ResolvedOptions, keys: readonly (keyof ResolvedOptions)[]): Partial<ResolvedOptions> =>
  Object.fromEntries(keys.map((k) => [k, r[k]]));

describe('valid values', () => {
  it.each<[string, Record<string, string>, Partial<ResolvedOptions>]>([
    ['OTEL_SERVICE_NAME', { OTEL_SERVICE_NAME: 'checkout' }, { serviceName: 'checkout' }],
    ['OTEL_EXPORTER_OTLP_ENDPOINT (HTTP: /v1/traces appended to a bare URL)', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
      { otlpHttpEndpoint: 'http://collector:4318/v1/traces', otlpEndpoint: undefined }],
    ['OTEL_EXPORTER_OTLP_ENDPOINT (HTTP: /v1/traces appended to its path)', { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector/otlp' },
      { otlpHttpEndpoint: 'https://collector/otlp/v1/traces' }],
    ['OTEL_EXPORTER_OTLP_ENDPOINT (HTTP: a path ending in a slash)', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otlp/' },
      { otlpHttpEndpoint: 'http://collector:4318/otlp/v1/traces' }],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (HTTP: used as given)', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom' },
      { otlpHttpEndpoint: 'http://collector:4318/custom' }],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (HTTP: no path stays the root)', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318' },
      { otlpHttpEndpoint: 'http://collector:4318/' }],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT over OTEL_EXPORTER_OTLP_ENDPOINT',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/t' },
      { otlpHttpEndpoint: 'http://traces:4318/t' }],
    ['OTEL_EXPORTER_OTLP_PROTOCOL=grpc (the endpoint as given)', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' },
      { otlpEndpoint: 'collector:4317', otlpHttpEndpoint: undefined }],
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL over OTEL_EXPORTER_OTLP_PROTOCOL',
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      { otlpHttpEndpoint: 'http://c:4318/v1/traces', otlpHttpProtocol: 'http/json', otlpEndpoint: undefined }],
    ['OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, { otlpHttpProtocol: 'http/protobuf' }],
    ['OTEL_EXPORTER_OTLP_HEADERS (percent-decoded, names lower-cased)', { OTEL_EXPORTER_OTLP_HEADERS: 'Api-Key=a%3Db%2Cc, x-team = blue ,' },
      { otlpHeaders: { 'api-key': 'a=b,c', 'x-team': 'blue' } }],
    ['OTEL_EXPORTER_OTLP_TRACES_HEADERS over OTEL_EXPORTER_OTLP_HEADERS per name',
      { OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=1', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=2' }, { otlpHeaders: { a: '1', b: '2' } }],
    ['OTEL_EXPORTER_OTLP_COMPRESSION', { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }, { otlpCompression: 'gzip' }],
    ['OTEL_EXPORTER_OTLP_TRACES_COMPRESSION over OTEL_EXPORTER_OTLP_COMPRESSION',
      { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none' }, { otlpCompression: 'none' }],
    ['OTEL_EXPORTER_OTLP_TIMEOUT', { OTEL_EXPORTER_OTLP_TIMEOUT: '2500' }, { exportTimeoutMillis: 2500 }],
    ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT over OTEL_EXPORTER_OTLP_TIMEOUT and OTEL_BSP_EXPORT_TIMEOUT',
      { OTEL_EXPORTER_OTLP_TIMEOUT: '2500', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1500', OTEL_BSP_EXPORT_TIMEOUT: '9000' }, { exportTimeoutMillis: 1500 }],
    ['OTEL_BSP_EXPORT_TIMEOUT', { OTEL_BSP_EXPORT_TIMEOUT: '9000' }, { exportTimeoutMillis: 9000 }],
    ['OTEL_BSP_SCHEDULE_DELAY', { OTEL_BSP_SCHEDULE_DELAY: '200' }, { scheduledDelayMillis: 200 }],
    ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512' }, { maxExportBatchSize: 512 }],
    ['OTEL_BSP_MAX_QUEUE_SIZE (rounded up to a power of two)', { OTEL_BSP_MAX_QUEUE_SIZE: '3000' }, { ringCapacity: 4096 }],
    ['OTEL_BSP_MAX_QUEUE_SIZE (at least the ring\'s 64)', { OTEL_BSP_MAX_QUEUE_SIZE: '10' }, { ringCapacity: 64 }],
    ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE cut to the queue, as the SDK does',
      { OTEL_BSP_MAX_QUEUE_SIZE: '1024', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4096' }, { ringCapacity: 1024, maxExportBatchSize: 1024 }],
    ['OTEL_TRACES_EXPORTER=console', { OTEL_TRACES_EXPORTER: 'console' }, { console: true, otlpHttpEndpoint: undefined, otlpEndpoint: undefined }],
    ['OTEL_TRACES_EXPORTER=otlp with no endpoint: the spec\'s default', { OTEL_TRACES_EXPORTER: 'otlp' },
      { otlpHttpEndpoint: 'http://localhost:4318/v1/traces', console: false }],
    ['OTEL_TRACES_EXPORTER=otlp over gRPC with no endpoint', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      { otlpEndpoint: 'http://localhost:4317' }],
    ['OTEL_TRACES_EXPORTER=otlp,console', { OTEL_TRACES_EXPORTER: 'otlp, console', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      { otlpHttpEndpoint: 'http://c:4318/v1/traces', console: true }],
    ['OTEL_TRACES_EXPORTER=none beside an endpoint', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      { otlpHttpEndpoint: undefined, console: false }],
    ['OTEL_SDK_DISABLED=TRUE', { OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' },
      { disabled: true, otlpHttpEndpoint: undefined, metrics: undefined }],
    ['OTEL_SDK_DISABLED=false', { OTEL_SDK_DISABLED: 'false' }, { disabled: false }],
  ])('%s', (_name, env, expected) => {
    const r = resolve(env);
    expect(pick(r, Object.keys(expected) as (keyof ResolvedOptions)[])).toEqual(expected);
  });

  it('puts OTEL_RESOURCE_ATTRIBUTES on the resource, percent-decoded, OTEL_SERVICE_NAME winning over its service.name', () => {
    const r = resolve({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod, team%20name=a%2Cb,service.name=from-attrs', OTEL_SERVICE_NAME: 'from-name' });
    expect(r.resource).toEqual({ 'deployment.environment': 'prod', 'team name': 'a,b', 'service.name': 'from-name' });
    expect(r.serviceName).toBe('from-name');
  });

  it('takes service.name from OTEL_RESOURCE_ATTRIBUTES when OTEL_SERVICE_NAME is unset', () => {
    expect(resolve({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' }).resource['service.name']).toBe('from-attrs');
  });

  it('reads an empty variable as unset', () => {
    const r = resolve({ OTEL_SERVICE_NAME: '', OTEL_EXPORTER_OTLP_ENDPOINT: ' ', OTEL_BSP_SCHEDULE_DELAY: '' });
    expect(pick(r, ['serviceName', 'otlpHttpEndpoint', 'scheduledDelayMillis'])).toEqual({ serviceName: 'ractogateway', otlpHttpEndpoint: undefined, scheduledDelayMillis: 1000 });
  });

  it('turns content capture on from OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, and the span modes', () => {
    for (const v of ['true', 'True', 'span_only', 'SPAN_AND_EVENT']) {
      expect(resolve({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: v }).content?.capture.input).toBe(true);
    }
    for (const v of ['false', 'event_only', 'no_content']) {
      expect(resolve({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: v }).content).toBeUndefined();
    }
  });

  it('pushes OTLP metrics when OTEL_METRICS_EXPORTER lists otlp, to /v1/metrics of the generic endpoint with its headers', () => {
    const r = resolve({ OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/base', OTEL_EXPORTER_OTLP_HEADERS: 'k=1', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'm=2' });
    expect(r.metrics?.otlp).toMatchObject({ url: 'http://c:4318/base/v1/metrics', headers: { k: '1', m: '2' } });
    expect(resolve({ OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:4318/own' }).metrics?.otlp?.url).toBe('http://m:4318/own');
    expect(resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).metrics).toBeUndefined();
  });
});

describe('malformed values', () => {
  it.each<[Record<string, string>, ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor, string]>([
    [{ OTEL_BSP_SCHEDULE_DELAY: 'soon' }, TypeError, 'OTEL_BSP_SCHEDULE_DELAY must be an integer between 1 and 3600000 (received "soon")'],
    [{ OTEL_BSP_SCHEDULE_DELAY: '0' }, RangeError, 'OTEL_BSP_SCHEDULE_DELAY must be an integer between 1 and 3600000 (received "0")'],
    [{ OTEL_BSP_EXPORT_TIMEOUT: '1.5' }, TypeError, 'OTEL_BSP_EXPORT_TIMEOUT must be an integer between 1 and 3600000 (received "1.5")'],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '-1' }, RangeError, 'OTEL_EXPORTER_OTLP_TIMEOUT must be an integer between 1 and 3600000 (received "-1")'],
    [{ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '10s' }, TypeError, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT must be an integer between 1 and 3600000 (received "10s")'],
    [{ OTEL_BSP_MAX_QUEUE_SIZE: '9999999' }, RangeError, 'OTEL_BSP_MAX_QUEUE_SIZE must be an integer between 1 and 4194304 (received "9999999")'],
    [{ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'many' }, TypeError, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE must be an integer between 1 and 4194304 (received "many")'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http' }, RangeError, "OTEL_EXPORTER_OTLP_PROTOCOL must be 'grpc' or 'http/protobuf' or 'http/json' (received \"http\")"],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'thrift' }, RangeError, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be 'grpc' or 'http/protobuf' or 'http/json' (received \"thrift\")"],
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' }, RangeError, "OTEL_EXPORTER_OTLP_COMPRESSION must be 'gzip' or 'none' (received \"zstd\")"],
    [{ OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'br' }, RangeError, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION must be 'gzip' or 'none' (received \"br\")"],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, RangeError, "OTEL_TRACES_EXPORTER must be a comma list of 'otlp', 'console', 'none' (received \"zipkin\")"],
    [{ OTEL_METRICS_EXPORTER: 'otlp,statsd' }, RangeError, "OTEL_METRICS_EXPORTER must be a comma list of 'otlp', 'prometheus', 'console', 'none' (received \"otlp,statsd\")"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, TypeError, 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL (received "collector:4318")'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, TypeError, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http:// or https:// URL (received "not a url")'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://c:4317' }, TypeError,
      'OTEL_EXPORTER_OTLP_ENDPOINT must be host:port or an http:// or https:// URL (received "ftp://c:4317")'],
    [{ OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'udp://m' }, TypeError,
      'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT must be an http:// or https:// URL (received "udp://m")'],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'a=1,broken' }, TypeError, 'OTEL_RESOURCE_ATTRIBUTES must be a comma list of key=value pairs, percent-encoded (received "broken")'],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'a=%E0%A4%A' }, TypeError, 'OTEL_RESOURCE_ATTRIBUTES must be a comma list of key=value pairs, percent-encoded (received "a=%E0%A4%A")'],
    [{ OTEL_RESOURCE_ATTRIBUTES: '=x' }, TypeError, 'OTEL_RESOURCE_ATTRIBUTES must be a comma list of key=value pairs, percent-encoded (received "=x")'],
    // A header's value is a credential: the message names the member, never its value.
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'api-key=%ZZsecret' }, TypeError, 'OTEL_EXPORTER_OTLP_HEADERS must be a comma list of key=value pairs, percent-encoded (received a member named "api-key")'],
    [{ OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'tokenonly' }, TypeError, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS must be a comma list of key=value pairs, percent-encoded (received a member named "tokenonly")'],
    [{ OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x' }, TypeError, 'OTEL_EXPORTER_OTLP_METRICS_HEADERS must be a comma list of key=value pairs, percent-encoded (received a member named "x")'],
  ])('%o throws, naming the variable', (env, Type, message) => {
    expectThrows(() => resolve(env), Type, message, CODE);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '100', OTEL_EXPORTER_OTLP_TIMEOUT: 'x' }, 'OTEL_EXPORTER_OTLP_TIMEOUT must be an integer between 1 and 3600000 (received "x")'],
    [{ OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_COMPRESSION: 'lz4' }, "OTEL_EXPORTER_OTLP_COMPRESSION must be 'gzip' or 'none' (received \"lz4\")"],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_PROTOCOL: 'udp' }, "OTEL_EXPORTER_OTLP_PROTOCOL must be 'grpc' or 'http/protobuf' or 'http/json' (received \"udp\")"],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/t', OTEL_EXPORTER_OTLP_ENDPOINT: 'c:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL (received "c:4318")'],
  ])('reports a malformed generic variable even when the signal one wins: %o', (env, message) => {
    expect(() => resolve(env)).toThrow(message);
  });

  it('masks the credentials of an endpoint in the message', () => {
    expectThrows(() => resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://user:hunter2@c:4318' }), TypeError,
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL (received "ftp://***@c:4318")', CODE);
  });

  it.each([
    ['OTEL_SDK_DISABLED', 'yes', { disabled: false }],
    ['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', '1', { content: undefined }],
  ])('reads %s=%s as false, with a warning naming it (the spec\'s boolean rule)', (name, value, expected) => {
    const warnings: string[] = [];
    const r = resolveOptions({}, { env: { [name]: value }, onWarning: (m) => warnings.push(m) });
    expect(pick(r, Object.keys(expected) as (keyof ResolvedOptions)[])).toEqual(expected);
    expect(warnings).toEqual([`${name} is read as false: only 'true' or 'false' are booleans (received "${value}")`]);
  });
});

describe('the options win', () => {
  it.each<[string, Record<string, string>, RactoTracerOptions, Partial<ResolvedOptions>]>([
    ['serviceName', { OTEL_SERVICE_NAME: 'env' }, { serviceName: 'opt' }, { serviceName: 'opt' }],
    ['otlpHttpEndpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' }, { otlpHttpEndpoint: 'http://opt:4318' },
      { otlpHttpEndpoint: 'http://opt:4318', otlpHttpEndpointFinal: false }],
    ['otlpEndpoint', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'env:4317' }, { otlpEndpoint: 'opt:4317' }, { otlpEndpoint: 'opt:4317' }],
    ['otlpHttpProtocol', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, { otlpHttpProtocol: 'http/protobuf' }, { otlpHttpProtocol: 'http/protobuf' }],
    ['otlpHeaders, per name', { OTEL_EXPORTER_OTLP_HEADERS: 'a=env,b=env' }, { otlpHeaders: { a: 'opt' } }, { otlpHeaders: { a: 'opt', b: 'env' } }],
    ['otlpCompression', { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }, { otlpCompression: 'none' }, { otlpCompression: 'none' }],
    ['exportTimeoutMillis', { OTEL_EXPORTER_OTLP_TIMEOUT: '100', OTEL_BSP_EXPORT_TIMEOUT: '200' }, { exportTimeoutMillis: 300 }, { exportTimeoutMillis: 300 }],
    ['scheduledDelayMillis', { OTEL_BSP_SCHEDULE_DELAY: '100' }, { scheduledDelayMillis: 300 }, { scheduledDelayMillis: 300 }],
    ['maxExportBatchSize', { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '100' }, { maxExportBatchSize: 300 }, { maxExportBatchSize: 300 }],
    ['ringCapacity', { OTEL_BSP_MAX_QUEUE_SIZE: '100' }, { ringCapacity: 1024 }, { ringCapacity: 1024 }],
    ['disabled', { OTEL_SDK_DISABLED: 'true' }, { disabled: false, inMemory: true }, { disabled: false, inMemory: true }],
    // Options that name any destination, even false: the environment's destinations are not added.
    ['console: false over OTEL_TRACES_EXPORTER', { OTEL_TRACES_EXPORTER: 'otlp,console', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' },
      { console: false }, { console: false, otlpHttpEndpoint: undefined, otlpEndpoint: undefined }],
    ['inMemory over an endpoint variable', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://env:4318/v1/traces' }, { inMemory: true },
      { inMemory: true, otlpHttpEndpoint: undefined }],
    ['otlpMetricsEndpoint', { OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' }, { otlpMetricsEndpoint: 'http://opt:4318' },
      { otlpHttpEndpoint: 'http://env:4318/v1/traces' }],
  ])('%s', (_name, env, options, expected) => {
    const r = resolve(env, options);
    expect(pick(r, Object.keys(expected) as (keyof ResolvedOptions)[])).toEqual(expected);
  });

  it('keeps the environment\'s metrics push off with metrics: false', () => {
    expect(resolve({ OTEL_METRICS_EXPORTER: 'otlp' }, { metrics: false }).metrics).toBeUndefined();
    expect(resolve({ OTEL_METRICS_EXPORTER: 'otlp' }).metrics?.otlp?.url).toBe('http://localhost:4318/v1/metrics');
  });

  it('uses the options\' metrics endpoint over the environment\'s', () => {
    const r = resolve({ OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' }, { otlpMetricsEndpoint: 'http://opt:4318' });
    expect(r.metrics?.otlp?.url).toBe('http://opt:4318/v1/metrics');
  });

  it('checks an option\'s value as before, naming the option', () => {
    expectThrows(() => resolve({ OTEL_BSP_SCHEDULE_DELAY: '100' }, { scheduledDelayMillis: 0 }), RangeError,
      'options.scheduledDelayMillis must be an integer between 1 and 3600000 (received 0)', CODE);
  });

  it('throws for a malformed variable even when an option covers its field', () => {
    // The environment is read as a whole: an operator's typo is reported whatever the code passes.
    expectThrows(() => resolve({ OTEL_BSP_SCHEDULE_DELAY: 'soon' }, { scheduledDelayMillis: 5 }), TypeError,
      'OTEL_BSP_SCHEDULE_DELAY must be an integer between 1 and 3600000 (received "soon")', CODE);
  });
});

describe('lenient mode (onInvalid)', () => {
  it('leaves each malformed variable out, reports it, and applies the rest', () => {
    const invalid: string[] = [];
    const env = optionsFromEnv({
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
      OTEL_RESOURCE_ATTRIBUTES: 'ok=1,broken',
      OTEL_SERVICE_NAME: 'still-here',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd',
    }, { onInvalid: (e) => invalid.push(e.message.split(' ')[0]!) });
    expect(invalid.sort()).toEqual(['OTEL_BSP_SCHEDULE_DELAY', 'OTEL_EXPORTER_OTLP_COMPRESSION', 'OTEL_RESOURCE_ATTRIBUTES']);
    expect(env).toEqual({ serviceName: 'still-here', destinations: { console: false, otlpHttpUrl: 'http://c:4318/v1/traces' } });
  });

  it('falls back to the generic endpoint when the signal one is malformed', () => {
    const r = resolveOptions({}, { env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'nope', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, onInvalid: () => {} });
    expect(r.otlpHttpEndpoint).toBe('http://c:4318/v1/traces');
  });

  it('reads nothing at all from an environment with no OTEL_* variable', () => {
    expect(optionsFromEnv({ PATH: '/usr/bin', HOME: '/root' })).toEqual({});
  });
});
