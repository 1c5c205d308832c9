// Option checks: each validator returns the value (possibly normalised) or throws an
// InvalidOptionError naming the option and previewing the value: a TypeError
// (ERR_INVALID_ARG_TYPE) for the wrong type, a TypeError (ERR_INVALID_ARG_VALUE) for a wrong
// value of the right type, a RangeError (ERR_OUT_OF_RANGE) for a number out of range. A Schema lists an
// optimizer's hyperparameters with their defaults and validators.
import { InvalidOptionError } from "./errors.js";

/** Checks `value` for the option `name`; returns it (possibly normalised) or throws InvalidOptionError. */
export type Check<V> = (name: string, value: unknown) => V;

/** How each hyperparameter is checked, and its default (undefined: required). */
export type Schema<O> = {
  readonly [K in keyof O]-?: {
    /** The value a group gets when the option is not given; undefined: the option is required. */
    readonly default: O[K] | undefined;
    /** Validates (and may normalise) a value; throws InvalidOptionError naming the option. */
    readonly check: Check<O[K]>;
  };
};

/**
 * `Array.isArray` that keeps the element type: TypeScript's own narrows a `readonly T[]` to
 * `any[]`, which would switch the type checks off for every element read after it.
 */
export function isArray(v: unknown): v is readonly unknown[] {
  return Array.isArray(v);
}

/**
 * An options argument: a plain object (not null, not an array) whose own keys are all in
 * `names` — names every object inherits (`toString`, `constructor`, a JSON `"__proto__"`) are
 * not options — and whose values are not null unless the key is in `nullable` (an option left
 * out, or given as undefined, takes its default). Returned as is.
 * @throws InvalidOptionError: the wrong type for `where` or a null value, an unacceptable value for an unknown name.
 */
export function optionsObject<T>(
  value: T,
  where: string,
  names: readonly (keyof NonNullable<T> & string)[],
  nullable: readonly (keyof NonNullable<T> & string)[] = [],
): NonNullable<T> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidOptionError(where, value, `an object of options (${names.join(", ")})`, "type");
  }
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (!(names as readonly string[]).includes(key))
      throw new InvalidOptionError(`${where}.${key}`, v, `an option: ${names.join(", ")}`, "value");
    if (v === null && !(nullable as readonly string[]).includes(key))
      throw new InvalidOptionError(key, v, "a value (leave the option out for its default)", "type");
  }
  return value;
}

function finite(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** The error for a value that is not an acceptable number: wrong type, or a number out of range. */
function notNumber(name: string, v: unknown, desc: string): InvalidOptionError {
  return new InvalidOptionError(name, v, desc, typeof v === "number" ? "range" : "type");
}
/** A finite number in [lo, hi] (or (lo, hi] / [lo, hi) with the open flags). */
export function range(lo: number, hi: number, { loOpen = false, hiOpen = false } = {}): Check<number> {
  const desc = `a finite number in ${loOpen ? "(" : "["}${lo}, ${hi}${hiOpen ? ")" : "]"}`;
  return (name, v) => {
    if (!finite(v) || (loOpen ? v <= lo : v < lo) || (hiOpen ? v >= hi : v > hi)) throw notNumber(name, v, desc);
    return v;
  };
}

export function nonNegative(name: string, v: unknown): number {
  if (!finite(v) || v < 0) throw notNumber(name, v, "a finite number >= 0");
  return v;
}

export function positive(name: string, v: unknown): number {
  if (!finite(v) || v <= 0) throw notNumber(name, v, "a finite number > 0");
  return v;
}

/** eps > 0: with eps = 0 an element whose gradient is exactly 0 becomes 0/0 = NaN. */
export function epsilon(name: string, v: unknown): number {
  if (!finite(v) || v <= 0) throw notNumber(name, v, "a finite number > 0 (with 0, an exactly-zero gradient gives 0/0 = NaN)");
  return v;
}

/**
 * A hyperparameter the kernels take as a scalar rounded to the params' dtype: with float32
 * params it must stay finite there (lr = 1e308 is Infinity in float32, and Infinity · 0 = NaN)
 * and, when `nonZero` (an `epsilon` the kernels divide by), stay > 0 (1e-50 is 0 in float32:
 * an exactly-zero gradient then gives 0/0 = NaN, the case `eps: 0` is refused for). Only
 * float32 can fail: a finite float64 option is itself the kernel's scalar.
 * @throws OutOfRangeError (ERR_OUT_OF_RANGE) naming the option.
 */
export function checkInDType(name: string, v: number, dtype: "float32" | "float64", nonZero: boolean): void {
  if (dtype !== "float32") return;
  const r = Math.fround(v);
  if (!Number.isFinite(r)) throw notNumber(name, v, `a number finite in float32 (|v| <= 3.4e38) with float32 params: ${v} overflows`);
  if (nonZero && r === 0) throw notNumber(name, v, `a number that stays > 0 in float32 (>= 1.5e-45) with float32 params: ${v} rounds to 0`);
}

export const probability: Check<number> = range(0, 1, { hiOpen: true });

export function bool(name: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new InvalidOptionError(name, v, "true or false", "type");
  return v;
}

/** A positive integer (>= min). */
export function integer(min: number): Check<number> {
  return (name, v) => {
    if (!Number.isSafeInteger(v) || (v as number) < min) throw notNumber(name, v, `an integer >= ${min}`);
    return v as number;
  };
}

/** Adam-style betas: two numbers, each in [0, 1). Returned frozen. */
export function betaPair(name: string, v: unknown): readonly [number, number] {
  if (!Array.isArray(v) || v.length !== 2)
    throw new InvalidOptionError(name, v, "a pair [beta1, beta2], each in [0, 1)", Array.isArray(v) ? "value" : "type");
  probability(`${name}[0]`, v[0]);
  probability(`${name}[1]`, v[1]);
  return Object.freeze([v[0], v[1]] as [number, number]);
}

export function oneOf<V extends string>(...values: V[]): Check<V> {
  return (name, v) => {
    if (!values.includes(v as V)) {
      throw new InvalidOptionError(
        name,
        v,
        `one of ${values.map((x) => JSON.stringify(x)).join(", ")}`,
        typeof v === "string" ? "value" : "type",
      );
    }
    return v as V;
  };
}
