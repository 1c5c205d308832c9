// The JSON form of state trees. `JSON.stringify` would turn a Float32Array into {"0": ..., "1": ...}
// and NaN, ±Infinity and -0 into null or 0; state dicts therefore carry a (non-enumerable)
// `toJSON` that writes them in a tagged form, and every loader accepts that form, so
//   opt.loadStateDict(JSON.parse(JSON.stringify(opt.stateDict())))
// restores the state bit for bit. The form (docs/checkpoints.md):
//   Float32Array / Float64Array  ->  { "$float32": [numbers] } / { "$float64": [numbers] }
//   NaN, Infinity, -Infinity, -0 ->  { "$number": "NaN" | "Infinity" | "-Infinity" | "-0" }
// (inside a typed array too: [1, { "$number": "NaN" }, 2]). Every finite float32 or float64
// value survives JSON's shortest round-trip decimal exactly.
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
    return { [tree instanceof Float32Array ? "$float32" : "$float64"]: Array.from(tree, number) };
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
    for (let i = 0; i < data.length; i++) {
      const x: unknown = data[i];
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
