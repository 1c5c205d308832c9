// Byte snapshots for all-or-nothing checks: params, gradients and an optimizer's own state.
import { packState, type Optimizer, type Param, type StateValue } from "../../src/index.js";

/** Params, gradients and the optimizer's state dict (not its attachments) as bytes. */
export function bytesOf(params: readonly Param[], opt: Optimizer<object>): Uint8Array {
  const sd = opt.stateDict();
  return packState({ sd: { ...sd, attachments: [] }, data: params.map((p) => p.data.slice()), grads: params.map((p) => p.grad.slice()) });
}

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A state dict through JSON (typed arrays as number arrays), as a JSON store gives it back. */
export function throughJson(value: StateValue): StateValue {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v))) as StateValue;
}
