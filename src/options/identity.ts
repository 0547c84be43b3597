// The identity of this process in the tracer's resource: service.instance.id, process.pid,
// host.name, process.runtime.*, telemetry.sdk.*, joined to the resource by resource.ts (the one
// function that builds it). Main thread, once at construction; the workers get the attributes as
// plain data (WorkerConfig.resource), so spans, OTLP metrics and the host-wide /metrics all name
// the same process.
//
// Why a fresh UUID per process: every process of a node:cluster or PM2 group exports with the
// same service.name; without an instance id a backend would merge their cumulative OTLP counters
// into one stream that jumps back and forth (issue 30).

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { invalidRange, invalidType } from '../errors.js';
import { INSTRUMENTATION_SCOPE } from '../spans/readable-span.js';

/** 'nodejs', 'bun' or 'deno': the runtime this process runs on (process.runtime.name). */
function runtime(): { name: string; version: string } {
  const versions = process.versions as NodeJS.ProcessVersions & { bun?: string; deno?: string };
  if (versions.bun !== undefined) return { name: 'bun', version: versions.bun };
  if (versions.deno !== undefined) return { name: 'deno', version: versions.deno };
  return { name: 'nodejs', version: versions.node };
}

/** The serviceInstanceId option: a non-empty string of at most 256 characters. */
export function serviceInstanceId(v: unknown): string {
  if (typeof v !== 'string') throw invalidType('options.serviceInstanceId', 'a string', v, 'RACTO_ERR_INVALID_OPTION');
  if (v.length === 0 || v.length > 256) throw invalidRange('options.serviceInstanceId', 'a string of 1 to 256 characters', v, 'RACTO_ERR_INVALID_OPTION');
  return v;
}

/**
 * This process's identity attributes: a fresh service.instance.id (which OTEL_RESOURCE_ATTRIBUTES
 * or the serviceInstanceId option may replace), process.pid, host.name, the runtime, this package.
 */
export function processIdentity(): Record<string, string | number> {
  const rt = runtime();
  return {
    'service.instance.id': randomUUID(),
    'process.pid': process.pid,
    'host.name': hostname(),
    'process.runtime.name': rt.name,
    'process.runtime.version': rt.version,
    'telemetry.sdk.name': INSTRUMENTATION_SCOPE.name,
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': INSTRUMENTATION_SCOPE.version ?? '',
  };
}
