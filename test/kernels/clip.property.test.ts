// The clipping, finite-check and accumulation kernels against the scalar references: random
// lengths 0..2000 (every tail length), float32 and float64, NaN and infinities sprinkled in
// for the reductions, guards around every buffer. Bit for bit, except powsum (the module's
// Math.pow and V8's may differ in the last bit).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kernel } from "../../src/runtime/memory.js";
import type { DType } from "../../src/param.js";
import { Guarded, rounder } from "../helpers/guarded.js";
import { arrays, scalar } from "../helpers/arbitraries.js";
import {
  accumulateReference, allfiniteReference, clampReference, maxabsReference, powsumReference, scaleReference, sumsqReference,
} from "../reference/clip.js";

type Reduction = (ptr: number, n: number, ...s: number[]) => number;
const k = (name: string, dtype: DType) => kernel(`${name}_${dtype === "float32" ? "f32" : "f64"}`) as unknown as Reduction;

/** Values with, sometimes, a NaN / +-Infinity placed at a random index. */
const withSpecials = (dtype: DType) =>
  fc.tuple(arrays(dtype, 1), fc.constantFrom(null, NaN, Infinity, -Infinity), fc.nat()).map(([{ n, cols }, special, at]) => {
    const x = cols[0]!;
    if (special !== null && n > 0) x[at % n] = special;
    return x;
  });

function withBuffer<R>(dtype: DType, x: number[], offset: number, fn: (g: Guarded) => R): R {
  const g = new Guarded(dtype, x.length, x, offset);
  try {
    const r = fn(g);
    expect(g.guardsIntact()).toBe(true);
    return r;
  } finally {
    g.free();
  }
}

for (const dtype of ["float32", "float64"] as DType[]) {
  const r = rounder(dtype);
  describe(`clip kernels (${dtype})`, () => {
    it("sumsq: sum of squares in float64, bit for bit; non-finite exactly when an element is", () => {
      fc.assert(
        fc.property(withSpecials(dtype), fc.integer({ min: 0, max: 3 }), (x, off) => {
          const got = withBuffer(dtype, x, off, (g) => k("clip_sumsq", dtype)(g.ptr, x.length));
          expect(Object.is(got, sumsqReference(dtype, x)) || (Number.isNaN(got) && Number.isNaN(sumsqReference(dtype, x)))).toBe(true);
          expect(Number.isFinite(got)).toBe(allfiniteReference(x));
        }),
        { numRuns: 200 },
      );
    });

    it("maxabs and allfinite", () => {
      fc.assert(
        fc.property(withSpecials(dtype), fc.integer({ min: 0, max: 3 }), (x, off) => {
          const [m, f] = withBuffer(dtype, x, off, (g) => [k("clip_maxabs", dtype)(g.ptr, x.length), k("clip_allfinite", dtype)(g.ptr, x.length)]);
          expect(m).toEqual(maxabsReference(x));
          expect(f === 1).toBe(allfiniteReference(x));
        }),
        { numRuns: 200 },
      );
    });

    it("powsum: sum of |x|^p within a few float64 ulps", () => {
      fc.assert(
        fc.property(arrays(dtype, 1), scalar(0.25, 8), ({ n, cols }, p) => {
          const x = cols[0]!;
          const got = withBuffer(dtype, x, 0, (g) => k("clip_powsum", dtype)(g.ptr, n, p));
          const want = powsumReference(x, p);
          expect(Math.abs(got - want)).toBeLessThanOrEqual(4e-16 * Math.max(n, 1) * want);
        }),
        { numRuns: 100 },
      );
    });

    it("scale and clamp, bit for bit (NaN stays NaN, -0 stays -0)", () => {
      fc.assert(
        fc.property(withSpecials(dtype), scalar(1e-4, 2), scalar(1e-3, 100), fc.integer({ min: 0, max: 3 }), (x, c, clip, off) => {
          const sx = Float64Array.from(x), cx = Float64Array.from(x);
          scaleReference(r, sx, c);
          clampReference(r, cx, -clip, clip);
          expect(Array.from(withBuffer(dtype, x, off, (g) => (k("clip_scale", dtype)(g.ptr, x.length, c), g.values.slice())))).toEqual(Array.from(sx));
          expect(Array.from(withBuffer(dtype, x, off, (g) => (k("clip_clamp", dtype)(g.ptr, x.length, -clip, clip), g.values.slice())))).toEqual(Array.from(cx));
        }),
        { numRuns: 150 },
      );
    });

    it("accumulate and accumulateMean, bit for bit", () => {
      fc.assert(
        fc.property(arrays(dtype, 2), fc.integer({ min: 2, max: 64 }), fc.integer({ min: 0, max: 3 }), ({ n, cols }, every, off) => {
          const [a0, g0] = cols as [number[], number[]];
          for (const mean of [false, true]) {
            const A = new Guarded(dtype, n, a0, off), G = new Guarded(dtype, n, g0, off);
            k(mean ? "accumulateMean" : "accumulate", dtype)(A.ptr, G.ptr, n, every);
            const acc = Float64Array.from(a0), g = Float64Array.from(g0);
            accumulateReference(r, acc, g, every, mean);
            expect(Array.from(A.values)).toEqual(Array.from(acc));
            expect(Array.from(G.values)).toEqual(Array.from(g));
            expect(A.guardsIntact() && G.guardsIntact()).toBe(true);
            A.free();
            G.free();
          }
        }),
        { numRuns: 150 },
      );
    });
  });
}
