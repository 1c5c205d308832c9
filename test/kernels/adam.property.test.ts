// The Adam SIMD kernels against the scalar reference: random lengths 0..2000 (every tail
// length), random hyperparameters, float32 and float64, guards around every buffer.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kernel } from "../../src/runtime/memory.js";
import type { DType } from "../../src/param.js";
import { adamReference } from "../reference/adam.js";
import { Guarded, rounder } from "../helpers/guarded.js";
import { arrays, scalar } from "../helpers/arbitraries.js";

for (const dtype of ["float32", "float64"] as DType[]) {
  describe(`adam kernels (${dtype})`, () => {
    for (const amsgrad of [false, true]) {
      it(`${amsgrad ? "amsgrad " : ""}matches the scalar reference bit for bit`, () => {
        const k = kernel(`${amsgrad ? "adamAmsgrad" : "adam"}_${dtype === "float32" ? "f32" : "f64"}`);
        fc.assert(
          fc.property(
            arrays(dtype, 5),
            fc.record({
              stepSize: scalar(1e-5, 1), beta1: scalar(0, 0.999), beta2: scalar(0, 0.9999), bc2sqrt: scalar(1e-3, 1),
              eps: scalar(1e-12, 1e-3), weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)),
              decay: fc.oneof(fc.constant(1), scalar(0.9, 1)), sign: fc.constantFrom(1, -1),
            }),
            fc.integer({ min: 0, max: 3 }),
            ({ n, cols }, s, offset) => {
              const [p0, g, m0, v0raw, vmax0raw] = cols;
              const r = rounder(dtype);
              const v0 = v0raw!.map((x) => r(x * x)), vmax0 = vmax0raw!.map((x) => r(x * x));
              const bufs = [p0!, g!, m0!, v0, vmax0].map((a) => new Guarded(dtype, n, a, offset));
              const [P, G, M, V, VM] = bufs as [Guarded, Guarded, Guarded, Guarded, Guarded];
              const args = [s.stepSize, s.beta1, s.beta2, s.bc2sqrt, s.eps, s.weightDecay, s.decay, s.sign];
              if (amsgrad) k(P.ptr, G.ptr, M.ptr, V.ptr, VM.ptr, n, ...args);
              else k(P.ptr, G.ptr, M.ptr, V.ptr, n, ...args);
              const p = Float64Array.from(p0!), m = Float64Array.from(m0!), v = Float64Array.from(v0), vm = Float64Array.from(vmax0);
              adamReference(rounder(dtype), p, g!, m, v, amsgrad ? vm : null, s);
              expect(Array.from(P.values)).toEqual(Array.from(p));
              expect(Array.from(M.values)).toEqual(Array.from(m));
              expect(Array.from(V.values)).toEqual(Array.from(v));
              if (amsgrad) expect(Array.from(VM.values)).toEqual(Array.from(vm));
              for (const b of bufs) expect(b.guardsIntact()).toBe(true);
              for (const b of bufs) b.free();
            },
          ),
          { numRuns: 150 },
        );
      });
    }
  });
}
