// The resource every span and every OTLP metrics push of a tracer carries: the ONE function that
// builds its attribute list, on the main thread at construction, so that every worker (and the
// main thread's customExporter path) uses the same list, handed over as plain data
// (WorkerConfig.resource). Attributes describing the process or the host belong here too.

import type { ResourceAttributes } from '../shared/worker-config.js';
import { processIdentity } from './identity.js';

export interface ResourceInput {
  /** The resolved service name: options.serviceName, else OTEL_SERVICE_NAME, else a service.name in OTEL_RESOURCE_ATTRIBUTES, else the default. */
  serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES, decoded. */
  fromEnv: Readonly<Record<string, string>> | undefined;
  /** options.serviceInstanceId, validated; undefined: the environment's, else a fresh UUID. */
  instanceId?: string;
}

/**
 * The resource's attributes: this process's identity (identity.ts: a fresh service.instance.id,
 * process.pid, host.name, the runtime, telemetry.sdk.*), then the environment's, which win over
 * those, then service.name and options.serviceInstanceId, which win over everything.
 */
export function resourceAttributes(input: ResourceInput): ResourceAttributes {
  const out: Record<string, string | number | boolean> = { 'service.name': input.serviceName, ...processIdentity(), ...input.fromEnv };
  out['service.name'] = input.serviceName;
  if (input.instanceId !== undefined) out['service.instance.id'] = input.instanceId;
  return Object.freeze(out);
}
