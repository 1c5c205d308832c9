// Bad-option checks: the error is an InvalidOptionError that names the option and the value.
import { expect } from "vitest";
import { InvalidOptionError } from "../../src/index.js";

/**
 * `make(options)` must throw an InvalidOptionError naming `option` (or the element that is
 * wrong, e.g. "betas[0]") and carrying the offending value.
 */
export function expectInvalidOption(
  make: (options: object) => unknown,
  option: string,
  value: unknown,
  named = option,
  carried = value,
): void {
  let err: unknown;
  try {
    make({ [option]: value });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InvalidOptionError);
  expect((err as InvalidOptionError).option).toBe(named);
  expect((err as InvalidOptionError).value).toEqual(carried);
  expect((err as Error).message).toContain(named);
}
