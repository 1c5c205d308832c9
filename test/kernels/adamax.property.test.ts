// The Adamax SIMD kernels against the scalar reference: random lengths 0..2000, random
// hyperparameters, float32 and float64, unaligned starts, guards around every buffer.
import fc from "fast-check";
import { describe, it } from "vitest";
import { kernel } from "../../src/runtime/memory.js";
import type { DType } from "../../src/param.js";
import { adamaxReference } from "../reference/adamax.js";
import { rounder } from "../helpers/guarded.js";
import { arrays, scalar } from "../helpers/arbitraries.js";
import { expectKernelMatchesReference, suffix } from "../helpers/kernel-check.js";

for (const dtype of ["float32", "float64"] as DType[]) {
  describe(`adamax kernels (${dtype})`, () => {
    it("matches the scalar reference bit for bit", () => {
      const k = kernel(`adamax_${suffix(dtype)}`);
      fc.assert(
        fc.property(
          arrays(dtype, 4),
          fc.record({
            clr: scalar(1e-5, 1), beta1: scalar(0, 0.999), beta2: scalar(0, 0.9999), eps: scalar(1e-12, 1e-3),
            weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)), sign: fc.constantFrom(1, -1),
          }),
          fc.integer({ min: 0, max: 3 }),
          ({ n, cols: [p, g, m, u] }, s, offset) => {
            expectKernelMatchesReference(dtype, n, offset, { p: p!, g: g!, m: m!, u: u!.map(Math.abs) },
              (b) => k(b.p, b.g, b.m, b.u, n, s.clr, s.beta1, s.beta2, s.eps, s.weightDecay, s.sign),
              (a) => adamaxReference(rounder(dtype), a.p, a.g, a.m, a.u, s));
          },
        ),
        { numRuns: 150 },
      );
    });
  });
}
