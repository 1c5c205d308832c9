// Damped Newton: Rosenbrock from (-1.2, 1) within 25 iterations, Beale from (1, 1) to the
// minimum (3, 0.5) and not the saddle (0, 1), dense Hessians and Hessian-vector products,
// the damping of an indefinite Hessian, non-finite Hessians, and bad input.
import { describe, expect, it } from "vitest";
import { InvalidOptionError, Newton, Param, minimize } from "../../src/index.js";
import { cholesky, choleskySolve, dampedNewtonDirection } from "../../src/second-order/linalg.js";
import * as P from "../helpers/problems.mjs";

type Problem = typeof P.rosenbrock2;

/** Hessian-vector products from the dense Hessian (for the Newton-CG path). */
const hvpOf = (p: Problem) => (x: ArrayLike<number>, v: Float64Array, out: Float64Array) => {
  const H = new Float64Array(4);
  p.hessian(x, H);
  out[0] = H[0]! * v[0]! + H[1]! * v[1]!;
  out[1] = H[2]! * v[0]! + H[3]! * v[1]!;
};

describe("Newton optimizer", () => {
  for (const [p, min] of [
    [P.rosenbrock2, [1, 1]],
    [P.beale, [3, 0.5]],
  ] as const) {
    it(`${p.name} from (${Array.from(p.x0()).join(",")}) converges to (${min.join(",")}) within 25 iterations`, () => {
      const x = Param.from(p.x0());
      const opt = new Newton([x], { maxIter: 25, toleranceGrad: 1e-8, toleranceChange: 0 });
      const closure = () => p.fg(x.data, x.grad);
      const start = opt.step(closure, (H) => p.hessian(x.data, H));
      expect(start).toBe(p.fg(p.x0(), new Float64Array(2)));
      expect(opt.lastReason).toBe("gradTol");
      const s = opt.state.get(x)!.scalars;
      expect(s.n_iter).toBeLessThanOrEqual(25);
      expect(s.func_evals).toBeGreaterThan(s.n_iter!);
      expect(x.data[0]).toBeCloseTo(min[0], 6);
      expect(x.data[1]).toBeCloseTo(min[1], 6);
    });
  }

  it("takes Hessian-vector products instead of a dense Hessian (Newton-CG)", () => {
    const x = Param.from(P.beale.x0());
    const opt = new Newton([x], { maxIter: 50, toleranceGrad: 1e-8 });
    const hvp = hvpOf(P.beale);
    opt.step(() => P.beale.fg(x.data, x.grad), { hvp: (v, out) => hvp(x.data, v, out) });
    expect(x.data[0]).toBeCloseTo(3, 6);
    expect(x.data[1]).toBeCloseTo(0.5, 6);
  });

  it("rejects a missing Hessian, a missing closure and bad options", () => {
    const x = Param.from([1, 2]);
    const opt = new Newton([x]);
    expect(() => opt.step(() => 0)).toThrow(InvalidOptionError);
    expect(() => (opt.step as (c?: unknown) => number)()).toThrow(InvalidOptionError);
    expect(() => new Newton([x], { maxIter: 0 })).toThrow(InvalidOptionError);
    expect(() => new Newton([x], { toleranceGrad: -1 })).toThrow(InvalidOptionError);
  });
});

describe("minimize with method newton", () => {
  it("dense Hessian: Rosenbrock within 25 iterations, Beale to (3, 0.5)", () => {
    const a = minimize((x: Float64Array, g: Float64Array) => P.rosenbrock2.fg(x, g), [-1.2, 1], {
      method: "newton",
      hessian: (x, H) => P.rosenbrock2.hessian(x, H),
      relTol: 0,
    });
    expect(a.converged).toBe(true);
    expect(a.iterations).toBeLessThanOrEqual(25);
    const b = minimize((x: Float64Array, g: Float64Array) => P.beale.fg(x, g), [1, 1], {
      method: "newton",
      hessian: (x, H) => P.beale.hessian(x, H),
      relTol: 0,
    });
    expect(b.x[0]).toBeCloseTo(3, 5);
    expect(b.x[1]).toBeCloseTo(0.5, 5);
  });

  it("Hessian-vector products (Newton-CG)", () => {
    const r = minimize((x: Float64Array, g: Float64Array) => P.rosenbrock2.fg(x, g), [-1.2, 1], {
      method: "newton",
      hvp: hvpOf(P.rosenbrock2),
      relTol: 0,
    });
    expect(r.converged).toBe(true);
    expect(r.gradNorm).toBeLessThanOrEqual(1e-5);
    expect(r.x[0]).toBeCloseTo(1, 4);
  });

  it("stops with reason nonFinite and finite params when the Hessian is not finite", () => {
    const r = minimize((x: Float64Array, g: Float64Array) => P.rosenbrock2.fg(x, g), [-1.2, 1], {
      method: "newton",
      hessian: (_x, H) => H.fill(NaN),
    });
    expect(r.reason).toBe("nonFinite");
    expect(Array.from(r.x)).toEqual([-1.2, 1]);
  });
});

describe("damped Newton direction", () => {
  it("is the exact Newton step (no damping) for a positive definite Hessian", () => {
    const H = Float64Array.of(4, 1, 1, 3),
      g = [1, 2],
      d = new Float64Array(2),
      L = new Float64Array(4);
    expect(dampedNewtonDirection(H, g, 2, d, L)).toBe(0);
    // (4 1; 1 3)^-1 (1, 2) = (1/11)(3*1 - 1*2, -1*1 + 4*2) = (1/11, 7/11)
    expect(d[0]).toBeCloseTo(-1 / 11, 14);
    expect(d[1]).toBeCloseTo(-7 / 11, 14);
  });

  it("damps an indefinite Hessian until (H + lambda I) is positive definite: a descent direction", () => {
    // Beale's Hessian at (1, 1) has a zero diagonal element and a negative determinant
    const H = new Float64Array(4),
      g = new Float64Array(2),
      d = new Float64Array(2),
      L = new Float64Array(4);
    P.beale.hessian([1, 1], H);
    P.beale.fg([1, 1], g);
    expect(H[0]! * H[3]! - H[1]! * H[2]!).toBeLessThan(0);
    const lambda = dampedNewtonDirection(H, g, 2, d, L);
    expect(lambda).toBeGreaterThan(0);
    expect(cholesky(H, 2, lambda, L)).toBe(true);
    // the smallest of the sequence tau0 = beta - min diag, 2 tau0, 4 tau0, ...
    const tau0 = 1e-3 * Math.max(Math.abs(H[0]!), Math.abs(H[3]!)) - Math.min(H[0]!, H[3]!);
    if (lambda > tau0) expect(cholesky(H, 2, lambda / 2, L)).toBe(false);
    expect(d[0]! * g[0]! + d[1]! * g[1]!).toBeLessThan(0);
    // and it solves (H + lambda I) d = -g
    const r0 = (H[0]! + lambda) * d[0]! + H[1]! * d[1]! + g[0]!;
    const r1 = H[2]! * d[0]! + (H[3]! + lambda) * d[1]! + g[1]!;
    expect(Math.abs(r0) + Math.abs(r1)).toBeLessThan(1e-10);
  });

  it("solves with the Cholesky factor", () => {
    const A = Float64Array.of(4, 2, 0.4, 2, 5, 1, 0.4, 1, 3),
      L = new Float64Array(9),
      b = Float64Array.of(1, -2, 3);
    expect(cholesky(A, 3, 0, L)).toBe(true);
    choleskySolve(L, 3, b);
    const r = [0, 1, 2].map((i) => A[i * 3]! * b[0]! + A[i * 3 + 1]! * b[1]! + A[i * 3 + 2]! * b[2]!);
    expect(r[0]).toBeCloseTo(1, 12);
    expect(r[1]).toBeCloseTo(-2, 12);
    expect(r[2]).toBeCloseTo(3, 12);
  });
});
