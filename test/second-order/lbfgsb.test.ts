// minimize(fn, x0, { bounds }): L-BFGS-B against scipy 1.10's (the golden problems of
// ../shared/golden/bounds.json, copied to test/fixtures/bounds), the generalized Cauchy
// point against a dense scalar reference, infinite bounds against plain L-BFGS, bad bounds,
// a start outside the box.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidOptionError, minimize } from "../../src/index.js";
import { BoundedWork, CompactBfgs, cauchyPoint, projectedGradientNorm, type Box } from "../../src/second-order/cauchy.js";
import { checkBounds } from "../../src/second-order/lbfgsb.js";
import * as P from "../helpers/problems.mjs";

interface Golden {
  id: string;
  type: "rosenbrock" | "tridiagonalQuadratic" | "leastSquares";
  n: number;
  data: { diag?: number[]; offDiag?: number[]; b?: number[]; A?: number[][]; y?: number[] };
  lower: (number | null)[];
  upper: (number | null)[];
  x0: number[];
  nfev: number;
  nit: number;
  fStar: number;
  xStar: number[];
  xExact: number[];
  fExact: number;
  activeLower: number[];
  activeUpper: number[];
  suggestedTolerance: { xRelAtol: number; fRtol: number };
  options: { maxcor: number; gtol: number; ftol: number };
}

const golden: Golden[] = JSON.parse(readFileSync(new URL("../fixtures/bounds/bounds.json", import.meta.url), "utf8")).problems;

/** The objectives of generate_bounds.py, in float64. */
function objective(p: Golden): (x: Float64Array, g: Float64Array) => number {
  const n = p.n;
  if (p.type === "rosenbrock") {
    return (x, g) => {
      let f = 0;
      for (let i = 0; i < n; i += 2) {
        const u = x[i]!,
          w = x[i + 1]!,
          r1 = w - u * u,
          r0 = 1 - u;
        g[i] = -400 * u * r1 - 2 * r0;
        g[i + 1] = 200 * r1;
        f += 100 * r1 * r1 + r0 * r0;
      }
      return f;
    };
  }
  if (p.type === "tridiagonalQuadratic") {
    const diag = p.data.diag!,
      off = p.data.offDiag!,
      b = p.data.b!;
    return (x, g) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        let ax = diag[i]! * x[i]!;
        if (i < n - 1) ax += off[i]! * x[i + 1]!;
        if (i > 0) ax += off[i - 1]! * x[i - 1]!;
        g[i] = ax - b[i]!;
        f += 0.5 * x[i]! * ax - b[i]! * x[i]!;
      }
      return f;
    };
  }
  const A = p.data.A!,
    y = p.data.y!,
    m = A.length,
    r = new Float64Array(m);
  return (x, g) => {
    let f = 0;
    for (let k = 0; k < m; k++) {
      let s = -y[k]!;
      for (let i = 0; i < n; i++) s += A[k]![i]! * x[i]!;
      r[k] = s;
      f += 0.5 * s * s;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += A[k]![i]! * r[k]!;
      g[i] = s;
    }
    return f;
  };
}

const indices = (a: Int8Array, sign: number): number[] => [...a.keys()].filter((i) => a[i] === sign);

describe("minimize with bounds (L-BFGS-B) on scipy's golden problems", () => {
  for (const p of golden) {
    it(`${p.id}: scipy's solution and active set within 1.1x its ${p.nfev} evaluations`, () => {
      const lower = p.lower.map((v) => v ?? -Infinity),
        upper = p.upper.map((v) => v ?? Infinity);
      const r = minimize(objective(p), p.x0, {
        bounds: { lower, upper },
        memory: p.options.maxcor,
        gradTol: p.options.gtol,
        relTol: p.options.ftol,
      });
      expect(r.reason).toBe("gradTol");
      expect(r.converged).toBe(true);
      expect(r.gradNorm).toBeLessThanOrEqual(1e-5);
      expect(indices(r.activeBounds!, -1)).toEqual(p.activeLower);
      expect(indices(r.activeBounds!, 1)).toEqual(p.activeUpper);
      for (let i = 0; i < p.n; i++) {
        expect(Math.abs(r.x[i]! - p.xExact[i]!)).toBeLessThanOrEqual(p.suggestedTolerance.xRelAtol * Math.max(1, Math.abs(p.xExact[i]!)));
        expect(r.x[i]).toBeGreaterThanOrEqual(lower[i]!);
        expect(r.x[i]).toBeLessThanOrEqual(upper[i]!);
      }
      expect(Math.abs(r.loss - p.fExact)).toBeLessThanOrEqual(p.suggestedTolerance.fRtol * Math.max(1, Math.abs(p.fExact)));
      expect(r.evaluations).toBeLessThanOrEqual(Math.floor(1.1 * p.nfev));
      // the same algorithm and line search as scipy's Fortran: the same path, to rounding
      expect(r.evaluations).toBe(p.nfev);
      expect(r.iterations).toBe(p.nit);
      const dx = r.x.reduce((m, v, i) => Math.max(m, Math.abs(v - p.xStar[i]!)), 0);
      expect(dx).toBeLessThan(1e-12);
      // the reported loss and projected gradient are those of the returned x
      const g = new Float64Array(p.n);
      expect(objective(p)(r.x, g)).toBe(r.loss);
      expect(projectedGradientNorm(r.x, g, checkBounds({ lower, upper }, p.n))).toBe(r.gradNorm);
    });
  }
});

describe("minimize with bounds: other cases", () => {
  const rosen = (x: Float64Array, g: Float64Array): number => {
    const r1 = x[1]! - x[0]! * x[0]!,
      r0 = 1 - x[0]!;
    g[0] = -400 * x[0]! * r1 - 2 * r0;
    g[1] = 200 * r1;
    return 100 * r1 * r1 + r0 * r0;
  };

  it("infinite bounds: plain L-BFGS's answer and scipy's unbounded L-BFGS-B evaluation counts", () => {
    // scipy 1.17 L-BFGS-B without bounds (maxcor 10, gtol 1e-5, ftol 0), as test/minimize.test.ts
    for (const [p, scipy] of [
      [P.rosenbrock2, 45],
      [P.beale, 16],
      [P.extendedRosenbrock(100), 48],
    ] as const) {
      const fn = (x: Float64Array, g: Float64Array) => p.fg(x, g);
      const plain = minimize(fn, p.x0(), { relTol: 0 });
      const boxed = minimize(fn, p.x0(), { relTol: 0, bounds: { lower: -Infinity, upper: [...p.x0()].map(() => Infinity) } });
      expect(boxed.reason).toBe("gradTol");
      expect(boxed.evaluations).toBe(scipy);
      expect(boxed.activeBounds!.every((a) => a === 0)).toBe(true);
      for (let i = 0; i < p.n; i++) expect(Math.abs(boxed.x[i]! - plain.x[i]!)).toBeLessThan(1e-9);
    }
  });

  it("a start outside the box is projected into it first", () => {
    const seen: number[][] = [];
    const r = minimize(
      (x, g) => {
        seen.push([...x]);
        return rosen(x, g);
      },
      [3, -5],
      { bounds: { lower: [-2, -1], upper: [0.5, 2] } },
    );
    expect(seen[0]).toEqual([0.5, -1]);
    for (const x of seen) {
      expect(x[0]).toBeGreaterThanOrEqual(-2);
      expect(x[0]).toBeLessThanOrEqual(0.5);
      expect(x[1]).toBeGreaterThanOrEqual(-1);
      expect(x[1]).toBeLessThanOrEqual(2);
    }
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBe(0.5);
    expect(r.x[1]).toBeCloseTo(0.25, 6);
    expect([...r.activeBounds!]).toEqual([1, 0]);
  });

  it("a fixed coordinate (lower = upper) stays put", () => {
    const r = minimize(rosen, [0, 0], { bounds: { lower: [-Infinity, 0.3], upper: [Infinity, 0.3] } });
    expect(r.converged).toBe(true);
    expect(r.x[1]).toBe(0.3);
    // d/dx0 of 100 (0.3 - x0^2)^2 + (1 - x0)^2 = 0 at the minimiser
    const g = new Float64Array(2);
    rosen(r.x, g);
    expect(Math.abs(g[0]!)).toBeLessThanOrEqual(1e-5);
    expect(r.activeBounds![1]).toBe(-1);
  });

  it("refuses bad bounds with a typed error naming the option, before fn is called", () => {
    let calls = 0;
    const fn = (x: Float64Array, g: Float64Array): number => {
      calls++;
      return rosen(x, g);
    };
    const bad: [unknown, string][] = [
      [{ lower: [0, 1], upper: [1, 0.5] }, "bounds.lower[1]"],
      [{ lower: [0, 0, 0] }, "bounds.lower"],
      [{ upper: [1, NaN] }, "bounds.upper[1]"],
      [{ lower: NaN }, "bounds.lower"],
      [{ lower: Infinity }, "bounds.lower[0]"],
      [{ upper: -Infinity }, "bounds.upper[0]"],
      [{ lower: "0" }, "bounds.lower"],
      [{ lower: [0, "1"] }, "bounds.lower[1]"],
      [{ low: 0 }, "bounds.low"],
      [null, "bounds"],
      [[0, 1], "bounds"],
    ];
    for (const [bounds, option] of bad) {
      let err: unknown;
      try {
        minimize(fn, [0, 0], { bounds: bounds as never });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidOptionError);
      expect((err as InvalidOptionError).option).toBe(option);
    }
    expect(() => minimize(fn, [0, 0], { bounds: { lower: 0 }, method: "newton", hessian: () => {} })).toThrow(InvalidOptionError);
    expect(() => minimize(fn as never, new Float32Array(2), { bounds: { lower: 0 } })).toThrow(/float64/);
    expect(calls).toBe(0);
  });
});

/** A small seeded generator (mulberry32) for the Cauchy point cases. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The generalized Cauchy point from the dense model: B from BFGS updates of theta I (the
 * matrix the compact form represents), the path P(x - t g) cut at its sorted breakpoints,
 * on each segment the exact minimiser of the quadratic.
 */
function denseCauchy(x: number[], g: number[], lower: number[], upper: number[], B: number[][]): number[] {
  const tb = x.map((xi, i) => (g[i]! < 0 ? (upper[i]! - xi) / -g[i]! : g[i]! > 0 ? (xi - lower[i]!) / g[i]! : Infinity));
  const ts = [...new Set(tb.filter((t) => t < Infinity))].sort((a, b) => a - b);
  let z = [...x],
    tPrev = 0;
  for (const tNext of [...ts, Infinity]) {
    const d = x.map((_, i) => (tb[i]! > tPrev ? -g[i]! : 0));
    const Bd = B.map((row) => row.reduce((s, v, j) => s + v * d[j]!, 0));
    const slope = d.reduce((s, di, i) => s + di * (g[i]! + B[i]!.reduce((a, v, j) => a + v * (z[j]! - x[j]!), 0)), 0);
    const curv = d.reduce((s, di, i) => s + di * Bd[i]!, 0);
    if (slope >= 0) return z;
    const tau = curv > 0 ? -slope / curv : Infinity;
    if (tau < tNext - tPrev) return z.map((zi, i) => zi + tau * d[i]!);
    z = z.map((zi, i) => (tb[i]! > tPrev && tb[i]! <= tNext ? (d[i]! > 0 ? upper[i]! : lower[i]!) : zi + (tNext - tPrev) * d[i]!));
    tPrev = tNext;
  }
  return z;
}

const boxOf = (lower: number[], upper: number[]): Box => checkBounds({ lower, upper }, lower.length);
const whereOf = (box: Box): Int8Array => Int8Array.from(box.kind, (k) => (k === 0 ? -1 : 0));

describe("generalized Cauchy point", () => {
  it("B = I, by hand: x = 0, g = (-1, -2), x0 <= 0.5, x1 <= 10 -> (0.5, 2)", () => {
    // segment 1: d = (1, 2), m'(t) = -5 + 5t, breakpoint of x0 at t = 0.5 < 1;
    // segment 2: d = (0, 2), m'(0.5 + s) = (-2 + 1) * 2 + 4s = -2 + 4s -> s = 0.5: x1 = 1 + 1 = 2
    const box = boxOf([-Infinity, -Infinity], [0.5, 10]);
    const where = whereOf(box);
    const x = Float64Array.of(0, 0),
      g = Float64Array.of(-1, -2),
      xcp = new Float64Array(2);
    const nseg = cauchyPoint(x, g, box, where, projectedGradientNorm(x, g, box), new CompactBfgs(5), xcp, new BoundedWork(2, 5));
    expect([...xcp]).toEqual([0.5, 2]);
    expect(nseg).toBe(2);
    expect([...where]).toEqual([2, 0]);
  });

  it("with 3 pairs in memory: the dense model's first local minimiser along the projected path", () => {
    const n = 6,
      m = 5;
    const rand = rng(42);
    const segments: number[] = [];
    for (let trial = 0; trial < 20; trial++) {
      // tight bounds in half the cases, so that the path crosses several breakpoints
      const w = trial % 2 === 0 ? 0.2 : 5;
      const lower = Array.from({ length: n }, (_, i) => (i % 3 === 2 ? -Infinity : -0.05 - w * rand()));
      const upper = Array.from({ length: n }, (_, i) => (i % 3 === 1 ? Infinity : 0.05 + w * rand()));
      const x = lower.map((l, i) => (i === 0 ? l : rand() * 0.08 - 0.04)); // x0 on its lower bound
      const g = x.map(() => 4 * rand() - 2);
      // pairs y = A s with A symmetric positive definite
      const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 2 + 3 * rand() : 0)));
      for (let i = 0; i + 1 < n; i++) A[i]![i + 1] = A[i + 1]![i] = 0.5 * rand();
      const B = new CompactBfgs(m);
      const pairs: [number[], number[]][] = [];
      const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);
      for (let k = 0; k < 3; k++) {
        const s = Array.from({ length: n }, () => rand() - 0.5);
        const y = A.map((row) => dot(row, s));
        pairs.push([s, y]);
        expect(B.push(Float64Array.from(s), Float64Array.from(y), dot(s, s), dot(s, y), dot(y, y), dot)).toBe(true);
      }
      // dense B: BFGS updates of theta I, oldest pair first
      let Bd = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? B.theta : 0)));
      for (const [s, y] of pairs) {
        const Bs = Bd.map((row) => dot(row, s));
        const sBs = dot(s, Bs),
          sy = dot(s, y);
        Bd = Bd.map((row, i) => row.map((v, j) => v - (Bs[i]! * Bs[j]!) / sBs + (y[i]! * y[j]!) / sy));
      }
      const box = boxOf(lower, upper);
      const xv = Float64Array.from(x),
        gv = Float64Array.from(g),
        xcp = new Float64Array(n);
      segments.push(cauchyPoint(xv, gv, box, whereOf(box), projectedGradientNorm(xv, gv, box), B, xcp, new BoundedWork(n, m)));
      const ref = denseCauchy(x, g, lower, upper, Bd);
      for (let i = 0; i < n; i++) expect(Math.abs(xcp[i]! - ref[i]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(ref[i]!)));
    }
    // the cases cover the first segment and several breakpoints crossed
    expect(Math.min(...segments)).toBe(1);
    expect(Math.max(...segments)).toBeGreaterThanOrEqual(4);
  });
});
