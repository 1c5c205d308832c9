// Kernel lookup. Minimal version so this branch builds; the typed kernel table replaces it.
import type { DType } from "../param.js";
import { kernel, type Kernel } from "./memory.js";

/** A kernel in both precisions, picked by the param's dtype. */
export function kernelsByDType(name: string): Record<DType, Kernel> {
  return { float32: kernel(`${name}_f32`), float64: kernel(`${name}_f64`) };
}

/** The sign a kernel multiplies the gradient by: -1 when maximizing. */
export const signOf = (maximize: boolean): number => (maximize ? -1 : 1);
