/** Base class of every error this library throws on purpose. */
export class WasmOptimError extends Error {
  override name = "WasmOptimError";
}

/** A hyperparameter or argument with a bad value. Nothing was modified. */
export class InvalidOptionError extends WasmOptimError {
  override name = "InvalidOptionError";
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
  override name = "OutOfMemoryError";
}

/** A call that is not allowed in the object's current state (disposed, eval mode, ...). */
export class StateError extends WasmOptimError {
  override name = "StateError";
}

export function show(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined || value === null || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (typeof value === "symbol" || typeof value === "function") return String(value); // JSON.stringify gives undefined
  try {
    const json = JSON.stringify(value) as string | undefined; // undefined: a toJSON() that returns undefined
    return json ?? Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Thrown (when asked for) on a NaN or infinite gradient; nothing was modified. */
export class NonFiniteGradientError extends StateError {
  override name = "NonFiniteGradientError";
}
