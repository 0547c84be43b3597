// Puts an own property `name` on a client's resource object that wraps the method it had
// (usually from its class's prototype). The client stays the same object, so `instanceof`, its
// other methods and its types are untouched. Main thread, once per instrumented client.

import { invalidValue } from '../errors.js';

const INSTRUMENTED = Symbol.for('ractogateway.instrumented');

export function wrapMethod(target: object, name: string, make: (original: Function) => Function): void {
  const t = target as Record<string | symbol, unknown>;
  const original = t[name];
  if (typeof original !== 'function') return;
  if ((original as unknown as Record<symbol, unknown>)[INSTRUMENTED] === true) {
    throw invalidValue('client', 'a client not instrumented yet (each call would be recorded twice)', `${name}() already instrumented`);
  }
  const wrapped = make(original);
  Object.defineProperty(wrapped, INSTRUMENTED, { value: true });
  Object.defineProperty(target, name, { value: wrapped, configurable: true, writable: true, enumerable: false });
}
