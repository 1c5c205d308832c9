// The Adafactor kernels (assembly/adafactor.ts) against their scalar reference
// (../reference/adafactor.ts), bit for bit: random batches of matrices (1-3 of 1-20 rows x
// 1-70 columns: every column tail, 16-byte and 64-byte strips) and vectors (0..2000
// elements), float32 and float64, buffers at 4 alignments with guard elements around each,
// both branches of torch's lerp (weights from 1e-3 to 1). The float64 reductions are
// compared exactly too: the reference adds them up in the kernels' order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kernelsByDType } from "../../src/runtime/kernels.js";
import type { DType } from "../../src/param.js";
import { arrays, scalar, valueOf } from "../helpers/arbitraries.js";
import { Guarded, rounder } from "../helpers/guarded.js";
import { factoredStepRef, factoredSumsqRef, factorsRef, vectorRef, vectorStepRef, type Matrices } from "../reference/adafactor.js";

const factors = kernelsByDType("adafactorFactors");
const factoredSumsq = kernelsByDType("adafactorFactoredSumsq");
const factoredStep = kernelsByDType("adafactorFactoredStep");
const vectorSumsq = kernelsByDType("adafactorVector");
const vectorStep = kernelsByDType("adafactorVectorStep");

/** The per-step scalars: w (t^beta2Decay, 1 on step 1; >= 0.5 takes lerp's other branch), eps1, decay, s. */
const scalars = fc.record({
  w: fc.oneof(fc.constant(1), scalar(1e-3, 1)),
  eps1: fc.oneof(fc.constant(2 ** -23), scalar(1e-12, 1e-3)),
  decay: fc.oneof(fc.constant(1), scalar(0.9, 1)),
  s: scalar(1e-6, 1).chain((v) => fc.constantFrom(v, -v)),
});

const shapes = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  rows: fc.integer({ min: 1, max: 20 }),
  cols: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 70 })),
});

/** A shape with exact dtype values: g and p (batch*rows*cols), row_var (batch*rows) and col_var (batch*cols), squares. */
const matrices = (dtype: DType) =>
  shapes.chain((m) => {
    const n = m.batch * m.rows * m.cols;
    const of = (k: number) => fc.array(valueOf(dtype), { minLength: k, maxLength: k });
    return fc
      .tuple(of(n), of(n), of(m.batch * m.rows), of(m.batch * m.cols))
      .map(([g, p, rowVar, colVar]) => ({ m, g, p, rowVar: rowVar.map((x) => x * x), colVar: colVar.map((x) => x * x) }));
  });

function guarded(dtype: DType, offset: number, ...values: number[][]): Guarded[] {
  return values.map((v) => new Guarded(dtype, v.length, v, offset));
}
function done(bufs: Guarded[]): void {
  for (const b of bufs) {
    expect(b.guardsIntact(), "guards").toBe(true);
    b.free();
  }
}

for (const dtype of ["float32", "float64"] as DType[]) {
  const r = rounder(dtype);
  describe(`Adafactor kernels (${dtype})`, () => {
    it("factored: row/col statistics, sum U^2 and the step equal the scalar reference bit for bit, guards intact", () => {
      fc.assert(
        fc.property(matrices(dtype), scalars, fc.integer({ min: 0, max: 3 }), ({ m, g, p, rowVar, colVar }, k, offset) => {
          const sq = rowVar.map(r),
            cq = colVar.map(r);
          const bufs = guarded(dtype, offset, g, p, sq, cq);
          const [G, P, RV, CV] = bufs as [Guarded, Guarded, Guarded, Guarded];
          try {
            const want = { p: Float64Array.from(p), rowVar: Float64Array.from(sq), colVar: Float64Array.from(cq) };
            const shape: Matrices = m;
            factors[dtype](G.ptr, RV.ptr, CV.ptr, m.batch, m.rows, m.cols, k.w);
            factorsRef(r, g, want.rowVar, want.colVar, shape, k.w);
            expect(Array.from(RV.values), "row_var").toEqual(Array.from(want.rowVar));
            expect(Array.from(CV.values), "col_var").toEqual(Array.from(want.colVar));
            const sum = factoredSumsq[dtype](G.ptr, RV.ptr, CV.ptr, m.batch, m.rows, m.cols, k.eps1, k.eps1 * k.eps1);
            expect(sum, "sum U^2").toBe(factoredSumsqRef(r, g, want.rowVar, want.colVar, shape, k.eps1, k.eps1 * k.eps1));
            factoredStep[dtype](P.ptr, G.ptr, RV.ptr, CV.ptr, m.batch, m.rows, m.cols, k.eps1, k.eps1 * k.eps1, k.decay, k.s);
            factoredStepRef(r, want.p, g, want.rowVar, want.colVar, shape, k.eps1, k.eps1 * k.eps1, k.decay, k.s);
            expect(Array.from(P.values), "p").toEqual(Array.from(want.p));
            expect(Array.from(G.values), "g is read only").toEqual(g);
          } finally {
            done(bufs);
          }
        }),
        { numRuns: 60 },
      );
    });

    it("unfactored: variance, sum U^2 and the step equal the scalar reference bit for bit, guards intact", () => {
      fc.assert(
        fc.property(arrays(dtype, 3), scalars, fc.integer({ min: 0, max: 3 }), ({ cols: [g, p, v] }, k, offset) => {
          const variance = v!.map((x) => r(x * x));
          const bufs = guarded(dtype, offset, g!, p!, variance);
          const [G, P, V] = bufs as [Guarded, Guarded, Guarded];
          try {
            const want = { p: Float64Array.from(p!), variance: Float64Array.from(variance) };
            const sum = vectorSumsq[dtype](G.ptr, V.ptr, g!.length, k.w, k.eps1 * k.eps1);
            expect(sum, "sum U^2").toBe(vectorRef(r, g!, want.variance, k.w, k.eps1 * k.eps1));
            expect(Array.from(V.values), "variance").toEqual(Array.from(want.variance));
            vectorStep[dtype](P.ptr, G.ptr, V.ptr, g!.length, k.eps1 * k.eps1, k.decay, k.s);
            vectorStepRef(r, want.p, g!, want.variance, k.eps1 * k.eps1, k.decay, k.s);
            expect(Array.from(P.values), "p").toEqual(Array.from(want.p));
          } finally {
            done(bufs);
          }
        }),
        { numRuns: 60 },
      );
    });
  });
}
