// Schedule-Free SGD / AdamW through the public API: the train/eval mode rules, evalParams,
// the untouched gradient, and float64 trajectories against the algorithm as written in
// scripts/golden/README.md (warm-up, r, weightLrPower, the paper variant, weight decay).
import { describe, expect, it } from "vitest";
import { lcg } from "../helpers/random.js";
import { expectInvalidOption } from "../helpers/options.js";
import { AdamWScheduleFree, InvalidOptionError, Param, SGDScheduleFree, StateError, type DType, type FloatArray } from "../../src/index.js";

type SF = SGDScheduleFree | AdamWScheduleFree;
/** The scalar state (k, weight_sum, lr_max) of the first group. */
const groupScalars = (opt: SF) => [...(opt.groupState as Map<unknown, Record<string, number>>).values()][0];
const makers: [string, (p: Param[], o?: object) => SF][] = [
  ["SGDScheduleFree", (p, o) => new SGDScheduleFree(p, { lr: 0.1, weightDecay: 0.01, warmupSteps: 2, ...o })],
  ["AdamWScheduleFree", (p, o) => new AdamWScheduleFree(p, { lr: 0.02, weightDecay: 0.01, warmupSteps: 2, ...o })],
];

/** Steps `opt` `steps` times on the quadratic 0.5*sum(a_i (p_i - 1)^2) (gradients taken at y). */
function train(opt: SF, params: Param[], steps: number, seed = 1): void {
  const rnd = lcg(seed);
  for (let t = 0; t < steps; t++) {
    for (const p of params) for (let i = 0; i < p.size; i++) p.grad[i] = (1.5 + rnd()) * (p.data[i]! - 1) + 0.1 * rnd();
    opt.step();
  }
}

const randomParam = (n: number, dtype: DType, seed: number) => {
  const rnd = lcg(seed);
  return Param.from(
    Array.from({ length: n }, () => 3 * rnd()),
    { dtype },
  );
};

for (const [name, make] of makers) {
  for (const dtype of ["float32", "float64"] as DType[]) {
    describe(`${name} (${dtype}) modes`, () => {
      it("eval() puts x in the params, train() gives y back exactly; both are idempotent", () => {
        const ps = [randomParam(37, dtype, 3), randomParam(1, dtype, 4)];
        const opt = make(ps);
        train(opt, ps, 9);
        const y = ps.map((p) => p.data.slice());
        const x = ps.map((p) => opt.evalParams(p));
        expect(opt.mode).toBe("train");
        opt.eval();
        opt.eval();
        expect(opt.mode).toBe("eval");
        ps.forEach((p, k) => expect(Array.from(p.data)).toEqual(Array.from(x[k]!)));
        ps.forEach((p, k) => expect(Array.from(p.data)).not.toEqual(Array.from(y[k]!))); // x differs from y after 9 steps
        opt.train();
        opt.train();
        expect(opt.mode).toBe("train");
        // y = beta*x + (1-beta)*z is recomputed with the step's own arithmetic: bit for bit
        ps.forEach((p, k) => expect(Array.from(p.data)).toEqual(Array.from(y[k]!)));
      });

      it("evalParams equals the eval-mode buffer, in either mode, and is a copy", () => {
        const p = randomParam(21, dtype, 5);
        const opt = make([p]);
        expect(Array.from(opt.evalParams(p))).toEqual(Array.from(p.data)); // before any step x = y
        train(opt, [p], 6);
        const inTrain = opt.evalParams(p);
        opt.eval();
        expect(Array.from(opt.evalParams(p))).toEqual(Array.from(p.data));
        expect(Array.from(inTrain)).toEqual(Array.from(p.data));
        inTrain.fill(123);
        expect(Array.from(opt.evalParams(p))).toEqual(Array.from(p.data));
        expect(p.data[0]).not.toBe(123);
      });

      it("step() in eval mode throws a StateError and changes nothing", () => {
        const p = randomParam(19, dtype, 6);
        const opt = make([p]);
        train(opt, [p], 4);
        opt.eval();
        p.grad.fill(0.5);
        const s = opt.state.get(p)!;
        const before = [p.data, p.grad, ...[...s.buffers.values()].map((b) => b.view)].map((a) => Array.from(a));
        const group = { ...groupScalars(opt) };
        let called = false;
        expect(() => opt.step(() => ((called = true), 0))).toThrow(StateError);
        expect(() => opt.step()).toThrow(/train\(\)/);
        expect(called).toBe(false);
        const after = [p.data, p.grad, ...[...s.buffers.values()].map((b) => b.view)].map((a) => Array.from(a));
        expect(after).toEqual(before);
        expect(groupScalars(opt)).toEqual(group);
        expect(opt.mode).toBe("eval");
      });

      it("never writes to the gradient", () => {
        const p = randomParam(33, dtype, 7);
        const opt = make([p]);
        train(opt, [p], 2);
        const rnd = lcg(8);
        for (let i = 0; i < p.size; i++) p.grad[i] = rnd();
        const g = Array.from(p.grad);
        opt.step();
        opt.eval();
        opt.train();
        expect(Array.from(p.grad)).toEqual(g);
      });
    });
  }

  describe(`${name} API`, () => {
    it("eval() before the first step leaves the params as they are", () => {
      const p = randomParam(5, "float32", 9);
      const before = Array.from(p.data);
      const opt = make([p]);
      opt.eval();
      expect(Array.from(p.data)).toEqual(before);
      opt.train();
      expect(Array.from(p.data)).toEqual(before);
    });

    it("each group keeps its own beta: train() uses it", () => {
      const [a, b] = [randomParam(10, "float32", 10), randomParam(10, "float32", 11)];
      const beta = name === "SGDScheduleFree" ? { momentum: 0.5 } : { betas: [0.5, 0.99] };
      const opt = make([{ params: [a] }, { params: [b], ...beta }] as never);
      train(opt, [a, b], 5);
      const y = [a.data.slice(), b.data.slice()];
      opt.eval();
      opt.train();
      expect(Array.from(a.data)).toEqual(Array.from(y[0]!));
      expect(Array.from(b.data)).toEqual(Array.from(y[1]!));
    });

    it("a wrapped Param (the caller's own arrays) follows the modes", () => {
      const data = Float32Array.from([0.5, -1, 2, 3, -0.25]);
      const grad = new Float32Array(5);
      const p = Param.wrap(data, grad);
      const opt = make([p]);
      for (let t = 0; t < 5; t++) {
        for (let i = 0; i < 5; i++) grad[i] = data[i]! - 1;
        opt.step();
      }
      const y = data.slice();
      opt.eval();
      expect(Array.from(data)).toEqual(Array.from(opt.evalParams(p)));
      opt.train();
      expect(Array.from(data)).toEqual(Array.from(y));
    });

    it("evalParams of a Param that is not the optimizer's is an InvalidOptionError", () => {
      const opt = make([randomParam(3, "float32", 12)]);
      const stranger = randomParam(3, "float32", 13);
      expect(() => opt.evalParams(stranger)).toThrow(InvalidOptionError);
    });

    it("eval()/train() with a disposed Param throw a StateError and switch nothing", () => {
      const [a, b] = [randomParam(4, "float32", 14), randomParam(4, "float32", 15)];
      const opt = make([a, b]);
      train(opt, [a, b], 3);
      const ya = Array.from(a.data);
      b.dispose();
      expect(() => opt.eval()).toThrow(StateError);
      expect(opt.mode).toBe("train");
      expect(Array.from(a.data)).toEqual(ya);
    });
  });
}

describe("Schedule-Free options", () => {
  const p = () => Param.from([1, 2, 3]);
  const sgd = (o: object) => new SGDScheduleFree([p()], o);
  const adamw = (o: object) => new AdamWScheduleFree([p()], o);
  // [class, make, option, bad value, the option the error names, the value it carries]
  const bad: [string, (o: object) => unknown, string, unknown, string?, unknown?][] = [
    ["SGDScheduleFree", sgd, "lr", -1],
    ["SGDScheduleFree", sgd, "momentum", 1],
    ["SGDScheduleFree", sgd, "momentum", -0.1],
    ["SGDScheduleFree", sgd, "weightDecay", Number.NaN],
    ["SGDScheduleFree", sgd, "warmupSteps", 1.5],
    ["SGDScheduleFree", sgd, "warmupSteps", -1],
    ["SGDScheduleFree", sgd, "r", -1],
    ["SGDScheduleFree", sgd, "weightLrPower", Infinity],
    ["SGDScheduleFree", sgd, "betas", [0.9, 0.99], "options.betas"],
    ["AdamWScheduleFree", adamw, "betas", [1, 0.999], "betas[0]", 1],
    ["AdamWScheduleFree", adamw, "eps", -1e-8],
    ["AdamWScheduleFree", adamw, "variant", "Paper"],
    ["AdamWScheduleFree", adamw, "warmupSteps", "10"],
  ];
  for (const [cls, make, option, value, named, carried] of bad) {
    it(`${cls}: ${option} = ${String(value)} is an InvalidOptionError naming ${named ?? option}`, () => {
      expectInvalidOption(make, option, value, named, carried);
    });
  }

  it("a bad value set on a group throws and leaves the group as it was", () => {
    const opt = new AdamWScheduleFree([p()]);
    const g = opt.paramGroups[0]!;
    expect(() => (g.variant = "fast" as never)).toThrow(InvalidOptionError);
    expect(() => (g.warmupSteps = -3)).toThrow(/warmupSteps/);
    expect(g.variant).toBe("default");
    expect(g.warmupSteps).toBe(0);
    g.variant = "paper";
    expect(g.variant).toBe("paper");
  });

  it("defaults are schedulefree's", () => {
    expect(new SGDScheduleFree([p()]).defaults).toEqual({ lr: 1, momentum: 0.9, weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2 });
    expect(new AdamWScheduleFree([p()]).defaults).toEqual({
      lr: 0.0025,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      warmupSteps: 0,
      r: 0,
      weightLrPower: 2,
      variant: "default",
    });
  });
});

/**
 * The algorithm exactly as scripts/golden/README.md states it, in float64, one step over
 * plain arrays: the reference for the optimizer's scalar bookkeeping (k, lr_max, weights).
 */
class ReadmeScheduleFree {
  k = 0;
  lrMax = -1;
  weightSum = 0;
  z: number[];
  x: number[];
  v: number[];
  constructor(
    p0: ArrayLike<number>,
    readonly h: Record<string, number | string | number[]>,
    private adam: boolean,
  ) {
    this.z = Array.from(p0);
    this.x = Array.from(p0);
    this.v = this.z.map(() => 0);
  }
  step(y: FloatArray, g: ArrayLike<number>): void {
    const h = this.h;
    const k = this.k;
    const warm = h.warmupSteps as number;
    const sched = k < warm ? (k + 1) / warm : 1;
    const [b1, b2] = this.adam ? (h.betas as number[]) : [h.momentum as number, 0];
    let lrK = (h.lr as number) * sched;
    const bc2 = 1 - b2! ** (k + 1);
    if (this.adam && h.variant === "paper") lrK *= Math.sqrt(bc2);
    this.lrMax = Math.max(this.lrMax, lrK);
    const weight = (k + 1) ** (h.r as number) * this.lrMax ** (h.weightLrPower as number);
    this.weightSum += weight;
    const c = this.weightSum !== 0 ? weight / this.weightSum : 0;
    for (let i = 0; i < y.length; i++) {
      let u = g[i]!;
      if (this.adam) {
        this.v[i] = b2! * this.v[i]! + (1 - b2!) * g[i]! * g[i]!;
        u =
          h.variant === "paper"
            ? g[i]! / (Math.sqrt(this.v[i]!) + (h.eps as number))
            : g[i]! / (Math.sqrt(this.v[i]! / bc2) + (h.eps as number));
      }
      u += (h.weightDecay as number) * y[i]!;
      this.z[i] = this.z[i]! - lrK * u;
      this.x[i] = (1 - c) * this.x[i]! + c * this.z[i]!;
      y[i] = (1 - b1!) * this.z[i]! + b1! * this.x[i]!;
    }
    this.k = k + 1;
  }
}

describe("Schedule-Free float64 trajectories against the README's algorithm", () => {
  const configs: [boolean, Record<string, number | string | number[]>][] = [
    [false, { lr: 0.3, momentum: 0.9, weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2 }],
    [false, { lr: 0.1, momentum: 0.7, weightDecay: 0.05, warmupSteps: 7, r: 1.5, weightLrPower: 1 }],
    [false, { lr: 0.2, momentum: 0, weightDecay: 0, warmupSteps: 3, r: 0, weightLrPower: 0 }],
    [true, { lr: 0.05, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2, variant: "default" }],
    [true, { lr: 0.02, betas: [0.8, 0.95], eps: 1e-6, weightDecay: 0.1, warmupSteps: 10, r: 0.5, weightLrPower: 2, variant: "default" }],
    [true, { lr: 0.03, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, warmupSteps: 4, r: 1, weightLrPower: 3, variant: "paper" }],
  ];
  configs.forEach(([adam, h], idx) => {
    it(`${adam ? "AdamW" : "SGD"}ScheduleFree ${JSON.stringify(h)}`, () => {
      const n = 37;
      const p = randomParam(n, "float64", 20 + idx);
      const ref = new ReadmeScheduleFree(p.data, { ...h }, adam);
      const y = Float64Array.from(p.data);
      const opt = adam ? new AdamWScheduleFree([p], h) : new SGDScheduleFree([p], h);
      const rnd = lcg(40 + idx);
      for (let t = 0; t < 25; t++) {
        if (t === 15) {
          // the user lowers lr: the averaging weights keep using lr_max, the largest so far
          ref.h.lr = (h.lr as number) / 3;
          opt.paramGroups[0]!.lr = (h.lr as number) / 3;
        }
        // closed loop on a quadratic, gradients at y
        for (let i = 0; i < n; i++) p.grad[i] = (1 + 0.5 * Math.sin(i)) * (p.data[i]! - 0.5) + 0.05 * rnd();
        const g = Float64Array.from(p.grad);
        opt.step();
        ref.step(y, g);
        for (let i = 0; i < n; i++) expect(Math.abs(p.data[i]! - y[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(y[i]!)));
        const x = opt.evalParams(p);
        for (let i = 0; i < n; i++) expect(Math.abs(x[i]! - ref.x[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(ref.x[i]!)));
      }
      const gs = groupScalars(opt)!;
      expect(gs.k).toBe(25);
      expect(gs.lr_max).toBe(ref.lrMax);
      expect(Math.abs(gs.weight_sum! - ref.weightSum)).toBeLessThanOrEqual(1e-14 * ref.weightSum);
    });
  });
});
