// Whether any OTel context manager is registered in this process (through @opentelemetry/api
// 1.x, which keeps its globals under this symbol: its internal/global-utils). Without one no
// span can be active, so the record path and the provider wrappers skip the API's lookup chain
// (~20 ns) for two property loads. Main thread; shared by src/main/ and src/instrument/.

const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const registry = globalThis as unknown as Record<symbol, { context?: unknown } | undefined>;

/** true when a context manager is registered, so a span may be active. */
export function otelContextRegistered(): boolean {
  return registry[API_GLOBAL]?.context !== undefined;
}
