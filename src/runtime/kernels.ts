// Typed access to the wasm kernels. Each kernel's argument list is declared once, in
// assembly/kernels.mjs; scripts/build-wasm.mjs turns it into the AssemblyScript exports and
// into the named signatures of ./kernels.generated.ts used here. A kernel named k is exported
// twice, k_f32 and k_f64: these helpers pick the one for a param's dtype.
import type { DType } from "../param.js";
import { wasmExports } from "./memory.js";
import { kernelTable, vectorKernelNames, type KernelName, type KernelSignatures, type VectorKernelName } from "./kernels.generated.js";
import { kernelIndex, threadedKernel, type ElementwiseKernelName } from "./threads.js";

export type { KernelName, KernelSignatures, UpdateKernelName, VectorKernelName, WasmExports } from "./kernels.generated.js";

const SUFFIX: Readonly<Record<DType, string>> = { float32: "f32", float64: "f64" };

/** The export for `name` in `dtype` (e.g. adam_f32); throws if the module lacks it. */
function exported<N extends KernelName>(name: N, dtype: DType): KernelSignatures[N] {
  const full = `${name}_${SUFFIX[dtype]}`;
  const k = (wasmExports as unknown as Record<string, unknown>)[full];
  if (typeof k !== "function") throw new Error(`wasm-optim: no kernel named ${full} (build out of date?)`);
  return k as KernelSignatures[N];
}

/**
 * A kernel in both precisions, picked by the param's dtype, with its named signature:
 * `kernelsByDType("adam")[p.dtype](p.dataPtr, p.gradPtr, m, v, vmax, p.size, ...)`.
 * Called once per module (not per step); the record holds the wasm functions themselves.
 *
 * @param name - a kernel of assembly/kernels.mjs, without the _f32/_f64 suffix
 * @throws Error when the module lacks the export (a build out of date)
 */
export function kernelsByDType<N extends KernelName>(name: N): Record<DType, KernelSignatures[N]> {
  return { float32: threaded(name, "float32"), float64: threaded(name, "float64") };
}

/** The export for `name`, split across threads when that pays (./threads.ts threadedKernel); non-void kernels as they are. */
function threaded<N extends KernelName>(name: N, dtype: DType): KernelSignatures[N] {
  const direct = exported(name, dtype);
  const entry = kernelTable[name];
  if (entry.returns !== "void") return direct;
  const index = kernelIndex(name as ElementwiseKernelName, dtype);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: a union of signatures is no (...args: number[]) => unknown
  const call = direct as unknown as (...args: number[]) => unknown;
  return threadedKernel(index, entry.pointers.length, call) as unknown as KernelSignatures[N];
}

/** The vector kernels of one dtype (assembly/vector.ts), by name. */
export type VectorKernels = Pick<KernelSignatures, VectorKernelName>;

function vectorKernelsOf(dtype: DType): VectorKernels {
  return Object.fromEntries(vectorKernelNames.map((name) => [name, exported(name, dtype)])) as unknown as VectorKernels;
}

/** @internal The vector kernels by dtype (for hot loops that skip the dtype switch of ../vector.ts). */
export const vectorKernels: Readonly<Record<DType, VectorKernels>> = {
  float32: vectorKernelsOf("float32"),
  float64: vectorKernelsOf("float64"),
};

/** The sign a kernel multiplies the gradient by: -1 when maximizing, else 1. */
export function signOf(maximize: boolean): number {
  return maximize ? -1 : 1;
}
/**
 * The `plain` flag of the kernels that have one: 1 when the L2 coefficient added to the
 * gradient is 0 and not maximizing (torch's defaults; decoupled decay is not an L2 term), so
 * the kernel's specialisation uses the gradient as it is; else 0.
 */
export function plainOf(l2: number, maximize: boolean): number {
  return +(l2 === 0 && !maximize);
}
