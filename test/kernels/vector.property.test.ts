// The vector kernels (assembly/vector.ts: L-BFGS, minimize, Newton, gradient clipping, the
// step guard) against scalar references: random lengths 0..2000 (every tail length),
// misaligned starts, float32 and float64, guard elements around every buffer, a NaN or an
// infinity at a random place in some cases. Elementwise kernels bit for bit (in place and
// not); sums within the float64 summation error bound of the exact sum, and non-finite
// exactly when an element is; max |x| and the finite check exactly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { vector } from "../../src/unsafe.js";
import { WasmBuffer, type DType } from "../../src/param.js";
import { Guarded, rounder } from "../helpers/guarded.js";
import { arrays, scalar } from "../helpers/arbitraries.js";
import { allFiniteRef, axpbyRef, axpyRef, clampRef, exactDot, exactSum, maxabsRef, scaleRef, sumBound } from "../reference/vector.js";

const runs = { numRuns: 120 };
const coef = fc.oneof(fc.constant(1), fc.constant(-1), fc.constant(0), scalar(1e-4, 1e3), scalar(-1e3, -1e-4));
const offsets = fc.integer({ min: 0, max: 3 });
/** Sometimes a NaN or +-Infinity, at a position taken modulo the length. */
const special = fc.option(fc.tuple(fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity)), { nil: undefined });
const withSpecial = (values: number[], bad: [number, number] | undefined): number[] => {
  const v = values.slice();
  if (bad && v.length > 0) v[bad[0] % v.length] = bad[1];
  return v;
};

function guarded(dtype: DType, n: number, cols: number[][], offset: number): Guarded[] {
  return cols.map((c) => new Guarded(dtype, n, c, offset));
}
function done(bufs: Guarded[]): void {
  for (const b of bufs) {
    expect(b.guardsIntact(), "guards").toBe(true);
    b.free();
  }
}

for (const dtype of ["float32", "float64"] as DType[]) {
  const r = rounder(dtype);
  describe(`vector kernels (${dtype})`, () => {
    it("axpby, axpy, scale, copy, clamp match the scalar reference bit for bit, in place and not", () => {
      const bound = scalar(-100, 100);
      fc.assert(
        fc.property(arrays(dtype, 3), coef, coef, bound, bound, special, offsets, ({ n, cols }, a, b, lo, hi, bad, offset) => {
          const [X, Y, O] = guarded(dtype, n, [withSpecial(cols[0]!, bad), cols[1]!, cols[2]!], offset);
          const x = Array.from(X!.values),
            y = Array.from(Y!.values);
          vector.axpby(dtype, O!.ptr, X!.ptr, Y!.ptr, n, a, b);
          expect(Array.from(O!.values)).toEqual(axpbyRef(r, x, y, a, b));
          vector.scale(dtype, O!.ptr, X!.ptr, n, a);
          expect(Array.from(O!.values)).toEqual(scaleRef(r, x, a));
          vector.clamp(dtype, O!.ptr, X!.ptr, n, lo, hi);
          expect(Array.from(O!.values)).toEqual(clampRef(r, x, lo, hi));
          vector.copy(dtype, O!.ptr, X!.ptr, n);
          expect(Array.from(O!.values)).toEqual(x);
          // in place (x = x + b*y; x = a*x; x = clamp(x))
          vector.axpy(dtype, X!.ptr, Y!.ptr, n, b);
          const x1 = axpyRef(r, x, y, b);
          expect(Array.from(X!.values)).toEqual(x1);
          vector.scale(dtype, X!.ptr, X!.ptr, n, a);
          const x2 = scaleRef(r, x1, a);
          expect(Array.from(X!.values)).toEqual(x2);
          vector.clamp(dtype, X!.ptr, X!.ptr, n, lo, hi);
          expect(Array.from(X!.values)).toEqual(clampRef(r, x2, lo, hi));
          done([X!, Y!, O!]);
        }),
        runs,
      );
    });

    it("dot, sumsq, sumabs, powsum are the exact sums within the float64 rounding bound", () => {
      fc.assert(
        fc.property(arrays(dtype, 2), scalar(0.25, 8), offsets, ({ n, cols }, p, offset) => {
          const [X, Y] = guarded(dtype, n, cols, offset);
          const x = Array.from(X!.values),
            y = Array.from(Y!.values);
          const d = exactDot(x, y),
            q = exactDot(x, x),
            s = exactSum(x.map(Math.abs)),
            w = exactSum(x.map((v) => Math.abs(v) ** p));
          expect(Math.abs(vector.dot(dtype, X!.ptr, Y!.ptr, n) - d.value)).toBeLessThanOrEqual(sumBound(n, d.magnitude));
          expect(Math.abs(vector.sumsq(dtype, X!.ptr, n) - q.value)).toBeLessThanOrEqual(sumBound(n, q.magnitude));
          expect(Math.abs(vector.sumabs(dtype, X!.ptr, n) - s.value)).toBeLessThanOrEqual(sumBound(n, s.magnitude));
          // the module's Math.pow and V8's may differ in the last bit of each term: twice the bound
          expect(Math.abs(vector.powsum(dtype, X!.ptr, n, p) - w.value)).toBeLessThanOrEqual(2 * sumBound(n, w.magnitude));
          done([X!, Y!]);
        }),
        runs,
      );
    });

    it("sumsq, sumabs, powsum, maxabs are non-finite exactly when an element is (the step guard's check)", () => {
      fc.assert(
        fc.property(arrays(dtype, 1), special, scalar(0.25, 8), offsets, ({ cols }, bad, p, offset) => {
          const values = withSpecial(cols[0]!, bad),
            n = values.length;
          const [X] = guarded(dtype, n, [values], offset);
          const finite = allFiniteRef(values);
          for (const got of [
            vector.sumsq(dtype, X!.ptr, n),
            vector.sumabs(dtype, X!.ptr, n),
            vector.powsum(dtype, X!.ptr, n, p),
            vector.maxabs(dtype, X!.ptr, n),
          ]) {
            expect(Number.isFinite(got)).toBe(finite);
            if (values.some(Number.isNaN)) expect(got).toBeNaN();
          }
          done([X!]);
        }),
        runs,
      );
    });

    it("axpbyDot updates x bit for bit and returns z·x(new) within the rounding bound", () => {
      fc.assert(
        fc.property(arrays(dtype, 3), coef, coef, offsets, ({ n, cols }, a, b, offset) => {
          const [X, Y, Z] = guarded(dtype, n, cols, offset);
          const want = axpbyRef(r, Array.from(X!.values), Array.from(Y!.values), a, b);
          const got = vector.axpbyDot(dtype, X!.ptr, Y!.ptr, Z!.ptr, n, a, b);
          expect(Array.from(X!.values)).toEqual(want);
          const d = exactDot(Array.from(Z!.values), want);
          expect(Math.abs(got - d.value)).toBeLessThanOrEqual(sumBound(n, d.magnitude));
          // z = x: the squared norm of the new x
          const want2 = axpbyRef(r, want, Array.from(Y!.values), a, b);
          const got2 = vector.axpbyDot(dtype, X!.ptr, Y!.ptr, X!.ptr, n, a, b);
          expect(Array.from(X!.values)).toEqual(want2);
          const q = exactDot(want2, want2);
          expect(Math.abs(got2 - q.value)).toBeLessThanOrEqual(sumBound(n, q.magnitude));
          done([X!, Y!, Z!]);
        }),
        runs,
      );
    });

    it("maxabs and allFinite are exact, and see a NaN or an Infinity at any position", () => {
      fc.assert(
        fc.property(arrays(dtype, 1), special, offsets, ({ n, cols }, bad, offset) => {
          const values = withSpecial(cols[0]!, bad);
          const [X] = guarded(dtype, n, [values], offset);
          expect(vector.allFinite(dtype, X!.ptr, n)).toBe(allFiniteRef(values));
          expect(vector.maxabs(dtype, X!.ptr, n)).toBe(maxabsRef(values));
          done([X!]);
        }),
        runs,
      );
    });

    it("accumulates a dot product of 3,000,001 elements accurately", () => {
      const n = 3_000_001;
      const x = new WasmBuffer(dtype, n),
        y = new WasmBuffer(dtype, n);
      // terms of mixed sign and size whose naive running sum in the data's precision drifts
      for (let i = 0; i < n; i++) {
        x.view[i] = r(1 + (i % 7) * 1e-3);
        y.view[i] = r((i % 2 ? -1 : 1) * (1 + (i % 13) * 0.37));
      }
      const d = exactDot(x.view, y.view);
      const got = vector.dot(dtype, x.ptr, y.ptr, n);
      // blocked float64 partial sums: far below the n * 2^-52 worst case
      expect(Math.abs(got - d.value)).toBeLessThanOrEqual(1e-4 * sumBound(n, d.magnitude));
      x.free();
      y.free();
    });
  });
}
