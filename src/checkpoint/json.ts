// The JSON form of state trees. `JSON.stringify` would turn a Float32Array into {"0": ..., "1": ...}
// and NaN, ±Infinity and -0 into null or 0; state dicts therefore carry a (non-enumerable)
// `toJSON` that writes them in a tagged form, and every loader accepts that form, so
//   opt.loadStateDict(JSON.parse(JSON.stringify(opt.stateDict())))
// restores the state bit for bit. The form (docs/checkpoints.md):
//   Float32Array / Float64Array  ->  { "$float32": [numbers] } / { "$float64": [numbers] }
//   NaN, Infinity, -Infinity, -0 ->  { "$number": "NaN" | "Infinity" | "-Infinity" | "-0" }
// (inside a typed array too: [1, { "$number": "NaN" }, 2]; there a NaN other than the canonical
// quiet one — wasm arithmetic gives x86's negative NaN — keeps its bits in hex, as
// { "$number": "NaN:ffc00000" } in a $float32 or "NaN:fff8000000000000" in a $float64). Every
// finite float32 or float64 value survives JSON's shortest round-trip decimal exactly.
import { CheckpointError, type StateTree, type StateValue } from "./attachment.js";

type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };

function number(x: number): JSONValue {
  if (Number.isNaN(x)) return { $number: "NaN" };
  if (x === Infinity) return { $number: "Infinity" };
  if (x === -Infinity) return { $number: "-Infinity" };
  if (Object.is(x, -0)) return { $number: "-0" };
  return x;
}

/** `tree` in the JSON form (a new tree; `tree` is not changed). */
export function toJSONForm(tree: StateValue): JSONValue {
  if (typeof tree === "number") return number(tree);
  if (tree === null || typeof tree !== "object") return tree;
  if (tree instanceof Float32Array || tree instanceof Float64Array) {
    const bits = bitsOf(tree);
    const hex = tree instanceof Float32Array ? 8 : 16;
    const canonical = tree instanceof Float32Array ? NAN32 : NAN64;
    return {
      [tree instanceof Float32Array ? "$float32" : "$float64"]: Array.from(tree, (x, i) =>
        Number.isNaN(x) && bits[i] !== canonical ? { $number: `NaN:${bits[i]!.toString(16).padStart(hex, "0")}` } : number(x),
      ),
    };
  }
  if (Array.isArray(tree)) return tree.map(toJSONForm);
  const out: Record<string, JSONValue> = {};
  for (const [k, v] of Object.entries(tree)) out[k] = toJSONForm(v);
  return out;
}

/** Gives `tree` a non-enumerable toJSON writing the JSON form, and returns it. */
export function withJSONForm<T extends StateTree>(tree: T): T {
  Object.defineProperty(tree, "toJSON", { value: () => toJSONForm(tree), enumerable: false, configurable: true });
  return tree;
}

/** The canonical quiet NaNs (what JavaScript writes for NaN): other NaNs keep their bits in the JSON form. */
const NAN32 = 0x7fc00000;
const NAN64 = 0x7ff8000000000000n;
function bitsOf(a: Float32Array | Float64Array): Uint32Array | BigUint64Array {
  return a instanceof Float32Array
    ? new Uint32Array(a.buffer, a.byteOffset, a.length)
    : new BigUint64Array(a.buffer, a.byteOffset, a.length);
}

/** The bits of a `"NaN:<hex>"` element of a typed array of `hex` digits per element, or undefined when `v` is not one. */
function nanBits(v: unknown, hex: number, where: string): bigint | undefined {
  const name = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as { $number?: unknown }).$number : undefined;
  if (typeof name !== "string" || !name.startsWith("NaN:")) return undefined;
  const digits = name.slice(4);
  const bits = digits.length === hex && /^[0-9a-f]+$/.test(digits) ? BigInt(`0x${digits}`) : -1n;
  const exponent = hex === 8 ? 0x7f800000n : 0x7ff0000000000000n;
  const mantissa = hex === 8 ? 0x007fffffn : 0x000fffffffffffffn;
  if (bits < 0n || (bits & exponent) !== exponent || (bits & mantissa) === 0n) {
    throw new CheckpointError("invalid", `${where}.$number must be "NaN:" and the ${hex} lowercase hex digits of a NaN`);
  }
  return bits;
}

function special(v: unknown, where: string): number | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1 || keys[0] !== "$number") return undefined;
  const name = (v as { $number: unknown }).$number;
  if (typeof name !== "string" || !Object.hasOwn(SPECIAL, name)) {
    throw new CheckpointError("invalid", `${where}.$number must be one of "NaN", "Infinity", "-Infinity", "-0"`);
  }
  return SPECIAL[name];
}

/**
 * A state tree read back from its JSON form (tagged typed arrays and numbers decoded); a tree
 * that is not in that form is returned unchanged. Work is linear in the input.
 * @throws CheckpointError ("invalid") for a malformed tag.
 */
export function fromJSONForm(value: StateValue, where = "state"): StateValue {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    const list = value as readonly StateValue[];
    let out: StateValue[] | null = null;
    for (let i = 0; i < list.length; i++) {
      const v = fromJSONForm(list[i]!, `${where}[${i}]`);
      if (v !== list[i] && out === null) out = list.slice(0, i);
      if (out) out.push(v);
    }
    return out ?? list;
  }
  const s = special(value, where);
  if (s !== undefined) return s;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === "$float32" || keys[0] === "$float64")) {
    const data = (value as Record<string, unknown>)[keys[0]];
    if (!Array.isArray(data)) throw new CheckpointError("invalid", `${where}.${keys[0]} must be an array of numbers`);
    const out = keys[0] === "$float32" ? new Float32Array(data.length) : new Float64Array(data.length);
    const hex = out instanceof Float32Array ? 8 : 16;
    for (let i = 0; i < data.length; i++) {
      const x: unknown = data[i];
      const nan = typeof x === "number" ? undefined : nanBits(x, hex, `${where}.${keys[0]}[${i}]`);
      if (nan !== undefined) {
        const bits = bitsOf(out);
        if (bits instanceof Uint32Array) bits[i] = Number(nan);
        else bits[i] = nan;
        continue;
      }
      const n = typeof x === "number" ? x : special(x, `${where}.${keys[0]}[${i}]`);
      if (n === undefined) throw new CheckpointError("invalid", `${where}.${keys[0]}[${i}] is not a number`);
      out[i] = n;
    }
    return out;
  }
  let out: Record<string, StateValue> | null = null;
  for (const k of keys) {
    const v0 = (value as Record<string, StateValue>)[k]!;
    const v = fromJSONForm(v0, `${where}.${k}`);
    if (v !== v0 && out === null) out = { ...(value as Record<string, StateValue>) };
    if (out) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true }); // "__proto__" stays data
  }
  return out ?? value;
}
