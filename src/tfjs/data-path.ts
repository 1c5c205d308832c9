// How values cross between TF.js tensors and wasm-optim's memory, per TF.js backend. Chosen by
// measurement (bench/tfjs.bench.mjs, "data path"; docs/tfjs.md says what was measured and why):
//
//   read (a gradient or a variable's value into a Param's wasm memory): ONE copy.
//     cpu:   tensor.dataSync() returns the backend's own Float32Array (no copy), then `set`.
//     wasm:  dataSync() would copy out of TF.js's heap first (HEAPU8.slice); instead a view of
//            TF.js's heap (backend.typedArrayFromHeap, the method its own kernels use) is copied
//            from directly, synchronously, and not kept.
//   write (the updated values into a tf.Variable): a NEW tensor, then variable.assign(t), then
//   t.dispose() (assign does not take ownership: the variable holds the storage, t is freed).
//     cpu:   tf.tensor(values) ADOPTS the array it is given (cpu backend `write` stores it), so
//            it is given a copy (`slice()`): a view of wasm memory would make the variable
//            share storage with the optimizer, changing under any tensor that shares it.
//     wasm:  tf.tensor(values) copies into TF.js's heap (backend `write` -> HEAPU8.set) before
//            returning: the view of wasm memory is passed as is, one copy instead of two.
//   Never written in place into a variable's existing storage: on the cpu backend, arrays
//   handed out by dataSync() and tensors made by clone()/reshape() share it.
import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";

/** The two moves of one step: a tensor's values into wasm memory, and wasm memory into a variable. */
export interface DataPath {
  /** "cpu", "wasm" or "copy" (any other backend): which path this is. */
  readonly name: string;
  /** Copies `t`'s float32 values into `into` (same length). */
  read(t: Tensor, into: Float32Array): void;
  /** Sets `v` to a copy of `values` (no tensor is left behind; `values` is not retained). */
  write(v: Variable, values: Float32Array): void;
}

/** The wasm backend's own accessor of a tensor's storage in its heap (a view, valid until the heap grows). */
interface WasmBackend {
  typedArrayFromHeap(t: Tensor): Float32Array;
}

function assign(v: Variable, values: Float32Array): void {
  const t = tf.tensor(values, v.shape, "float32");
  v.assign(t);
  t.dispose();
}

/** Any backend: TF.js's public API only, copying on both sides. */
const copying: DataPath = {
  name: "copy",
  read: (t, into) => into.set(t.dataSync()),
  write: (v, values) => assign(v, values.slice()),
};

/** cpu: dataSync() hands out the backend's storage (no copy); tf.tensor adopts its array (copy first). */
const cpu: DataPath = { ...copying, name: "cpu" };

const wasm: DataPath = {
  name: "wasm",
  read: (t, into) => into.set((tf.backend() as unknown as WasmBackend).typedArrayFromHeap(t)),
  write: assign,
};

/** The path for the current backend (looked up per step: `tf.setBackend` may change it between steps). */
export function dataPath(): DataPath {
  const name = tf.getBackend();
  if (name === "cpu") return cpu;
  if (name === "wasm" && typeof (tf.backend() as unknown as Partial<WasmBackend>).typedArrayFromHeap === "function") return wasm;
  return copying;
}
