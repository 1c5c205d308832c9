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
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

// ---- validators: each returns the value (possibly normalised) or throws InvalidOptionError.

export type Check<V> = (name: string, value: unknown) => V;

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** A finite number in [lo, hi] (or (lo, hi] / [lo, hi) with the open flags). */
export function range(lo: number, hi: number, { loOpen = false, hiOpen = false } = {}): Check<number> {
  const desc = `a finite number in ${loOpen ? "(" : "["}${lo}, ${hi}${hiOpen ? ")" : "]"}`;
  return (name, v) => {
    if (!finite(v) || (loOpen ? v <= lo : v < lo) || (hiOpen ? v >= hi : v > hi)) throw new InvalidOptionError(name, v, desc);
    return v;
  };
}

export const nonNegative: Check<number> = (name, v) => {
  if (!finite(v) || v < 0) throw new InvalidOptionError(name, v, "a finite number >= 0");
  return v;
};

export const positive: Check<number> = (name, v) => {
  if (!finite(v) || v <= 0) throw new InvalidOptionError(name, v, "a finite number > 0");
  return v;
};

/** eps > 0: with eps = 0 an element whose gradient is exactly 0 becomes 0/0 = NaN. */
export const epsilon: Check<number> = (name, v) => {
  if (!finite(v) || v <= 0) throw new InvalidOptionError(name, v, "a finite number > 0 (with 0, an exactly-zero gradient gives 0/0 = NaN)");
  return v;
};

export const probability: Check<number> = range(0, 1, { hiOpen: true });

export const bool: Check<boolean> = (name, v) => {
  if (typeof v !== "boolean") throw new InvalidOptionError(name, v, "true or false");
  return v;
};

/** A positive integer (>= min). */
export function integer(min: number): Check<number> {
  return (name, v) => {
    if (!Number.isSafeInteger(v) || (v as number) < min) throw new InvalidOptionError(name, v, `an integer >= ${min}`);
    return v as number;
  };
}

/** Adam-style betas: two numbers, each in [0, 1). Returned frozen. */
export const betaPair: Check<readonly [number, number]> = (name, v) => {
  if (!Array.isArray(v) || v.length !== 2) throw new InvalidOptionError(name, v, "a pair [beta1, beta2], each in [0, 1)");
  probability(`${name}[0]`, v[0]);
  probability(`${name}[1]`, v[1]);
  return Object.freeze([v[0], v[1]] as [number, number]);
};

export function oneOf<V extends string>(...values: V[]): Check<V> {
  return (name, v) => {
    if (!values.includes(v as V)) throw new InvalidOptionError(name, v, `one of ${values.map((x) => JSON.stringify(x)).join(", ")}`);
    return v as V;
  };
}

/** Thrown (when asked for) on a NaN or infinite gradient; nothing was modified. */
export class NonFiniteGradientError extends StateError {
  override name = "NonFiniteGradientError";
}
