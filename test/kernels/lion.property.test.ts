// The Lion SIMD kernels against the paper's formula written as a scalar loop: random lengths
// 0..2000, random hyperparameters (momentum buffers with exact zeros, so sign(0) = 0 is hit),
// float32 and float64, guards around every buffer.
import fc from "fast-check";
import { describe, it } from "vitest";
import { kernel } from "../../src/runtime/memory.js";
import type { DType } from "../../src/param.js";
import { lionReference } from "../reference/lion.js";
import { rounder } from "../helpers/guarded.js";
import { arrays, scalar } from "../helpers/arbitraries.js";
import { expectKernelMatchesReference, suffix } from "../helpers/kernel-check.js";

for (const dtype of ["float32", "float64"] as DType[]) {
  describe(`lion kernels (${dtype})`, () => {
    it("matches the paper's update as a scalar loop, bit for bit", () => {
      const k = kernel(`lion_${suffix(dtype)}`);
      fc.assert(
        fc.property(
          arrays(dtype, 3),
          fc.record({
            lr: scalar(1e-6, 1e-1), beta1: scalar(0, 0.999), beta2: scalar(0, 0.9999),
            weightDecay: fc.oneof(fc.constant(0), scalar(1e-4, 10)), sign: fc.constantFrom(1, -1),
          }),
          fc.integer({ min: 0, max: 3 }),
          ({ n, cols: [p, g, m] }, s, offset) => {
            expectKernelMatchesReference(dtype, n, offset, { p: p!, g: g!, m: m! },
              (b) => k(b.p, b.g, b.m, n, s.lr, s.beta1, s.beta2, s.weightDecay, s.sign),
              (a) => lionReference(rounder(dtype), a.p, a.g, a.m, s));
          },
        ),
        { numRuns: 150 },
      );
    });
  });
}
