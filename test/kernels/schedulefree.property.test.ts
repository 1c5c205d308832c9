// The Schedule-Free SIMD kernels (SGD and AdamW steps, and train()'s y from x and z) against
// the scalar reference: random lengths 0..2000, random hyperparameters (c = 1 and c = 0
// included), float32 and float64, guards around every buffer.
import fc from "fast-check";
import { describe, it } from "vitest";
import { kernel } from "../../src/runtime/memory.js";
import type { DType } from "../../src/param.js";
import { interpolateReference, scheduleFreeReference } from "../reference/schedulefree.js";
import { rounder } from "../helpers/guarded.js";
import { arrays, scalar } from "../helpers/arbitraries.js";
import { expectKernelMatchesReference, suffix } from "../helpers/kernel-check.js";

const scalars = fc.record({
  lr: scalar(1e-5, 2), weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)),
  c: fc.oneof(fc.constant(1), fc.constant(0), scalar(1e-4, 1)), beta: scalar(0, 0.999),
  beta2: scalar(0, 0.9999), bc2: fc.oneof(fc.constant(1), scalar(1e-4, 1)), eps: scalar(1e-12, 1e-3),
});

for (const dtype of ["float32", "float64"] as DType[]) {
  describe(`schedule-free kernels (${dtype})`, () => {
    const r = rounder(dtype);

    it("SGD step matches the scalar reference bit for bit", () => {
      const k = kernel(`sgdScheduleFree_${suffix(dtype)}`);
      fc.assert(
        fc.property(arrays(dtype, 4), scalars, fc.integer({ min: 0, max: 3 }), ({ n, cols: [y, g, z, x] }, s, offset) => {
          expectKernelMatchesReference(dtype, n, offset, { y: y!, g: g!, z: z!, x: x! },
            (b) => k(b.y, b.g, b.z, b.x, n, s.lr, s.weightDecay, s.c, s.beta),
            (a) => scheduleFreeReference(r, a.y, a.g, a.z, a.x, null, s));
        }),
        { numRuns: 150 },
      );
    });

    it("AdamW step matches the scalar reference bit for bit", () => {
      const k = kernel(`adamwScheduleFree_${suffix(dtype)}`);
      fc.assert(
        fc.property(arrays(dtype, 5), scalars, fc.integer({ min: 0, max: 3 }), ({ n, cols: [y, g, z, x, v] }, s, offset) => {
          expectKernelMatchesReference(dtype, n, offset, { y: y!, g: g!, z: z!, x: x!, v: v!.map((e) => r(e * e)) },
            (b) => k(b.y, b.g, b.z, b.x, b.v, n, s.lr, s.weightDecay, s.beta2, s.bc2, s.eps, s.c, s.beta),
            (a) => scheduleFreeReference(r, a.y, a.g, a.z, a.x, a.v, s));
        }),
        { numRuns: 150 },
      );
    });

    it("train()'s y = beta*x + (1-beta)*z matches the scalar reference bit for bit", () => {
      const k = kernel(`scheduleFreeY_${suffix(dtype)}`);
      fc.assert(
        fc.property(arrays(dtype, 3), scalar(0, 0.999), fc.integer({ min: 0, max: 3 }), ({ n, cols: [y, z, x] }, beta, offset) => {
          expectKernelMatchesReference(dtype, n, offset, { y: y!, z: z!, x: x! },
            (b) => k(b.y, b.z, b.x, n, beta),
            (a) => a.y.forEach((_, i) => (a.y[i] = interpolateReference(r, a.x[i]!, a.z[i]!, beta))));
        }),
        { numRuns: 150 },
      );
    });
  });
}
