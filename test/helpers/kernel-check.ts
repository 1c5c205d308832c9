// One property test for any update kernel: random lengths 0..2000 (and every tail length),
// random hyperparameters, float32 and float64, buffers at 4 alignments with guards around
// each; the kernel's output must equal its scalar reference bit for bit.
import fc from "fast-check";
import { expect, it } from "vitest";
import { kernel } from "../../src/runtime/memory.js";
import type { DType } from "../../src/param.js";
import { arrays } from "./arbitraries.js";
import { Guarded, rounder } from "./guarded.js";

export type Buffers = Record<string, Float64Array>;

export interface KernelSpec<S> {
  /** Kernel name without the _f32/_f64 suffix. */
  name: string;
  /** Which specialisation the flag arguments select (for the test's title). */
  variant?: string;
  /** Buffer names in the kernel's pointer order (then comes n, then the scalars). */
  buffers: readonly string[];
  /** Buffers that hold non-negative values (second moments): filled with squares. */
  squares?: readonly string[];
  scalars: fc.Arbitrary<S>;
  /** The scalar arguments in the kernel's order. */
  args(s: S): number[];
  /** Updates `b` in place, rounding with `r` after each operation in the kernel's order. */
  reference(r: (x: number) => number, b: Buffers, s: S): void;
}

export function itMatchesReference<S>(spec: KernelSpec<S>, numRuns = 120): void {
  for (const dtype of ["float32", "float64"] as DType[]) {
    it(`${spec.name}${spec.variant ? ` ${spec.variant}` : ""} (${dtype}) equals its scalar reference bit for bit, guards intact`, () => {
      const k = kernel(`${spec.name}_${dtype === "float32" ? "f32" : "f64"}`);
      const r = rounder(dtype);
      fc.assert(
        fc.property(arrays(dtype, spec.buffers.length), spec.scalars, fc.integer({ min: 0, max: 3 }), ({ n, cols }, s, offset) => {
          const init: Buffers = {};
          spec.buffers.forEach((name, i) => {
            const col = cols[i]!;
            init[name] = Float64Array.from(spec.squares?.includes(name) ? col.map((x) => r(x * x)) : col);
          });
          const guarded = spec.buffers.map((name) => new Guarded(dtype, n, init[name]!, offset));
          try {
            k(...guarded.map((g) => g.ptr), n, ...spec.args(s));
            const want: Buffers = {};
            for (const name of spec.buffers) want[name] = Float64Array.from(init[name]!);
            spec.reference(r, want, s);
            spec.buffers.forEach((name, i) => {
              expect(Array.from(guarded[i]!.values), name).toEqual(Array.from(want[name]!));
              expect(guarded[i]!.guardsIntact(), `guards of ${name}`).toBe(true);
            });
          } finally {
            for (const g of guarded) g.free();
          }
        }),
        { numRuns },
      );
    });
  }
}
