// LBFGS beyond the golden trajectories: options (torch's defaults, validation with typed
// errors, nothing modified), several params as one flat vector, frozen and wrapped params,
// state, disposal.
import { describe, expect, it } from "vitest";
import { InvalidOptionError, LBFGS, Param, StateError, heapStats } from "../../src/index.js";
import * as P from "../helpers/problems.mjs";

const rosen = P.extendedRosenbrock(10);

/** The closure for the extended Rosenbrock over params taken together, in order. */
function closureOf(params: Param[], counter?: { n: number }) {
  const n = params.reduce((s, p) => s + p.size, 0);
  const x = new Float64Array(n),
    g = new Float64Array(n);
  return () => {
    if (counter) counter.n++;
    let off = 0;
    for (const p of params) {
      x.set(p.data, off);
      off += p.size;
    }
    const f = rosen.fg(x, g);
    off = 0;
    for (const p of params) {
      p.grad.set(g.subarray(off, off + p.size));
      off += p.size;
    }
    return f;
  };
}

function expectInvalid(f: () => unknown, option: string, ...value: unknown[]): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InvalidOptionError);
  expect((err as InvalidOptionError).option).toBe(option);
  if (value.length > 0) expect((err as InvalidOptionError).value).toEqual(value[0]);
}

describe("LBFGS options", () => {
  it("has torch's defaults (toleranceGrad 1e-7, maxEval = floor(maxIter * 5/4))", () => {
    const p = Param.from([1, 2]);
    expect({ ...new LBFGS([p]).defaults }).toEqual({
      lr: 1,
      maxIter: 20,
      maxEval: 25,
      toleranceGrad: 1e-7,
      toleranceChange: 1e-9,
      historySize: 100,
      lineSearch: "none",
    });
    expect(new LBFGS([p], { maxIter: 10 }).paramGroups[0]!.maxEval).toBe(12);
    expect(new LBFGS([p], { maxIter: 10, maxEval: 3 }).paramGroups[0]!.maxEval).toBe(3);
  });

  it("rejects bad values with an InvalidOptionError naming the option and the value", () => {
    const p = Param.from([1, 2]);
    expectInvalid(() => new LBFGS([p], { lr: -1 }), "lr", -1);
    expectInvalid(() => new LBFGS([p], { maxIter: 0 }), "maxIter", 0);
    expectInvalid(() => new LBFGS([p], { maxIter: 2.5 }), "maxIter", 2.5);
    expectInvalid(() => new LBFGS([p], { maxEval: 0 }), "maxEval", 0);
    expectInvalid(() => new LBFGS([p], { toleranceGrad: -1e-3 }), "toleranceGrad", -1e-3);
    expectInvalid(() => new LBFGS([p], { toleranceChange: NaN }), "toleranceChange", NaN);
    expectInvalid(() => new LBFGS([p], { historySize: 0 }), "historySize", 0);
    expectInvalid(() => new LBFGS([p], { lineSearch: "strongWolfe" as never }), "lineSearch", "strongWolfe");
    expectInvalid(() => new LBFGS([p], { maxiter: 3 } as never), "options.maxiter", 3);
  });

  it("validates a changed hyperparameter and leaves it unchanged when bad", () => {
    const opt = new LBFGS([Param.from([1, 2])], { lineSearch: "strong-wolfe" });
    const g = opt.paramGroups[0]!;
    expectInvalid(
      () => {
        g.historySize = -4;
      },
      "historySize",
      -4,
    );
    expect(g.historySize).toBe(100);
    g.historySize = 7;
    expect(g.historySize).toBe(7);
  });

  it("has one parameter group of one dtype, and needs a closure returning a number", () => {
    const a = Param.from([1, 2]),
      b = Param.from(Float64Array.of(1, 2));
    expectInvalid(() => new LBFGS([{ params: [a] }, { params: [Param.from([3])] }]), "params");
    expectInvalid(() => new LBFGS([a, b]), "params");
    const opt = new LBFGS([a]);
    expect("addParamGroup" in opt).toBe(false); // one group, by type and at run time
    expectInvalid(() => opt.step(), "closure", undefined);
    expectInvalid(() => opt.step(() => "1" as never), "closure", "1");
  });

  it("throws a StateError after a param was disposed", () => {
    const p = Param.from(Float64Array.from(rosen.x0()));
    const opt = new LBFGS([p]);
    p.dispose();
    expect(() => opt.step(() => 0)).toThrow(StateError);
  });
});

describe("LBFGS line search names", () => {
  it('takes torch\'s "strong_wolfe" as "strong-wolfe": the same trajectory, bit for bit', () => {
    const run = (lineSearch: "strong-wolfe" | "strong_wolfe" | "none") => {
      const p = Param.from(Float64Array.from(rosen.x0()));
      const opt = new LBFGS([p], { lineSearch, historySize: 4, maxIter: 5 });
      const losses = [0, 1, 2].map(() => opt.step(closureOf([p])));
      expect(opt.paramGroups[0]!.lineSearch).toBe(lineSearch);
      return { losses, x: Array.from(p.data), evals: opt.state.get(p)!.scalars.func_evals };
    };
    const torch = run("strong_wolfe"),
      ours = run("strong-wolfe");
    expect(torch).toEqual(ours);
    expect(run("none").x).not.toEqual(ours.x); // the search did run
  });
});

describe("LBFGS params", () => {
  for (const lineSearch of ["none", "strong-wolfe"] as const) {
    it(`treats several params as one flat vector (${lineSearch}): same trajectory, bit for bit`, () => {
      const x0 = rosen.x0();
      const one = Param.from(Float64Array.from(x0));
      const parts = [Param.from(x0.slice(0, 3)), Param.from(x0.slice(3, 4)), Param.from(x0.slice(4))];
      const c1 = { n: 0 },
        c2 = { n: 0 };
      const o1 = new LBFGS([one], { lineSearch, historySize: 4 });
      const o2 = new LBFGS(parts, { lineSearch, historySize: 4 });
      const f1 = closureOf([one], c1),
        f2 = closureOf(parts, c2);
      for (let t = 0; t < 4; t++) expect(o2.step(f2)).toBe(o1.step(f1));
      expect(c2.n).toBe(c1.n);
      expect(Array.from(parts.flatMap((p) => Array.from(p.data)))).toEqual(Array.from(one.data));
      const s = o2.state.get(parts[0]!)!;
      expect(s.scalars.func_evals).toBe(c2.n);
      expect(s.buffers.get("d")!.size).toBe(10);
      expect(s.buffers.get("prev_flat_grad")!.size).toBe(10);
    });
  }

  it("leaves a frozen param (requiresGrad false) out of the flat vector", () => {
    const frozen = new Param(2, { dtype: "float64", requiresGrad: false });
    frozen.data.set([5, 6]);
    const p = Param.from(Float64Array.from(rosen.x0()));
    const opt = new LBFGS([frozen, p], { lineSearch: "strong-wolfe" });
    expect(opt.numel).toBe(10);
    const loss0 = rosen.fg(p.data, new Float64Array(10));
    opt.step(closureOf([p]));
    expect(Array.from(frozen.data)).toEqual([5, 6]);
    expect(rosen.fg(p.data, new Float64Array(10))).toBeLessThan(loss0);
  });

  it("steps wrapped params (the caller's own arrays) like wasm ones", () => {
    const x0 = rosen.x0();
    const mine = Float64Array.from(x0),
      myGrad = new Float64Array(10);
    const wrapped = Param.wrap(mine, myGrad);
    const plain = Param.from(Float64Array.from(x0));
    const o1 = new LBFGS([wrapped], { lineSearch: "strong-wolfe" }),
      o2 = new LBFGS([plain], { lineSearch: "strong-wolfe" });
    for (let t = 0; t < 3; t++) o1.step(() => rosen.fg(mine, myGrad));
    for (let t = 0; t < 3; t++) o2.step(closureOf([plain]));
    expect(Array.from(mine)).toEqual(Array.from(plain.data));
  });

  it("allocates no wasm memory per iteration once the history is full", () => {
    const p = Param.from(Float64Array.from(rosen.x0()));
    const opt = new LBFGS([p], { lineSearch: "strong-wolfe", historySize: 3, maxIter: 4 });
    const closure = closureOf([p]);
    for (let t = 0; t < 3; t++) opt.step(closure);
    const live = heapStats().liveBytes;
    const iters = opt.state.get(p)!.scalars.n_iter!;
    for (let t = 0; t < 5; t++) opt.step(closure);
    expect(opt.state.get(p)!.scalars.n_iter! - iters).toBeGreaterThanOrEqual(5);
    expect(heapStats().liveBytes).toBe(live);
  });

  it("converges on 10-D Rosenbrock (float32) and frees its memory on dispose", () => {
    const before = heapStats().liveBytes;
    const p = Param.from(Float32Array.from(rosen.x0()));
    const opt = new LBFGS([p], { lineSearch: "strong-wolfe", historySize: 10, maxIter: 200, maxEval: 300, toleranceGrad: 1e-4 });
    opt.step(closureOf([p]));
    for (const v of p.data) expect(v).toBeCloseTo(1, 3);
    opt.dispose();
    p.dispose();
    expect(heapStats().liveBytes).toBe(before);
  });
});

describe("LBFGS: torch's curvature threshold y's > 1e-10", () => {
  it("skips pairs with 0 < y's <= 1e-10 (f = 0.5 * sum a x^2, a ~ 1e-6): steepest descent with H_diag = 1, as torch 1.13", () => {
    // /usr/bin/python3, torch 1.13, float64: x = [1, -2], a = [1e-6, 3e-6],
    // LBFGS([x], lr=1, max_iter=5, tolerance_change=0), two step(closure) calls: every pair
    // has y's ~ 1e-18, so old_dirs stays empty and H_diag 1. (Kept, H_diag = 1/a would jump
    // to the minimum.)
    const a = [1e-6, 3e-6];
    const p = Param.from(Float64Array.from([1, -2]));
    const opt = new LBFGS([p], { lr: 1, maxIter: 5, toleranceChange: 0 });
    const closure = () => {
      let f = 0;
      for (let i = 0; i < 2; i++) {
        p.grad[i] = a[i]! * p.data[i]!;
        f += 0.5 * a[i]! * p.data[i]! ** 2;
      }
      return f;
    };
    const torch = [
      { loss: 6.5000000000000004e-6, x: [0.99999500001, -1.9999700001799994], funcEvals: 5 },
      { loss: 6.49981500245248e-6, x: [0.9999900000449998, -1.9999400008099932], funcEvals: 10 },
    ];
    for (const want of torch) {
      const loss = opt.step(closure);
      expect(loss).toBeCloseTo(want.loss, 20);
      for (let i = 0; i < 2; i++) expect(Math.abs(p.data[i]! - want.x[i]!)).toBeLessThanOrEqual(1e-15 * Math.abs(want.x[i]!));
      expect(opt.state.get(p)!.scalars).toMatchObject({ func_evals: want.funcEvals, H_diag: 1 });
      expect(opt.stateDict().extra).toMatchObject({ history: [] });
    }
    opt.dispose();
    p.dispose();
  });
});
