// The Adadelta SIMD kernels against the scalar reference: random lengths 0..2000, random
// hyperparameters, float32 and float64, guards around every buffer.
import fc from "fast-check";
import { describe, it } from "vitest";
import { kernel } from "../../src/runtime/memory.js";
import type { DType } from "../../src/param.js";
import { adadeltaReference } from "../reference/adadelta.js";
import { rounder } from "../helpers/guarded.js";
import { arrays, scalar } from "../helpers/arbitraries.js";
import { expectKernelMatchesReference, suffix } from "../helpers/kernel-check.js";

for (const dtype of ["float32", "float64"] as DType[]) {
  describe(`adadelta kernels (${dtype})`, () => {
    it("matches the scalar reference bit for bit", () => {
      const k = kernel(`adadelta_${suffix(dtype)}`);
      const r = rounder(dtype);
      fc.assert(
        fc.property(
          arrays(dtype, 4),
          fc.record({
            lr: scalar(1e-3, 2), rho: scalar(0, 1), eps: scalar(1e-10, 1e-2),
            weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)), sign: fc.constantFrom(1, -1),
          }),
          fc.integer({ min: 0, max: 3 }),
          ({ n, cols: [p, g, v, acc] }, s, offset) => {
            expectKernelMatchesReference(dtype, n, offset, { p: p!, g: g!, v: v!.map((x) => r(x * x)), acc: acc!.map((x) => r(x * x)) },
              (b) => k(b.p, b.g, b.v, b.acc, n, s.lr, s.rho, s.eps, s.weightDecay, s.sign),
              (a) => adadeltaReference(r, a.p, a.g, a.v, a.acc, s));
          },
        ),
        { numRuns: 150 },
      );
    });
  });
}
