/** Base class of every error this library throws on purpose. */
export class WasmOptimError extends Error {
  /** The class name, as in `err.name === "InvalidOptionError"`. */
  override name = "WasmOptimError";
}

/**
 * A hyperparameter or argument with a bad value. Nothing was modified. The message reads
 * `invalid <option>: <preview of the value> (expected <what is allowed>)`.
 */
export class InvalidOptionError extends WasmOptimError {
  /** {@inheritDoc WasmOptimError.name} */
  override name = "InvalidOptionError";
  /**
   * @param option - the option's name as the caller wrote it (`"lr"`, `"betas[1]"`, `"paramGroups[2].lr"`).
   * @param value - the value given.
   * @param expected - what is allowed, in words.
   */
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`invalid ${option}: ${show(value)} (expected ${expected})`);
  }
}

/** The 4 GiB wasm32 address space (or the machine) cannot hold what was asked for. */
export class OutOfMemoryError extends WasmOptimError {
  /** {@inheritDoc WasmOptimError.name} */
  override name = "OutOfMemoryError";
}

/** A call that is not allowed in the object's current state (disposed, eval mode, ...). */
export class StateError extends WasmOptimError {
  /** {@inheritDoc WasmOptimError.name} */
  override name = "StateError";
}

/** @internal A short preview of a value for error messages. */
export function show(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined || value === null || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Thrown (when asked for) on a NaN or infinite gradient; nothing was modified. */
export class NonFiniteGradientError extends StateError {
  /** {@inheritDoc WasmOptimError.name} */
  override name = "NonFiniteGradientError";
}
