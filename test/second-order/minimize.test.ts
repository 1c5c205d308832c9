// minimize(): convergence on the standard problems at small sizes (evaluation counts
// against scipy 1.17's L-BFGS-B, memory 10, measured on the same problems and data: see
// bench/scipy-reference.py), non-finite losses and gradients, the stopping rules, and
// bad input.
import { describe, expect, it } from "vitest";
import { InvalidOptionError, heapStats, minimize } from "../../src/index.js";
import * as P from "../helpers/problems.mjs";

type Problem = {
  name: string;
  n: number;
  x0(): Float64Array;
  fg(x: ArrayLike<number>, g: { [i: number]: number }): number;
  fStar?: number;
};
const fn = (p: Problem) => (x: Float64Array, g: Float64Array) => p.fg(x, g);

// scipy L-BFGS-B (maxcor 10, gtol 1e-5, ftol 0) evaluations on the same problems
const scipyEvals: [Problem, number][] = [
  [P.rosenbrock2, 45],
  [P.beale, 16],
  [P.extendedRosenbrock(100), 48],
  [P.extendedRosenbrock(10_000), 49],
  [P.logisticRegression(500, 20), 251],
  [P.quadratic(1000), 913],
];

describe("minimize (L-BFGS) on the standard problems", () => {
  for (const [p, scipy] of scipyEvals) {
    it(`${p.name}: converges to max|g| <= 1e-5 within 1.1x scipy's ${scipy} evaluations`, () => {
      const r = minimize(fn(p), p.x0(), { relTol: 0 });
      expect(r.converged).toBe(true);
      expect(r.reason).toBe("gradTol");
      expect(r.gradNorm).toBeLessThanOrEqual(1e-5);
      expect(r.evaluations).toBeLessThanOrEqual(Math.floor(1.1 * scipy));
      // the reported loss and gradient norm are those of the returned x
      const g = new Float64Array(p.n);
      expect(p.fg(r.x, g)).toBe(r.loss);
      expect(g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBe(r.gradNorm);
      if (p.fStar !== undefined) expect(r.loss - p.fStar).toBeLessThan(1e-8);
    });
  }

  it("finds Beale's minimum (3, 0.5)", () => {
    const r = minimize(fn(P.beale), [1, 1]);
    expect(r.x[0]).toBeCloseTo(3, 4);
    expect(r.x[1]).toBeCloseTo(0.5, 4);
  });

  it("runs in float32 for a Float32Array x0 and returns a Float32Array", () => {
    const p = P.extendedRosenbrock(100);
    const r = minimize((x: Float32Array, g: Float32Array) => p.fg(x, g), Float32Array.from(p.x0()), { gradTol: 1e-3 });
    expect(r.x).toBeInstanceOf(Float32Array);
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(Math.abs(v - 1)).toBeLessThan(1e-3);
  });

  it("stops on relTol (scipy's default 2.2e-9) before gradTol when the loss stalls", () => {
    const p = P.quadratic(1000);
    const r = minimize(fn(p), p.x0(), { gradTol: 0 });
    expect(r.reason).toBe("relTol");
    expect(r.converged).toBe(true);
  });

  it("stops at maxIterations, maxEvaluations and when onIteration returns false", () => {
    const p = P.extendedRosenbrock(100);
    const a = minimize(fn(p), p.x0(), { maxIterations: 5 });
    expect([a.reason, a.iterations, a.converged]).toEqual(["maxIterations", 5, false]);
    const b = minimize(fn(p), p.x0(), { maxEvaluations: 7 });
    expect([b.reason, b.evaluations]).toEqual(["maxEvaluations", 7]);
    const seen: number[] = [];
    const c = minimize(fn(p), p.x0(), {
      onIteration: ({ iteration, loss, gradNorm, x, evaluations }) => {
        expect(x.length).toBe(100);
        expect(Number.isFinite(loss) && Number.isFinite(gradNorm) && evaluations > iteration).toBe(true);
        seen.push(loss);
        return iteration < 3;
      },
    });
    expect([c.reason, c.iterations, seen.length]).toEqual(["callback", 3, 3]);
    expect(seen[2]).toBe(c.loss);
    expect(seen[0]! > seen[1]! && seen[1]! > seen[2]!).toBe(true);
  });

  it("frees its wasm memory", () => {
    const before = heapStats().liveBytes;
    const p = P.extendedRosenbrock(1000);
    minimize(fn(p), p.x0(), { maxIterations: 20 });
    expect(heapStats().liveBytes).toBe(before);
  });
});

describe("minimize with non-finite losses and gradients", () => {
  // f(x) = sum x_i - log x_i: NaN for x_i < 0 (log of a negative number), minimum at x = 1
  const barrier = (x: ArrayLike<number>, g: { [i: number]: number }) => {
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      f += x[i]! - Math.log(x[i]!);
      g[i] = 1 - 1 / x[i]!;
    }
    return f;
  };

  it("backs off from NaN points and converges (x0 whose first steps leave the domain)", () => {
    const r = minimize(barrier, [50, 0.01, 3, 200]);
    expect(r.reason).toBe("gradTol");
    for (const v of r.x) expect(v).toBeCloseTo(1, 4);
  });

  it("backs off from an infinite loss, and from a NaN gradient with a finite loss", () => {
    const inf = (x: Float64Array, g: Float64Array) => {
      const f = P.rosenbrock2.fg(x, g);
      return x[0]! > 1.5 ? Infinity : f;
    };
    const a = minimize(inf, [-1.2, 1]);
    expect(a.converged).toBe(true);
    expect(a.x[0]).toBeCloseTo(1, 4);
    const nanGrad = (x: Float64Array, g: Float64Array) => {
      const f = P.rosenbrock2.fg(x, g);
      if (x[1]! < -0.5) g[1] = NaN;
      return f;
    };
    const b = minimize(nanGrad, [-1.2, 1]);
    expect(b.converged).toBe(true);
    expect(b.x[1]).toBeCloseTo(1, 4);
  });

  it("stops with reason nonFinite, finite params and a message, when every trial is NaN", () => {
    let calls = 0;
    const r = minimize(
      (x: Float64Array, g: Float64Array) => {
        g[0] = 1;
        g[1] = -2;
        return calls++ === 0 ? 5 : NaN;
      },
      [0.5, 0.25],
    );
    expect(r.reason).toBe("nonFinite");
    expect(r.converged).toBe(false);
    expect(Array.from(r.x)).toEqual([0.5, 0.25]);
    expect(r.loss).toBe(5);
    expect(r.message).toMatch(/not finite/);
  });

  it("stops at once, returning x0, when the loss or gradient at x0 is not finite", () => {
    const a = minimize(
      (_x: Float64Array, g: Float64Array) => {
        g[0] = 1;
        return NaN;
      },
      [2],
    );
    expect([a.reason, a.evaluations, Array.from(a.x)]).toEqual(["nonFinite", 1, [2]]);
    const b = minimize(
      (_x: Float64Array, g: Float64Array) => {
        g[0] = Infinity;
        return 1;
      },
      [2],
    );
    expect([b.reason, Array.from(b.x)]).toEqual(["nonFinite", [2]]);
  });

  it("stops with reason lineSearch (finite x) when the gradient does not match the loss", () => {
    const wrong = (x: Float64Array, g: Float64Array) => {
      const f = P.rosenbrock2.fg(x, g);
      g[0] = -g[0]!;
      g[1] = -g[1]!;
      return f;
    };
    const r = minimize(wrong, [-1.2, 1]);
    expect(r.reason).toBe("lineSearch");
    expect(r.x.every(Number.isFinite)).toBe(true);
  });

  it("resets the memory when a line search fails, then goes on along -g", () => {
    // after iteration 5 the loss is NaN at every point off the steepest-descent ray from
    // the current iterate: the L-BFGS direction's line search fails, the memory is
    // forgotten, and the search along -g succeeds.
    const p = P.extendedRosenbrock(20);
    let xk: Float64Array | null = null;
    const gk = new Float64Array(20);
    let nanCalls = 0;
    const r = minimize(
      (x: Float64Array, g: Float64Array) => {
        const f = p.fg(x, g);
        if (!xk) return f;
        let dot = 0,
          dd = 0,
          gg = 0;
        for (let i = 0; i < 20; i++) {
          const d = x[i]! - xk[i]!;
          dot += d * -gk[i]!;
          dd += d * d;
          gg += gk[i]! * gk[i]!;
        }
        if (dot >= Math.sqrt(dd * gg) * (1 - 1e-9)) return f;
        nanCalls++;
        return NaN;
      },
      p.x0(),
      {
        onIteration: ({ iteration, x }) => {
          xk = iteration === 5 ? Float64Array.from(x) : null;
          if (xk) p.fg(xk, gk);
        },
      },
    );
    expect(nanCalls).toBeGreaterThan(0);
    expect(r.converged).toBe(true);
    expect(r.gradNorm).toBeLessThanOrEqual(1e-5);
  });
});

describe("minimize input validation", () => {
  const f = (x: Float64Array, g: Float64Array) => P.rosenbrock2.fg(x, g);
  const bad: [string, () => unknown, string][] = [
    ["fn", () => minimize(42 as never, [1]), "fn"],
    ["x0 type", () => minimize(f, "ab" as never), "x0"],
    ["x0 NaN", () => minimize(f, [1, NaN]), "x0[1]"],
    ["x0 Infinity", () => minimize(f, Float64Array.of(Infinity)), "x0[0]"],
    ["method", () => minimize(f, [1, 1], { method: "bfgs" as never }), "method"],
    ["memory 0", () => minimize(f, [1, 1], { memory: 0 }), "memory"],
    ["memory 2.5", () => minimize(f, [1, 1], { memory: 2.5 }), "memory"],
    ["gradTol", () => minimize(f, [1, 1], { gradTol: -1 }), "gradTol"],
    ["relTol", () => minimize(f, [1, 1], { relTol: NaN }), "relTol"],
    ["maxIterations", () => minimize(f, [1, 1], { maxIterations: 0 }), "maxIterations"],
    ["maxEvaluations", () => minimize(f, [1, 1], { maxEvaluations: -3 }), "maxEvaluations"],
    ["onIteration", () => minimize(f, [1, 1], { onIteration: 1 as never }), "onIteration"],
    ["unknown option", () => minimize(f, [1, 1], { memroy: 5 } as never), "options.memroy"],
    ["newton without a Hessian", () => minimize(f, [1, 1], { method: "newton" }), "hessian"],
    ["fn returning a string", () => minimize(() => "1" as never, [1, 1]), "fn"],
  ];
  for (const [what, call, option] of bad) {
    it(`${what}: InvalidOptionError naming ${option}`, () => {
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidOptionError);
      expect((err as InvalidOptionError).option).toBe(option);
    });
  }
});

describe("minimize: the stopping and curvature tests", () => {
  it("stops at the start when max |g| <= gradTol, equality included (as scipy's pgtol)", () => {
    const r = minimize((x: Float64Array, g: Float64Array) => ((g[0] = x[0]!), 0.5 * x[0]! ** 2), Float64Array.from([0.5]), {
      gradTol: 0.5,
    });
    expect([r.reason, r.iterations, r.evaluations, r.x[0]]).toEqual(["gradTol", 0, 1, 0.5]);
  });

  it("skips a pair with 0 < y's <= eps * t * |g'd|: along a slope that changes by one ulp, iteration 2 restarts along -g", () => {
    // f(x) = 1 - x for x < 0.5, then slope -(1 - 2^-53): unbounded below, so each line search
    // ends at stpmax = 1e20 (an accepted "warning"). Iteration 1: s = 1e20, y = 2^-53, so
    // y's = 1e20 * 2^-53 <= 2^-52 * 1e20 * |g'd|: the pair is skipped and iteration 2 starts
    // from 1/||g|| along -g, ending at 1e20 + 1e20 (1 - 2^-53) = 2e20. Kept, its scale
    // y's / y'y ~ 1e36 would send the trials to ~1e55.
    const s = 1 - 2 ** -53;
    const xs: number[] = [];
    const fn = (x: Float64Array, g: Float64Array) => {
      const v = x[0]!;
      xs.push(v);
      g[0] = v < 0.5 ? -1 : -s;
      return v < 0.5 ? 1 - v : 0.5 - s * (v - 0.5);
    };
    const r = minimize(fn, Float64Array.from([0]), { maxIterations: 2 });
    expect(r.reason).toBe("maxIterations");
    expect(r.iterations).toBe(2);
    expect(r.x[0]).toBe(2e20);
    expect(Math.max(...xs)).toBe(2e20);
  });
});
