// Numbers torch keeps (issue 11, item 10): non-finite params and gradients give what torch
// 1.13 gives, rule by rule (a weight decay of 0 adds nothing, so ±Infinity params stay;
// torch.sign(NaN) = 0 in Lion and Rprop). The numbers come from torch 1.13:
// test/fixtures/numerics/generate.py writes test/fixtures/numerics/nonfinite.json.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { Param, type DType } from "../../src/index.js";

type Encoded = number | "NaN" | "Infinity" | "-Infinity";
interface Case {
  optimizer: string;
  options: Record<string, unknown>;
  dtype: DType;
  params: Encoded[][];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/numerics/nonfinite.json", import.meta.url), "utf8")) as {
  p0: Encoded[];
  grad: Encoded[];
  cases: Case[];
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
