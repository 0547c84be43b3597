// The resource every span and every OTLP metrics push of a tracer carries: the ONE function that
// builds its attribute list, on the main thread at construction, so that every worker (and the
// main thread's customExporter path) uses the same list, handed over as plain data
// (WorkerConfig.resource). Attributes describing the process or the host belong here too.

import type { ResourceAttributes } from '../shared/worker-config.js';

export interface ResourceInput {
  /** The resolved service name: options.serviceName, else OTEL_SERVICE_NAME, else a service.name in OTEL_RESOURCE_ATTRIBUTES, else the default. */
  serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES, decoded. */
  fromEnv: Readonly<Record<string, string>> | undefined;
}

/** The resource's attributes: the environment's, then service.name, which always wins over theirs. */
export function resourceAttributes(input: ResourceInput): ResourceAttributes {
  return Object.freeze({ ...input.fromEnv, 'service.name': input.serviceName });
}
