// Registers an AsyncLocalStorage context manager for the enclosing describe block (or file), so
// that context.with() makes a span active across the record call, and removes it afterwards.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context } from '@opentelemetry/api';
import { afterAll, beforeAll } from 'vitest';

export function useContextManager(): void {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    manager.disable();
    context.disable();
  });
}
