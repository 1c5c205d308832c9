// fast-check generators shared by the kernel property tests.
import fc from "fast-check";
import type { DType } from "../../src/param.js";

/** A float in [lo, hi], log-uniform when lo > 0 (hyperparameters span decades). */
export function scalar(lo: number, hi: number): fc.Arbitrary<number> {
  if (lo > 0) return fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map(Math.exp);
  return fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
}

/**
 * `count` arrays of one random length n (0..2000, small lengths and every tail length
 * often), values exact in the dtype, magnitudes from 1e-6 to 1e3, with some exact zeros.
 */
export function arrays(dtype: DType, count: number, maxLength = 2000): fc.Arbitrary<{ n: number; cols: number[][] }> {
  const value = valueOf(dtype);
  const length = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: maxLength }));
  return length.chain((n) =>
    fc.tuple(...Array.from({ length: count }, () => fc.array(value, { minLength: n, maxLength: n }))).map((cols) => ({ n, cols })),
  );
}

/** A value exact in the dtype, magnitude 1e-6 to 1e3, either sign, sometimes exactly 0. */
export function valueOf(dtype: DType): fc.Arbitrary<number> {
  const r = dtype === "float32" ? Math.fround : (x: number) => x;
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    {
      weight: 8,
      arbitrary: fc.tuple(fc.double({ min: -6, max: 3, noNaN: true }), fc.boolean()).map(([e, neg]) => r((neg ? -1 : 1) * 10 ** e)),
    },
  );
}
