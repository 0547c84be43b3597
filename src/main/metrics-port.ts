// Which prometheusPort values the tracers of this process hold. Main thread.
//
// The processes of a host share one port through their metrics group (worker/metrics/group.ts);
// two tracers of one process asking for the same port are a mistake (the second would join its
// own process's group and its numbers would be summed with the first's under one pid): the second
// is told so, by name of the port, and records on without serving /metrics.

import { diag } from '@opentelemetry/api';
import type { MetricsConfig } from '../shared/metrics-config.js';

const held = new Set<number>();

export interface PortHold {
  /** The metrics configuration to run with: without prometheus when the port is held already. */
  config: MetricsConfig | undefined;
  release(): void;
}

/** Holds `config`'s fixed prometheusPort for this tracer, or warns that another tracer has it. */
export function holdMetricsPort(config: MetricsConfig | undefined): PortHold {
  const port = config?.prometheus?.port;
  if (config === undefined || port === undefined || port === 0) return { config, release: () => undefined };
  if (held.has(port)) {
    diag.warn(`ractogateway: prometheusPort ${port} is already served by another RactoTracer in this process; this tracer does not serve /metrics (metricsText() still works, and it records as usual)`);
    return { config: { ...config, prometheus: undefined }, release: () => undefined };
  }
  held.add(port);
  let released = false;
  return {
    config,
    release: () => {
      if (released) return;
      released = true;
      held.delete(port);
    },
  };
}
