import { expect } from 'vitest';

/** Asserts that `fn` throws exactly an instance of `Type` with `message`, tagged with `code`. */
export function expectThrows(
  fn: () => unknown,
  Type: ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor,
  message: string,
  code = 'RACTO_ERR_INVALID_ARG',
): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(Type);
  expect((thrown as Error).constructor).toBe(Type);
  expect((thrown as Error).message).toBe(message);
  expect((thrown as { code?: string }).code).toBe(code);
}
