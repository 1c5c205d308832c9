// Readers for a loaded state tree: each checks one value and throws CheckpointError
// ("invalid" for a wrong type or range, "mismatch" for a valid value that does not fit here).
import { show } from "../errors.js";
import { isArray } from "../options.js";
import type { DType, FloatArray } from "../param.js";
import { CheckpointError, isTree, type StateTree, type StateValue } from "./attachment.js";

function invalid(where: string, v: unknown, expected: string): CheckpointError {
  return new CheckpointError("invalid", `${where} is ${describe(v)}, expected ${expected}`);
}
function describe(v: unknown): string {
  if (v instanceof Float32Array || v instanceof Float64Array) return `a ${v.constructor.name} of length ${v.length}`;
  const s = show(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function asTree(v: StateValue | undefined, where: string): StateTree {
  if (!isTree(v)) throw invalid(where, v, "an object");
  return v;
}

export function asArray(v: StateValue | undefined, where: string, length?: number): readonly StateValue[] {
  if (!isArray(v)) throw invalid(where, v, length === undefined ? "an array" : `an array of ${length}`);
  if (length !== undefined && v.length !== length)
    throw new CheckpointError("mismatch", `${where} has ${v.length} entries, expected ${length}`);
  return v;
}

/** A number (any, including Infinity and NaN, unless `finite`). */
export function asNumber(v: StateValue | undefined, where: string, finite = false): number {
  if (typeof v !== "number" || (finite && !Number.isFinite(v))) throw invalid(where, v, finite ? "a finite number" : "a number");
  return v;
}

export function asInteger(v: StateValue | undefined, where: string, min = 0): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw invalid(where, v, `an integer >= ${min}`);
  return v;
}

export function asString(v: StateValue | undefined, where: string): string {
  if (typeof v !== "string") throw invalid(where, v, "a string");
  return v;
}

/** An object whose values are all numbers (ParamState.scalars, group state). */
export function asScalars(v: StateValue | undefined, where: string): Record<string, number> {
  const t = asTree(v, where);
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(t)) out[k] = asNumber(x, `${where}.${k}`, true); // a NaN here would poison every later step
  return out;
}

/**
 * An array of `length` elements of `dtype`: a typed array of that dtype, or a plain array
 * of numbers (a stateDict that went through JSON), copied into a new typed array.
 */
export function asFloatArray(v: StateValue | undefined, where: string, dtype: DType, length: number): FloatArray {
  const Ctor = dtype === "float64" ? Float64Array : Float32Array;
  if (v instanceof Float32Array || v instanceof Float64Array) {
    if (!(v instanceof Ctor)) throw new CheckpointError("mismatch", `${where} is ${describe(v)}, expected ${dtype} (the param's dtype)`);
    if (v.length !== length) throw new CheckpointError("mismatch", `${where} has ${v.length} elements, expected ${length}`);
    return v;
  }
  if (isArray(v) && v.every((x): x is number => typeof x === "number")) {
    if (v.length !== length) throw new CheckpointError("mismatch", `${where} has ${v.length} elements, expected ${length}`);
    return Ctor.from(v);
  }
  throw invalid(where, v, `a Float${dtype === "float64" ? 64 : 32}Array of ${length} elements`);
}

/** Requires `v` to equal `want` (same JSON-like structure and numbers); else a mismatch. */
export function expectSame(v: StateValue | undefined, want: StateValue, where: string): void {
  if (!sameValue(v, want)) throw new CheckpointError("mismatch", `${where} is ${describe(v)} in the checkpoint, ${describe(want)} here`);
}
function sameValue(a: StateValue | undefined, b: StateValue): boolean {
  if (typeof b === "number") return typeof a === "number" && Object.is(a, b);
  if (b === null || typeof b !== "object") return a === b;
  if (ArrayBuffer.isView(b) || Array.isArray(b)) {
    const bl = b as ArrayLike<StateValue>;
    if (a === null || typeof a !== "object" || !("length" in a) || (a as ArrayLike<StateValue>).length !== bl.length) return false;
    for (let i = 0; i < bl.length; i++) if (!sameValue((a as ArrayLike<StateValue>)[i], bl[i]!)) return false;
    return true;
  }
  if (!isTree(a)) return false;
  const ka = Object.keys(a),
    kb = Object.keys(b);
  return ka.length === kb.length && kb.every((k) => Object.prototype.hasOwnProperty.call(a, k) && sameValue(a[k], (b as StateTree)[k]!));
}
