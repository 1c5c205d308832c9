// Lion through the public API: several steps against the paper's formula (scalar loop,
// bit for bit), sign(0) = 0, convergence (minimizing and maximizing), options.
import { describe, expect, it } from "vitest";
import { lcg } from "../helpers/random.js";
import { Lion, Param, type DType } from "../../src/index.js";
import { lionReference } from "../reference/lion.js";
import { rounder } from "../helpers/guarded.js";

describe("Lion", () => {
  for (const dtype of ["float32", "float64"] as DType[]) {
    it(`${dtype}: 30 steps over two groups equal the paper's formula bit for bit`, () => {
      const rnd = lcg(1);
      const hs = [
        { lr: 3e-3, betas: [0.9, 0.99] as const, weightDecay: 0.1, maximize: false },
        { lr: 1e-4, betas: [0.95, 0.98] as const, weightDecay: 0, maximize: true },
      ];
      const ps = [37, 5].map((n) =>
        Param.from(
          Array.from({ length: n }, () => 2 * rnd()),
          { dtype },
        ),
      );
      const opt = new Lion([
        { params: [ps[0]!], ...hs[0]! },
        { params: [ps[1]!], ...hs[1]! },
      ]);
      const ref = ps.map((p) => ({ p: Float64Array.from(p.data), m: new Float64Array(p.size) }));
      for (let t = 0; t < 30; t++) {
        ps.forEach((p, k) => {
          // some exact zeros, so that b1*m + (1-b1)*g = 0 happens on the first step
          for (let i = 0; i < p.size; i++) p.grad[i] = i % 7 === 0 ? 0 : rnd();
          const g = Float64Array.from(p.grad);
          const h = hs[k]!;
          lionReference(rounder(dtype), ref[k]!.p, g, ref[k]!.m, {
            lr: h.lr,
            beta1: h.betas[0],
            beta2: h.betas[1],
            weightDecay: h.weightDecay,
            sign: h.maximize ? -1 : 1,
          });
        });
        opt.step();
        ps.forEach((p, k) => {
          expect(Array.from(p.data)).toEqual(Array.from(ref[k]!.p));
          expect(Array.from(opt.state.get(p)!.buffer("exp_avg").view)).toEqual(Array.from(ref[k]!.m));
        });
      }
    });
  }

  it("sign(0) = 0: a zero gradient with zero momentum leaves the params in place", () => {
    const p = Param.from([1.5, -2, 0, 3e-5]);
    const before = Array.from(p.data);
    const opt = new Lion([p], { lr: 0.1 });
    p.grad.fill(0);
    opt.step();
    opt.step();
    expect(Array.from(p.data)).toEqual(before);
  });

  it("weight decay alone shrinks p by lr*weightDecay*p a step", () => {
    const p = Param.from(Float64Array.from([1, -2, 0.5]));
    const opt = new Lion([p], { lr: 0.01, weightDecay: 0.5 });
    p.grad.fill(0);
    for (let t = 0; t < 10; t++) opt.step();
    [1, -2, 0.5].forEach((p0, i) => expect(p.data[i]).toBeCloseTo(p0 * (1 - 0.005) ** 10, 14));
  });

  for (const maximize of [false, true]) {
    it(`converges on a ${maximize ? "concave quadratic (maximize)" : "convex quadratic"}`, () => {
      // f(x) = +-0.5 * sum a_i (x_i - b_i)^2, a_i in [0.5, 2], b_i in [-1, 1], from x = 0
      const n = 200,
        rnd = lcg(7);
      const a = Array.from({ length: n }, () => 1.25 + 0.75 * rnd()),
        b = Array.from({ length: n }, () => rnd());
      const p = new Param(n);
      const lr = 0.01;
      const opt = new Lion([p], { lr, maximize });
      const s = maximize ? -1 : 1;
      const dist = () => Math.max(...Array.from(p.data, (x, i) => Math.abs(x - b[i]!)));
      const start = dist();
      for (let t = 0; t < 600; t++) {
        for (let i = 0; i < n; i++) p.grad[i] = s * a[i]! * (p.data[i]! - b[i]!);
        opt.step();
      }
      // every coordinate moves by lr a step: it reaches its target and then stays within a few lr
      expect(start).toBeGreaterThan(0.9);
      expect(dist()).toBeLessThan(5 * lr);
    });
  }
});
