// Muon's kernels against scalar references: the momentum (every flag combination, bit for
// bit, as the other update kernels), and the float32 matrix kernels of assembly/matmul.ts
// (addmm, transpose) on random shapes 1..67 (and k across the 256-wide panels), unaligned
// starts, guards around every buffer: equal to the plain loop with the same summation order
// bit for bit. beta = 0 must not read C (C is filled with NaN then).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { muonMomentumReference, addmmReference, type MuonMomentumScalars } from "../reference/muon.js";
import { scalar } from "../helpers/arbitraries.js";
import { itMatchesReference } from "../helpers/kernel-check.js";
import { Guarded } from "../helpers/guarded.js";
import { wasmExports } from "../../src/runtime/memory.js";

const scalars: fc.Arbitrary<MuonMomentumScalars> = fc.record({ momentum: fc.oneof(scalar(0, 0.999), scalar(0.9, 0.999)) });

describe("Muon momentum kernels", () => {
  for (const nesterov of [0, 1] as const) {
    for (const bufLow of [0, 1] as const) {
      for (const nesterovLow of [0, 1] as const) {
        itMatchesReference(
          {
            name: "muonMomentum",
            variant: `nesterov=${nesterov} bufLow=${bufLow} nesterovLow=${nesterovLow}`,
            flags: { nesterov, bufLow, nesterovLow },
            scalars,
            reference: (r, b, s) =>
              muonMomentumReference(r, b.g, b.buf, b.u, s, {
                nesterov: nesterov === 1,
                bufLow: bufLow === 1,
                nesterovLow: nesterovLow === 1,
              }),
          },
          40,
        );
      }
    }
  }
});

const f32 = fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true });
const dim = fc.oneof(fc.integer({ min: 1, max: 67 }), fc.integer({ min: 1, max: 9 }));
const matrix = (len: number) => fc.array(f32, { minLength: len, maxLength: len });

describe("Muon matrix kernels (float32)", () => {
  it("addmm equals the sequential scalar loop bit for bit, guards intact", () => {
    const shapes = fc.tuple(dim, fc.oneof(dim, fc.integer({ min: 250, max: 600 })), dim);
    const coefficient = fc.oneof(fc.constant(0), fc.constant(1), f32);
    fc.assert(
      fc.property(
        shapes.chain(([m, k, n]) => fc.tuple(fc.constant([m, k, n] as const), matrix(m * k), matrix(k * n), matrix(m * n))),
        coefficient,
        coefficient,
        fc.integer({ min: 0, max: 3 }),
        ([[m, k, n], a, b, c], beta, alpha, offset) => {
          const cIn = beta === 0 ? new Array<number>(m * n).fill(NaN) : c;
          const bufs = [new Guarded("float32", m * n, [], offset), new Guarded("float32", m * n, cIn, offset)];
          bufs.push(new Guarded("float32", m * k, a, offset), new Guarded("float32", k * n, b, offset));
          const [out, gc, ga, gb] = bufs as [Guarded, Guarded, Guarded, Guarded];
          try {
            wasmExports.addmm_f32(out.ptr, gc.ptr, ga.ptr, gb.ptr, m, k, n, beta, alpha);
            expect(Array.from(out.values)).toEqual(Array.from(addmmReference(cIn, a, b, m, k, n, beta, alpha)));
            for (const g of bufs) expect(g.guardsIntact()).toBe(true);
          } finally {
            for (const g of bufs) g.free();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("transpose moves every element, guards intact", () => {
    fc.assert(
      fc.property(
        fc
          .tuple(fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 90 }))
          .chain(([r, c]) => fc.tuple(fc.constant([r, c] as const), matrix(r * c))),
        fc.integer({ min: 0, max: 3 }),
        ([[rows, cols], x], offset) => {
          const gx = new Guarded("float32", rows * cols, x, offset);
          const out = new Guarded("float32", rows * cols, [], offset);
          try {
            wasmExports.transpose_f32(out.ptr, gx.ptr, rows, cols);
            const want = new Float32Array(rows * cols);
            for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) want[j * rows + i] = x[i * cols + j]!;
            expect(Array.from(out.values)).toEqual(Array.from(want));
            expect(gx.guardsIntact() && out.guardsIntact()).toBe(true);
          } finally {
            gx.free();
            out.free();
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
