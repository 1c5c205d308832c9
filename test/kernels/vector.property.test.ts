// The vector kernels against scalar references: random lengths 0..2000 (every tail length),
// misaligned starts, float32 and float64, guard elements around every buffer. Elementwise
// kernels bit for bit; reductions within the float64 summation error bound of the exact sum;
// max-abs and the finite check exactly, including NaN and +-Infinity anywhere.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { vector } from "../../src/index.js";
import { WasmBuffer, type DType } from "../../src/param.js";
import { Guarded, rounder } from "../helpers/guarded.js";
import { arrays, scalar } from "../helpers/arbitraries.js";
import { axpbyRef, axpyRef, exactDot, scaleRef, sumBound } from "../reference/vector.js";

const runs = { numRuns: 120 };
const coef = fc.oneof(fc.constant(1), fc.constant(-1), fc.constant(0), scalar(1e-4, 1e3), scalar(-1e3, -1e-4));

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
    it("axpby, axpy, scale, copy match the scalar reference bit for bit", () => {
      fc.assert(
        fc.property(arrays(dtype, 3), coef, coef, fc.integer({ min: 0, max: 3 }), ({ n, cols }, a, b) => {
          const [X, Y, O] = guarded(dtype, n, cols, 1);
          const x = Array.from(X!.values), y = Array.from(Y!.values);
          vector.axpby(dtype, O!.ptr, X!.ptr, Y!.ptr, n, a, b);
          expect(Array.from(O!.values)).toEqual(axpbyRef(r, x, y, a, b));
          vector.axpy(dtype, X!.ptr, Y!.ptr, n, b);
          expect(Array.from(X!.values)).toEqual(axpyRef(r, x, y, b));
          vector.scale(dtype, Y!.ptr, Y!.ptr, n, a);
          expect(Array.from(Y!.values)).toEqual(scaleRef(r, y, a));
          vector.copy(dtype, O!.ptr, X!.ptr, n);
          expect(Array.from(O!.values)).toEqual(Array.from(X!.values));
          done([X!, Y!, O!]);
        }),
        runs,
      );
    });

    it("dot, sumsq, sumabs are the exact sums within the float64 rounding bound", () => {
      fc.assert(
        fc.property(arrays(dtype, 2), fc.integer({ min: 0, max: 3 }), ({ n, cols }, offset) => {
          const [X, Y] = guarded(dtype, n, cols, offset);
          const x = Array.from(X!.values), y = Array.from(Y!.values);
          const d = exactDot(x, y), q = exactDot(x, x), s = exactDot(x.map(Math.abs), x.map(() => 1));
          expect(Math.abs(vector.dot(dtype, X!.ptr, Y!.ptr, n) - d.value)).toBeLessThanOrEqual(sumBound(n, d.magnitude));
          expect(Math.abs(vector.sumsq(dtype, X!.ptr, n) - q.value)).toBeLessThanOrEqual(sumBound(n, q.magnitude));
          expect(Math.abs(vector.sumabs(dtype, X!.ptr, n) - s.value)).toBeLessThanOrEqual(sumBound(n, s.magnitude));
          done([X!, Y!]);
        }),
        runs,
      );
    });

    it("axpbyDot updates x bit for bit and returns z·x(new) within the rounding bound", () => {
      fc.assert(
        fc.property(arrays(dtype, 3), coef, coef, fc.integer({ min: 0, max: 3 }), ({ n, cols }, a, b, offset) => {
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
      const special = fc.constantFrom(NaN, Infinity, -Infinity);
      fc.assert(
        fc.property(arrays(dtype, 1), fc.option(fc.tuple(fc.nat(), special), { nil: undefined }), fc.integer({ min: 0, max: 3 }), ({ n, cols }, bad, offset) => {
          const values = cols[0]!.slice();
          if (bad && n > 0) values[bad[0] % n] = bad[1];
          const [X] = guarded(dtype, n, [values], offset);
          const finite = values.every(Number.isFinite);
          expect(vector.allFinite(dtype, X!.ptr, n)).toBe(finite);
          const want = values.some(Number.isNaN) ? NaN : values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          expect(vector.maxabs(dtype, X!.ptr, n)).toBe(want);
          done([X!]);
        }),
        runs,
      );
    });

    it("accumulates a dot product of 3,000,001 elements accurately", () => {
      const n = 3_000_001;
      const x = new WasmBuffer(dtype, n), y = new WasmBuffer(dtype, n);
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
