// The errors this library throws on purpose, shaped as Node's own APIs shape theirs: a bad
// argument is a TypeError (wrong type: ERR_INVALID_ARG_TYPE; right type, unacceptable value:
// ERR_INVALID_ARG_VALUE) or a RangeError (a number out of range: ERR_OUT_OF_RANGE), with a
// stable `code`, the option's name and a short preview of the value. Every message is
// bounded: a value is never stringified whole (a 1e6-element array previews a few elements).

/** Base class of the library's state and resource errors (StateError, OutOfMemoryError, CheckpointError). */
export class WasmOptimError extends Error {
  /** The class name, as in `err.name === "StateError"`. */
  override name = "WasmOptimError";
  /** A stable machine-readable code (e.g. `ERR_WASM_OPTIM_STATE`). */
  readonly code: string = "ERR_WASM_OPTIM";
}

/** The stable codes of bad-argument errors: Node's own three. */
export type InvalidOptionCode = "ERR_INVALID_ARG_TYPE" | "ERR_INVALID_ARG_VALUE" | "ERR_OUT_OF_RANGE";

/** What every bad-argument error carries besides its message. */
export interface OptionErrorFields {
  /** The option or argument, as a path (e.g. `"betas[1]"`, `"paramGroups[0].lr"`). */
  readonly option: string;
  /** The offending value itself (not a copy; the message holds only a short preview). */
  readonly value: unknown;
  /** What would have been accepted, in words. */
  readonly expected: string;
  /** Node's code: the wrong type, an unacceptable value, or out of range. */
  readonly code: InvalidOptionCode;
}

const MAX_EXPECTED = 180;

function optionMessage(option: string, value: unknown, expected: string): string {
  const want = expected.length > MAX_EXPECTED ? `${expected.slice(0, MAX_EXPECTED - 1)}…` : expected;
  return `invalid ${clip(option, 60)}: ${show(value)} (expected ${want})${hint(value, expected)}`;
}

/** A bad-argument error of the wrong type: `instanceof TypeError` and `instanceof InvalidOptionError`. */
export class InvalidArgTypeError extends TypeError implements OptionErrorFields {
  /** The class name. */
  override name = "InvalidArgTypeError";
  /** Node's code for this kind of bad argument. */
  readonly code = "ERR_INVALID_ARG_TYPE";
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(optionMessage(option, value, expected));
  }
}

/** A bad-argument error of the right type but an unacceptable value (e.g. not one of the allowed names). */
export class InvalidArgValueError extends TypeError implements OptionErrorFields {
  /** The class name. */
  override name = "InvalidArgValueError";
  /** Node's code for this kind of bad argument. */
  readonly code = "ERR_INVALID_ARG_VALUE";
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(optionMessage(option, value, expected));
  }
}

/** A number out of its range (NaN and ±Infinity included where finite numbers are required). */
export class OutOfRangeError extends RangeError implements OptionErrorFields {
  /** The class name. */
  override name = "OutOfRangeError";
  /** Node's code for this kind of bad argument. */
  readonly code = "ERR_OUT_OF_RANGE";
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(optionMessage(option, value, expected));
  }
}

/** Which kind of bad argument: the wrong type, an unacceptable value, or a number out of range. */
export type InvalidOptionKind = "type" | "value" | "range";

/** Any bad-argument error (one of the three classes above), as `instanceof InvalidOptionError` sees it. */
export type InvalidOptionError = (InvalidArgTypeError | InvalidArgValueError | OutOfRangeError) & OptionErrorFields;

/** The type of {@link InvalidOptionError}: constructible, and recognising the three classes by `instanceof`. */
export interface InvalidOptionErrorConstructor {
  /**
   * The bad-argument error for `option`: nothing was modified. `kind` picks the class; left
   * out, a number (NaN and ±Infinity included) where a number is expected (`expected` starts
   * "a number", "a finite number", "an integer", ...) is out of range, and anything else,
   * a number where something else is expected included, is of the wrong type.
   */
  new (option: string, value: unknown, expected: string, kind?: InvalidOptionKind): InvalidOptionError;
  /** The prototype `instanceof` would consult; the three classes are recognised through Symbol.hasInstance instead. */
  readonly prototype: InvalidOptionError;
}

/** An `expected` that asks for a number: a number given for it is out of range, not of the wrong type. */
const NUMERIC = /^(null or )?(an? )?((finite|positive|non-negative|negative) )?(number|integer|group index)\b|^at most /;

/**
 * A bad option or argument (wrong type, unacceptable value, or out of range). Constructing it
 * gives an InvalidArgTypeError (a TypeError), an InvalidArgValueError (a TypeError) or an
 * OutOfRangeError (a RangeError); `err instanceof InvalidOptionError` is true for all three.
 * Nothing was modified when one is thrown.
 */
export const InvalidOptionError = function InvalidOptionError(option: string, value: unknown, expected: string, kind?: InvalidOptionKind) {
  const k = kind ?? (typeof value === "number" && NUMERIC.test(expected) ? "range" : "type");
  return k === "range"
    ? new OutOfRangeError(option, value, expected)
    : k === "value"
      ? new InvalidArgValueError(option, value, expected)
      : new InvalidArgTypeError(option, value, expected);
} as unknown as InvalidOptionErrorConstructor;
Object.defineProperty(InvalidOptionError, Symbol.hasInstance, {
  value: (x: unknown) => x instanceof InvalidArgTypeError || x instanceof InvalidArgValueError || x instanceof OutOfRangeError,
});

/** The 4 GiB wasm32 address space (or the machine) cannot hold what was asked for. Nothing was modified. */
export class OutOfMemoryError extends WasmOptimError {
  /** {@inheritDoc WasmOptimError.name} */
  override name = "OutOfMemoryError";
  override readonly code = "ERR_WASM_OPTIM_OUT_OF_MEMORY";
}

/** A call that is not allowed in the object's current state (disposed, eval mode, ...). Nothing was modified. */
export class StateError extends WasmOptimError {
  /** {@inheritDoc WasmOptimError.name} */
  override name = "StateError";
  override readonly code: string = "ERR_WASM_OPTIM_STATE";
}

/** Thrown (when asked for) on a NaN or infinite gradient; nothing was modified. */
export class NonFiniteGradientError extends StateError {
  /** {@inheritDoc WasmOptimError.name} */
  override name = "NonFiniteGradientError";
  override readonly code = "ERR_WASM_OPTIM_NON_FINITE_GRADIENT";
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Elements shown of an array or typed array, and characters of a string. */
const PREVIEW_ITEMS = 4;
const PREVIEW_CHARS = 40;

/**
 * A short preview of any value for an error message (at most ~100 characters, whatever the
 * value's size): `-0`, `"text"`, `[1, 2, 3, 4, … 96 more]`, `Float32Array(1000000) [0.5, …]`,
 * `{ lr, betas, … }`, `function f`, `Param(size 10)`.
 */
export function show(value: unknown, depth = 0): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(clip(value, PREVIEW_CHARS));
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return clip(value.toString(), PREVIEW_CHARS);
  if (typeof value === "function") return `function ${clip(value.name || "(anonymous)", PREVIEW_CHARS)}`;
  if (value === undefined || value === null || typeof value === "boolean") return String(value);
  const items = (list: ArrayLike<unknown>): string => {
    const n = Math.min(list.length, PREVIEW_ITEMS);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(depth > 0 ? "…" : show(list[i], depth + 1));
    if (list.length > n) parts.push(`… ${list.length - n} more`);
    return `[${parts.join(", ")}]`;
  };
  try {
    if (ArrayBuffer.isView(value)) {
      const name = value.constructor.name;
      return "length" in value
        ? `${name}(${(value as unknown as ArrayLike<number>).length}) ${items(value as unknown as ArrayLike<number>)}`
        : name;
    }
    if (Array.isArray(value)) return items(value);
    const ctor = (value as { constructor?: { name?: unknown } }).constructor;
    const ctorName = typeof ctor?.name === "string" ? ctor.name : "";
    if (ctorName === "Param" && typeof (value as { size?: unknown }).size === "number") {
      return `Param(size ${(value as { size: number }).size})`;
    }
    if (depth > 0) return ctorName && ctorName !== "Object" ? ctorName : "{…}";
    const keys = Object.keys(value);
    const shown = keys.slice(0, PREVIEW_ITEMS).map((k) => clip(k, 20));
    if (keys.length > PREVIEW_ITEMS) shown.push("…");
    const body = keys.length === 0 ? "{}" : `{ ${shown.join(", ")} }`;
    return ctorName && ctorName !== "Object" ? `${clip(ctorName, 30)} ${body}` : body;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** What to use instead, for values people pass where a Param belongs (typed arrays, TF.js variables). */
function hint(value: unknown, expected: string): string {
  if (!/\bParam\b/.test(expected) || value === null || typeof value !== "object") return "";
  if (ArrayBuffer.isView(value))
    return "; to train a typed array, copy it in with Param.from(array) or keep it with Param.wrap(data, grad)";
  const v = value as { dataSync?: unknown; shape?: unknown };
  if (typeof v.dataSync === "function" && Array.isArray(v.shape)) {
    return "; for a TF.js variable, copy it in with Param.from(v.dataSync(), { shape: v.shape })";
  }
  return "";
}
