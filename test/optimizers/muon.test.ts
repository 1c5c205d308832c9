// Muon through the public API: the whole step (momentum, transposes, Newton-Schulz with the
// SIMD matrix kernels, decay, adjusted lr) against a float64 plain-loop Muon on tall, wide,
// square and odd shapes, float32 and float64 params, each step from the same params (the
// float32 iteration is ~1e-6 relative from float64 and the update ~0.03: 1e-6 absolute, where
// a wrong nesterov or one Newton-Schulz step fewer moves p by ~1e-3); the 2-D rule
// with torch's advice; scratch memory made once per shape (no allocation once warm).
import { describe, expect, it } from "vitest";
import { heapStats, InvalidOptionError, Muon, Param, type DType, type MuonOptions } from "../../src/index.js";
import { lcg } from "../helpers/random.js";

/** Plain row-major float64 matrix product. */
function mm(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + a[i * k + p]! * b[p * n + j]!;
  return out;
}
const transposed = (x: Float64Array, rows: number, cols: number) => {
  const out = new Float64Array(x.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j]!;
  return out;
};

/** torch 2.9's _zeropower_via_newtonschulz in float64. */
function newtonSchulz(u: Float64Array, rows: number, cols: number, h: MuonOptions): Float64Array {
  const tall = rows > cols;
  const [m, k] = tall ? [cols, rows] : [rows, cols];
  let x = tall ? transposed(u, rows, cols) : Float64Array.from(u);
  const norm = Math.max(Math.hypot(...x), h.eps);
  x = x.map((v) => v / norm);
  const [a, b, c] = h.nsCoefficients;
  for (let s = 0; s < h.nsSteps; s++) {
    const A = mm(x, transposed(x, m, k), m, k, m);
    const AA = mm(A, A, m, m, m);
    const B = A.map((v, i) => b * v + c * AA[i]!);
    const BX = mm(B, x, m, m, k);
    x = x.map((v, i) => a * v + BX[i]!);
  }
  return tall ? transposed(x, m, k) : x;
}

describe("Muon", () => {
  const shapes: [number, number][] = [
    [8, 8],
    [13, 5],
    [5, 13],
    [1, 7],
    [67, 3],
    [33, 40],
  ];
  for (const dtype of ["float32", "float64"] as DType[]) {
    it(`${dtype}: 6 steps on ${shapes.map((s) => s.join("x")).join(", ")} match a float64 Muon`, () => {
      const rnd = lcg(7);
      const options: Partial<MuonOptions> = { lr: 0.02, weightDecay: 0.1, adjustLrFn: "original" };
      const ps = shapes.map(([r, c]) =>
        Param.from(
          Array.from({ length: r * c }, () => rnd()),
          { dtype, shape: [r, c] },
        ),
      );
      const opt = new Muon(ps, options);
      const h = opt.paramGroups[0]!;
      const ref = ps.map((p) => ({ p: Float64Array.from(p.data), buf: new Float64Array(p.size) }));
      for (let t = 0; t < 6; t++) {
        ps.forEach((p, k) => {
          for (let i = 0; i < p.size; i++) p.grad[i] = rnd() - 0.5;
          const [rows, cols] = p.shape as [number, number];
          const { buf } = ref[k]!;
          const g = Float64Array.from(p.grad);
          for (let i = 0; i < p.size; i++) buf[i] = buf[i]! + (1 - h.momentum) * (g[i]! - buf[i]!);
          const u = g.map((v, i) => v + h.momentum * (buf[i]! - v));
          const o = newtonSchulz(u, rows, cols, h);
          const lr = h.lr * Math.sqrt(Math.max(1, rows / cols));
          const want = ref[k]!.p.map((v, i) => v * (1 - h.lr * h.weightDecay) - lr * o[i]!);
          ref[k]!.p = want;
        });
        opt.step();
        ps.forEach((p, k) => {
          const want = ref[k]!.p;
          for (let i = 0; i < p.size; i++) expect(Math.abs(p.data[i]! - want[i]!), `${p.shape.join("x")}[${i}]`).toBeLessThanOrEqual(1e-6);
          ref[k]!.p = Float64Array.from(p.data); // follow the params (errors do not compound)
        });
      }
      opt.dispose();
    });
  }

  it("needs 2-D params: a typed error naming the param, with torch's advice (AdamW for the rest)", () => {
    const bias = new Param([16]);
    const err = (() => {
      try {
        new Muon([new Param([4, 4]), bias]);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as InvalidOptionError).option).toBe("params[0].params[1].shape");
    expect((err as Error).message).toMatch(/2-D.*AdamW/);
    const opt = new Muon([new Param([4, 4])]);
    expect(() => opt.addParamGroup({ params: [new Param([2, 2, 2])] })).toThrow(/group\.params\[0\]\.shape.*AdamW/);
    expect(opt.paramGroups.length).toBe(1);
    opt.dispose();
  });

  it("makes its scratch memory once per shape: no allocation after the first step", () => {
    const ps = [new Param([64, 32]), new Param([32, 64]), new Param([64, 32], { dtype: "float64" })];
    const opt = new Muon(ps);
    const step = () => {
      for (const p of ps) p.grad.fill(0.25);
      opt.step();
    };
    step();
    const warm = heapStats();
    for (let t = 0; t < 3; t++) step();
    expect(heapStats()).toEqual(warm);
    opt.dispose();
    for (const p of ps) p.dispose();
  });
});
