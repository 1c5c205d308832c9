// Adamax, NAdam, RAdam, Adadelta beyond the golden files (defaults and bad options are in
// test/optimizers/registry.test.ts): the torch 2.x options the 1.13 goldens cannot show (NAdam/RAdam
// decoupledWeightDecay and maximize) as exact identities in float64:
//   decoupled: a step equals the plain (weightDecay 0) step of p * (1 - lr*wd);
//   maximize:  a step with gradient g equals the minimizing step with gradient -g.
import { describe, expect, it } from "vitest";
import { lcg } from "../helpers/random.js";
import { Adamax, NAdam, Param, RAdam, type Optimizer } from "../../src/index.js";

type Make = (p: Param[], o: object) => Optimizer<object>;
const nadam: Make = (p, o) => new NAdam(p, o);
const radam: Make = (p, o) => new RAdam(p, o);

/** Runs two optimizers side by side for 12 steps; `prepare` adjusts the second's param and gradient before each step. */
function sideBySide(a: Optimizer<object>, pa: Param, b: Optimizer<object>, pb: Param, prepare: (pb: Param, g: Float64Array) => void): void {
  const rnd = lcg(3);
  for (let t = 0; t < 12; t++) {
    const g = Float64Array.from({ length: pa.size }, (_, i) => (i % 5 === 0 ? 0 : rnd()));
    pa.grad.set(g);
    prepare(pb, g);
    a.step();
    b.step();
    expect(Array.from(pa.data)).toEqual(Array.from(pb.data));
  }
}

const start = () => Param.from(Float64Array.from({ length: 23 }, (_, i) => Math.sin(i) * 2));

for (const [name, make] of [
  ["NAdam", nadam],
  ["RAdam", radam],
] as const) {
  describe(`${name} torch 2.x options (float64 identities)`, () => {
    it("decoupledWeightDecay: p *= 1 - lr*wd before an update that ignores weightDecay", () => {
      const lr = 0.01,
        wd = 0.3;
      const [pa, pb] = [start(), start()];
      const a = make([pa], { lr, weightDecay: wd, decoupledWeightDecay: true });
      const b = make([pb], { lr, weightDecay: 0 });
      sideBySide(a, pa, b, pb, (p, g) => {
        for (let i = 0; i < p.size; i++) p.data[i]! *= 1 - lr * wd;
        p.grad.set(g);
      });
      // and it is not the L2 rule
      const [pc, pd] = [start(), start()];
      const c = make([pc], { lr, weightDecay: wd });
      pc.grad.fill(0.5);
      pd.grad.fill(0.5);
      c.step();
      make([pd], { lr, weightDecay: wd, decoupledWeightDecay: true }).step();
      expect(Array.from(pc.data)).not.toEqual(Array.from(pd.data));
    });

    it("maximize: a step with gradient g is the minimizing step with -g (L2 decay still pulls to 0)", () => {
      const [pa, pb] = [start(), start()];
      const a = make([pa], { lr: 0.01, weightDecay: 0.05, maximize: true });
      const b = make([pb], { lr: 0.01, weightDecay: 0.05 });
      sideBySide(a, pa, b, pb, (p, g) => p.grad.set(g.map((x) => -x)));
    });
  });
}

describe("RAdam's switch at rho_t > 5", () => {
  it("with beta2 = 0.999 the first 5 steps are plain momentum steps p -= lr * m / bc1", () => {
    const p = Param.from(Float64Array.from([1, -1, 0.5]));
    const opt = new RAdam([p], { lr: 0.1 });
    const m = [0, 0, 0],
      x = Array.from(p.data);
    for (let t = 1; t <= 5; t++) {
      const g = [0.3 * t, -0.2, 1e-3];
      p.grad.set(g);
      opt.step();
      for (let i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        x[i] = x[i]! - 0.1 * (m[i]! / (1 - 0.9 ** t));
        expect(p.data[i]).toBeCloseTo(x[i]!, 14);
      }
    }
    // step 6 is rectified: no longer the momentum step
    p.grad.set([1.8, -0.2, 1e-3]);
    opt.step();
    const m0 = 0.9 * m[0]! + 0.1 * 1.8;
    expect(Math.abs(p.data[0]! - (x[0]! - 0.1 * (m0 / (1 - 0.9 ** 6))))).toBeGreaterThan(1e-3);
  });
});

describe("Adamax with a NaN gradient element (float32)", () => {
  it("propagates NaN through exp_inf and keeps it, as torch.amax (numbers from torch 1.13)", () => {
    // /usr/bin/python3: p = [1, 2, 3], torch.optim.Adamax([p], foreach=False), grads below
    const grads = [
      [NaN, 1, -1],
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ];
    const torch = [
      { p: [NaN, 1.9980000257492065, 3.002000093460083], u: [NaN, 1.0, 1.0] },
      { p: [NaN, 1.9965248107910156, 3.0024216175079346], u: [NaN, 0.9990000128746033, 0.9990000128746033] },
      { p: [NaN, 1.9952232837677002, 3.0023181438446045], u: [NaN, 0.9980010390281677, 0.9980010390281677] },
    ];
    const p = Param.from([1, 2, 3]);
    const opt = new Adamax([p]);
    grads.forEach((g, t) => {
      p.grad.set(g);
      opt.step();
      const u = opt.state.get(p)!.buffer("exp_inf").view;
      for (const [got, want] of [
        [p.data, torch[t]!.p],
        [u, torch[t]!.u],
      ] as const) {
        want.forEach((w, i) =>
          Number.isNaN(w) ? expect(got[i]).toBeNaN() : expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(1e-6 * Math.abs(w)),
        );
      }
    });
  });
});
