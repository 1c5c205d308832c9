// The NAdam SIMD kernels against the scalar reference: random lengths 0..2000, random
// hyperparameters (L2 or decoupled decay, maximize), float32 and float64, guards.
import fc from "fast-check";
import { describe, it } from "vitest";
import { kernel } from "../../src/runtime/memory.js";
import type { DType } from "../../src/param.js";
import { nadamReference } from "../reference/nadam.js";
import { rounder } from "../helpers/guarded.js";
import { arrays, scalar } from "../helpers/arbitraries.js";
import { expectKernelMatchesReference, suffix } from "../helpers/kernel-check.js";

for (const dtype of ["float32", "float64"] as DType[]) {
  describe(`nadam kernels (${dtype})`, () => {
    it("matches the scalar reference bit for bit", () => {
      const k = kernel(`nadam_${suffix(dtype)}`);
      const r = rounder(dtype);
      fc.assert(
        fc.property(
          arrays(dtype, 4),
          fc.record({
            gradStep: scalar(1e-5, 1).map((x) => -x), momStep: scalar(1e-5, 10).map((x) => -x),
            beta1: scalar(0, 0.999), beta2: scalar(0, 0.9999), bc2: scalar(1e-4, 1), eps: scalar(1e-12, 1e-3),
            weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)), decay: fc.oneof(fc.constant(1), scalar(0.9, 1)),
            sign: fc.constantFrom(1, -1),
          }),
          fc.integer({ min: 0, max: 3 }),
          ({ n, cols: [p, g, m, v] }, s, offset) => {
            expectKernelMatchesReference(dtype, n, offset, { p: p!, g: g!, m: m!, v: v!.map((x) => r(x * x)) },
              (b) => k(b.p, b.g, b.m, b.v, n, s.gradStep, s.momStep, s.beta1, s.beta2, s.bc2, s.eps, s.weightDecay, s.decay, s.sign),
              (a) => nadamReference(r, a.p, a.g, a.m, a.v, s));
          },
        ),
        { numRuns: 150 },
      );
    });
  });
}
