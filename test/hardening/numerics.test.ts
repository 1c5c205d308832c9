// Numbers torch keeps (issue 11, item 10): non-finite params and gradients give what torch
// 1.13 gives, rule by rule (a weight decay of 0 adds nothing, so ±Infinity params stay;
// torch.sign(NaN) = 0 in Lion and Rprop). The numbers come from torch 1.13:
// test/fixtures/numerics/generate.py writes test/fixtures/numerics/nonfinite.json.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { InvalidOptionError, OutOfRangeError, Param, type DType } from "../../src/index.js";
import { OPTIMIZERS, rankOf, type OptimizerInfo } from "../registry.js";
import { shapeOf } from "../helpers/shapes.mjs";

type Encoded = number | "NaN" | "Infinity" | "-Infinity";
interface Case {
  optimizer: string;
  options: Record<string, unknown>;
  dtype: DType;
  params: Encoded[][];
}
interface LbfgsCase {
  loss: "linear" | "quadratic";
  x0: number[];
  dtype: DType;
  options: { maxIter: number; lineSearch: "strong_wolfe" | "none" };
  x: number[];
  funcEvals: number;
  t: number;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/numerics/nonfinite.json", import.meta.url), "utf8")) as {
  p0: Encoded[];
  grad: Encoded[];
  cases: Case[];
  lbfgs: LbfgsCase[];
};
const decode = (x: Encoded): number => (typeof x === "number" ? x : Number(x));

/** Same class of value as torch's (NaN, the same infinity) and, when finite, within `rel` of it. */
function expectTorch(got: ArrayLike<number>, want: readonly Encoded[], rel: number, what: string): void {
  expect(got.length).toBe(want.length);
  want.map(decode).forEach((w, i) => {
    const g = got[i]!;
    const where = `${what} [${i}]: got ${g}, torch ${w}`;
    if (!Number.isFinite(w)) expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), where).toBe(true);
    else expect(Math.abs(g - w), where).toBeLessThanOrEqual(rel * Math.max(Math.abs(w), 1e-6));
  });
}

describe("non-finite params and gradients give torch 1.13's numbers", () => {
  for (const c of fixture.cases) {
    it(`${c.optimizer} ${JSON.stringify(c.options)} ${c.dtype}`, () => {
      const p = new Param(fixture.p0.length, { dtype: c.dtype });
      p.data.set(fixture.p0.map(decode)); // Param.from refuses non-finite values
      const Class = (api as unknown as Record<string, new (params: Param[], options: object) => { step(): unknown }>)[c.optimizer]!;
      const opt = new Class([p], c.options);
      c.params.forEach((want, t) => {
        p.grad.set(fixture.grad.map(decode));
        opt.step();
        expectTorch(p.data, want, c.dtype === "float32" ? 1e-6 : 1e-12, `step ${t + 1}`);
      });
      p.dispose();
    });
  }
});

describe("NAdam's mu_product is a float32 number whatever the param's dtype (torch's 0-dim tensor)", () => {
  // torch (>= 2.0 rule, run in torch 1.13 by test/fixtures/numerics/generate.py): from p = 1 with
  // gradient 1 and lr 0.01, ten steps give these params and mu_product 0.0003435745893511921.
  const torch = { float64: 0.9192121177006481, float32: 0.9192122220993042, muProduct: 0.0003435745893511921 };
  for (const dtype of ["float64", "float32"] as const) {
    it(`${dtype}: ten steps give torch's param and mu_product, and the checkpoint keeps it`, () => {
      const p = Param.from([1], { dtype });
      const opt = new api.NAdam([p], { lr: 0.01 });
      for (let t = 0; t < 10; t++) {
        p.grad[0] = 1;
        opt.step();
      }
      expect(p.data[0]).toBe(torch[dtype]);
      const saved = opt.stateDict();
      const muProduct = (s: api.OptimizerStateDict) => s.paramGroups[0]!.params[0]!.state!.scalars["mu_product"];
      expect(muProduct(saved)).toBe(torch.muProduct);
      const q = Param.from([p.data[0]!], { dtype });
      const resumed = new api.NAdam([q], { lr: 0.01 });
      resumed.loadStateDict(saved);
      p.grad[0] = q.grad[0] = 1;
      opt.step();
      resumed.step();
      expect(q.data[0]).toBe(p.data[0]);
      expect(muProduct(resumed.stateDict())).toBe(muProduct(opt.stateDict()));
      p.dispose();
      q.dispose();
    });
  }
});

describe("L-BFGS computes its step as torch does: Python floats and 0-dim tensors of the params' dtype", () => {
  // torch's t after the first iteration is a 0-dim tensor (min(1., 1. / |g|_1) * lr), float / tensor
  // is tensor.reciprocal() * float, and with float32 params every tensor operation rounds to float32.
  // The linear loss x0 + x1 from (1, 2) extrapolates 25 times: torch ends at -4.999999999999999e24
  // (float64) and -2.752249892341823e24 (float32), here too, bit for bit (before: -2.75225e24 and
  // -4.2e22: plain float64 arithmetic took the other branch of the cubic interpolation).
  for (const c of fixture.lbfgs) {
    it(`${c.loss} from (${c.x0.join(", ")}), ${JSON.stringify(c.options)}, ${c.dtype}: torch's point, t and evaluations`, () => {
      const x = Param.from(c.x0, { dtype: c.dtype });
      const r = c.dtype === "float32" ? Math.fround : (v: number) => v;
      const opt = new api.LBFGS([x], c.options);
      opt.step(() => {
        const [a, b] = [x.data[0]!, x.data[1]!];
        if (c.loss === "linear") {
          x.grad.fill(1);
          return r(a + b);
        }
        x.grad[0] = 2 * a; // d/dx (c x^2) = c * (2x), as torch's autograd rounds it
        x.grad[1] = 10 * (2 * b);
        return r(r(a * a) + r(10 * r(b * b)));
      });
      if (c.loss === "linear") expect(Array.from(x.data)).toEqual(c.x);
      else {
        // the two-loop recursion's dot products and axpys round differently from torch's BLAS / FMA
        // kernels: the point agrees to ~1e-19 (float64) and ~1e-9 (float32) near the minimum 0
        const tol = c.dtype === "float32" ? 2e-9 : 1e-17;
        c.x.forEach((want, i) => expect(Math.abs(x.data[i]! - want), `x[${i}] = ${x.data[i]}, torch ${want}`).toBeLessThanOrEqual(tol));
      }
      const s = opt.stateDict().paramGroups[0]!.params[0]!.state!.scalars;
      expect([s["t"], s["func_evals"]]).toEqual([c.t, c.funcEvals]);
      opt.dispose();
      x.dispose();
    });
  }
});

describe("an eps that rounds to 0 in float32 is refused with float32 params, as eps: 0 is", () => {
  const withEps = OPTIMIZERS.filter((info) => typeof info.defaults["eps"] === "number");
  const param = (info: OptimizerInfo, dtype: DType) => Param.from([1, 2, 3, 4], { dtype, shape: shapeOf(4, rankOf(info)) });
  /** The refusal: a RangeError subclass with Node's code, naming the option and showing the value. */
  const refusal = (f: () => unknown, option: string, value: string) => {
    let err: unknown = null;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutOfRangeError);
    expect(err).toBeInstanceOf(InvalidOptionError);
    const e = err as OutOfRangeError;
    expect([e.code, e.option]).toEqual(["ERR_OUT_OF_RANGE", option]);
    expect(e.message).toContain(value);
    expect(e.message).toContain("float32");
  };
  it("covers every optimizer with an eps", () => {
    expect(withEps.map((i) => i.name).sort()).toEqual(
      ["Adadelta", "Adagrad", "Adam", "AdamW", "AdamWScheduleFree", "Adamax", "Muon", "NAdam", "RAdam", "RMSprop"].sort(),
    );
  });
  for (const info of withEps) {
    it(`${info.name}: at construction, in a group, in addParamGroup and in group.eps = ...`, () => {
      const p32 = param(info, "float32");
      const p64 = param(info, "float64");
      refusal(() => info.make([p32], { eps: 1e-50 }), "eps", "1e-50");
      refusal(() => info.make([{ params: [p32], eps: 1e-46 }]), "params[0].eps", "1e-46");
      // the least float32 > 0: kept (NAdam divides lr by eps for a zero gradient, so its lr must be
      // small enough for lr / eps to stay finite in float32: extreme-hyperparameters.test.ts)
      const opt = info.make([p32], { eps: 1.5e-45, ...(info.name === "NAdam" ? { lr: 1e-10 } : {}) });
      const addGroup = (g: object) => (opt as unknown as { addParamGroup(g: object): void }).addParamGroup(g);
      refusal(() => addGroup({ params: [param(info, "float32")], eps: 1e-60 }), "group.eps", "1e-60");
      const group = opt.paramGroups[0] as unknown as { eps: number };
      refusal(() => (group.eps = 1e-300), "eps", "1e-300");
      expect(group.eps).toBe(1.5e-45);
      // float64 params keep it: 1e-50 is > 0 there
      const opt64 = info.make([p64], { eps: 1e-50 });
      expect((opt64.paramGroups[0] as unknown as { eps: number }).eps).toBe(1e-50);
      for (const o of [opt, opt64]) o.dispose();
    });
  }
  it("Adafactor: eps1 enters squared, so eps1² must stay > 0 in the params' dtype", () => {
    const p32 = Param.from([1, 2, 3, 4]);
    const p64 = Param.from([1, 2, 3, 4], { dtype: "float64" });
    refusal(() => new api.Adafactor([p32], { eps: [1e-30, 1e-3] }), "eps[0]", "1e-30");
    expect(() => new api.Adafactor([p32], { eps: [1e-20, 1e-3] })).not.toThrow(); // 1e-40: a float32 subnormal
    expect(() => new api.Adafactor([p64], { eps: [1e-30, 1e-3] })).not.toThrow();
    expect(() => new api.Adafactor([p64], { eps: [1e-170, 1e-3] })).toThrow(OutOfRangeError); // 1e-340 is 0 in float64 too
  });
});

describe("lr, weightDecay and momentum that overflow float32 are refused with float32 params", () => {
  // 1e39 is Infinity in float32: the kernels would compute Infinity · 0 = NaN for a zero gradient
  // (torch too: its alpha is cast to the param's dtype); float64 params keep such values.
  for (const info of OPTIMIZERS) {
    const keys = ["lr", "weightDecay", "momentum"].filter((k) => typeof { ...info.defaults, ...info.required }[k] === "number");
    if (keys.length === 0) continue;
    it(`${info.name}: ${keys.join(", ")}`, () => {
      const make = (dtype: DType, options: Record<string, unknown>) =>
        info.make([Param.from([1, 2, 3, 4], { dtype, shape: shapeOf(4, rankOf(info)) })], options);
      for (const key of keys) {
        let err: unknown = null;
        try {
          make("float32", { [key]: 1e39 });
        } catch (e) {
          err = e;
        }
        expect(err, key).toBeInstanceOf(OutOfRangeError);
        expect((err as OutOfRangeError).option).toBe(key);
        expect((err as OutOfRangeError).message).toContain("1e+39");
        if (key === "momentum" && info.name === "SGDScheduleFree") continue; // in [0, 1): refused by its range
        // 3e38 is finite in float32: this check accepts it; a rule whose step scalar it makes overflow
        // float32 (Adam's lr / (1 - beta1)) refuses it for that scalar (extreme-hyperparameters.test.ts)
        try {
          make("float32", { [key]: 3e38 });
        } catch (e) {
          expect(e, key).toBeInstanceOf(OutOfRangeError);
          expect((e as Error).message, key).toMatch(/stays finite: it is -?Infinity in float32/);
        }
        // ASGD keeps eta = lr in float32 whatever the params' dtype: refused with float64 params too (extreme-hyperparameters.test.ts)
        if (info.name === "ASGD" && key === "lr") continue;
        expect(() => make("float64", { [key]: 1e39 }), key).not.toThrow();
      }
    });
  }
});
