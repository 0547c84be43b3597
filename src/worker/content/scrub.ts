// Loads the redaction's scrub module (options.redaction.scrubModule): `{ module, exportName }`
// names a function `(text: string) => string`, imported here because a function cannot be sent
// to a thread. Worker zone (and the calling thread of an in-memory tracer).

import type { ContentConfig } from '../../shared/content-config.js';

export type ScrubFunction = (text: string) => unknown;

/** The scrub function `spec` names; rejects, saying why, when the module or its export is missing. */
export async function loadScrub(spec: NonNullable<ContentConfig['scrub']>): Promise<ScrubFunction> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const fn = mod[spec.exportName];
  if (typeof fn !== 'function') {
    throw new TypeError(`redaction.scrubModule: ${spec.module} has no function export named ${spec.exportName}`);
  }
  return fn as ScrubFunction;
}

/** How often a worker says, at most, that spans lost their content to the scrub module. */
export const SCRUB_LOG_MILLIS = 60_000;
