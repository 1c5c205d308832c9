// Valid but extreme hyperparameters (issue 11, item 10): with float64 params, a value whose
// hyperparameter-only per-step scalar (a bias-corrected step size, 1 − lr · weightDecay, ASGD's
// eta, Rprop's grown step size, Schedule-Free's averaging weight) is not finite is refused at
// validation — at construction, in addParamGroup and on `group.x = v` — with an OutOfRangeError
// naming the option, and nothing changes; the largest values next to it are accepted and one
// step from finite params and gradients gives finite params (docs/conventions.md, "Numbers").
import { describe, expect, it } from "vitest";
import { OutOfRangeError, Param, type Optimizer } from "../../src/index.js";
import { FIRST_ORDER, rankOf, type OptimizerInfo } from "../registry.js";

interface Extreme {
  /** Options whose scalar overflows float64 (or float32 for ASGD's eta). */
  refused: Record<string, unknown>;
  /** The option the error names. */
  named: string;
  /** Words of the scalar in the message. */
  scalar: RegExp;
}
interface Table {
  refused: readonly Extreme[];
  /** The largest values accepted (float64 params): one step stays finite. */
  accepted: Record<string, unknown>;
}

const stepSize = /step size lr \/ \(1 − beta1\)/;
const decay = /1 − lr · weightDecay/;
const hugeDecay = (extra: Record<string, unknown> = {}): Extreme => ({
  refused: { lr: 1e200, weightDecay: 1e200, ...extra },
  named: "weightDecay",
  scalar: decay,
});

/** Every first-order optimizer of the registry (the test fails for one missing here). */
const TABLE: Record<string, Table> = {
  SGD: { refused: [], accepted: { lr: 1e300 } },
  Adagrad: { refused: [], accepted: { lr: 1e300 } },
  RMSprop: { refused: [], accepted: { lr: 1e300 } },
  Adadelta: { refused: [], accepted: { lr: 1e300 } },
  Adam: { refused: [{ refused: { lr: 1e308 }, named: "lr", scalar: stepSize }], accepted: { lr: 1e300 } },
  AdamW: {
    refused: [{ refused: { weightDecay: 0, lr: 1e308 }, named: "lr", scalar: stepSize }, hugeDecay()],
    accepted: { lr: 1e300, weightDecay: 1e-10 },
  },
  Adamax: { refused: [{ refused: { lr: 1e308 }, named: "lr", scalar: stepSize }], accepted: { lr: 1e300 } },
  NAdam: {
    refused: [
      { refused: { eps: 1e10, lr: 1e303, betas: [0.999999, 0.999], momentumDecay: 1e6 }, named: "lr", scalar: /momentum step lr/ },
      { refused: { lr: 1e301 }, named: "lr", scalar: /step factor lr \/ eps of a zero gradient/ },
      hugeDecay({ decoupledWeightDecay: true }),
    ],
    accepted: { lr: 1e290, betas: [0.999999, 0.999], momentumDecay: 1e6 },
  },
  RAdam: {
    refused: [{ refused: { lr: 1e308 }, named: "lr", scalar: stepSize }, hugeDecay({ decoupledWeightDecay: true })],
    accepted: { lr: 1e300, weightDecay: 1e-10, decoupledWeightDecay: true },
  },
  Lion: { refused: [hugeDecay()], accepted: { lr: 1e300, weightDecay: 1e-10 } },
  Muon: { refused: [hugeDecay()], accepted: { lr: 1e300, weightDecay: 1e-10 } },
  Adafactor: {
    refused: [hugeDecay(), { refused: { eps: [null, 1e308] }, named: "eps", scalar: /squared step size/ }],
    accepted: { lr: 1e300, weightDecay: 1e-10, eps: [null, 1e150] },
  },
  Rprop: {
    refused: [{ refused: { lr: 1.6e308 }, named: "etas", scalar: /grown step size/ }],
    accepted: { lr: 1e300, etas: [0.5, 1.2] },
  },
  ASGD: {
    refused: [
      { refused: { alpha: -1e308 }, named: "alpha", scalar: /eta lr \/ \(1 \+ lambd · lr\)\^alpha/ },
      { refused: { lr: 1e39 }, named: "lr", scalar: /eta \(lr in float32\)/ },
      { refused: { lr: 1e10, lambd: 1e300 }, named: "lambd", scalar: /1 − lambd · eta/ },
    ],
    accepted: { lr: 1e38 },
  },
  SGDScheduleFree: { refused: [{ refused: { lr: 1e200 }, named: "lr", scalar: /lr\^weightLrPower/ }], accepted: { lr: 1e150 } },
  AdamWScheduleFree: { refused: [{ refused: { lr: 1e200 }, named: "lr", scalar: /lr\^weightLrPower/ }], accepted: { lr: 1e150 } },
};

function params(info: OptimizerInfo): Param[] {
  const shape = rankOf(info) === 2 ? [2, 2] : [4];
  return [Param.from([0.5, -1.5, 0, 2], { dtype: "float64", shape }), Param.from([1, -1, 0.25, 3], { dtype: "float64", shape })];
}
function withGrads(ps: Param[]): Param[] {
  for (const p of ps) p.grad.set([1, -2, 0, 0.5]);
  return ps;
}
const snapshot = (opt: Optimizer<object>, ps: Param[]): string => JSON.stringify([ps.map((p) => [...p.data]), opt.stateDict()]);

function expectRefused(act: () => unknown, named: string, scalar: RegExp): void {
  let err: unknown;
  try {
    act();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(OutOfRangeError);
  const e = err as OutOfRangeError;
  expect(e.code).toBe("ERR_OUT_OF_RANGE");
  expect(e.option === named || e.option.endsWith(`.${named}`), `${e.option} names ${named}`).toBe(true);
  expect(e.message).toMatch(scalar);
  expect(e.message).toMatch(/in float64/);
}

describe("extreme hyperparameters with float64 params (issue 11, item 10)", () => {
  it("every first-order optimizer of the registry is classified here", () => {
    expect(Object.keys(TABLE).sort()).toEqual(FIRST_ORDER.map((o) => o.name).sort());
  });

  for (const info of FIRST_ORDER) {
    const table = TABLE[info.name]!;
    describe(info.name, () => {
      for (const x of table.refused) {
        const title = JSON.stringify(x.refused);
        it(`refuses ${title} at construction, naming ${x.named}`, () => {
          expectRefused(() => info.make(params(info), x.refused), x.named, x.scalar);
        });

        it(`refuses ${title} in addParamGroup and as group.${Object.keys(x.refused).at(-1)!} = …, nothing changed`, () => {
          const ps = withGrads(params(info));
          const opt = info.make([ps[0]!]);
          opt.step();
          const before = snapshot(opt, ps);
          if (info.supportsGroups) {
            const add = (opt as unknown as { addParamGroup(g: object): void }).addParamGroup.bind(opt);
            expectRefused(() => add({ params: [ps[1]!], ...x.refused }), x.named, x.scalar);
            expect(opt.paramGroups.length).toBe(1);
          }
          // the other options first (each valid alone), then the one that makes a scalar overflow
          const group = opt.paramGroups[0] as unknown as Record<string, unknown>;
          const entries = Object.entries(x.refused);
          const saved = entries.map(([k]) => [k, group[k]] as const);
          for (const [k, v] of entries.slice(0, -1)) group[k] = v;
          const [lastKey, lastValue] = entries.at(-1)!;
          expectRefused(() => (group[lastKey] = lastValue), x.named, x.scalar);
          expect(group[lastKey]).toEqual(saved.at(-1)![1]);
          for (const [k, v] of [...saved].reverse()) group[k] = v;
          expect(snapshot(opt, ps)).toBe(before);
          opt.dispose();
        });
      }

      it(`accepts ${JSON.stringify(table.accepted)}: one step from finite params and gradients stays finite`, () => {
        const ps = withGrads(params(info));
        const opt = info.make(ps, table.accepted);
        opt.step();
        for (const p of ps) for (const v of p.data) expect(Number.isFinite(v), `${v}`).toBe(true);
        // and it moved them (the step is taken, not skipped)
        expect([...ps[0]!.data]).not.toEqual([0.5, -1.5, 0, 2]);
        opt.dispose();
      });
    });
  }
});

describe("with float32 params the step scalars must be finite in float32 (the kernels take them rounded)", () => {
  it("Adam: lr 3e38 is finite in float32 but its step size lr / (1 - beta1) is not: refused; lr 1e37 steps to finite params", async () => {
    const { Adam } = await import("../../src/index.js");
    const p = Param.from([0.5, -1.5, 0, 2]);
    let err: unknown = null;
    try {
      new Adam([p], { lr: 3e38 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutOfRangeError);
    expect((err as OutOfRangeError).option).toBe("lr");
    expect((err as Error).message).toMatch(/step size .* is Infinity in float32/);
    const opt = new Adam([p], { lr: 1e37 });
    p.grad.set([1, -1, 0.25, 3]);
    opt.step();
    expect(Array.from(p.data).every(Number.isFinite)).toBe(true);
    expect(p.data[0]).not.toBe(0.5);
    opt.dispose();
    p.dispose();
  });
});

describe("the smallest eps: a zero gradient divides 0 by a positive number, as torch's m / (√v̂ + eps) does", () => {
  // Adam's kernel folds √(1 − β₂ᵗ) into eps (assembly/rules/adam.ts): 1e-45 · √0.001 rounds to 0
  // in float32, and 0 / 0 would be NaN; torch's p − stepSize · 0 / (0 + eps) leaves p.
  for (const [name, dtype, eps] of [
    ["Adam", "float32", 1e-45],
    ["AdamW", "float32", 1e-45],
    ["Adam", "float64", 5e-324],
  ] as const) {
    it(`${name}, ${dtype}, eps ${eps}: the zero-gradient elements keep their values, the others move`, async () => {
      const { Adam, AdamW } = await import("../../src/index.js");
      const p = Param.from([0.5, -1.5, 0.25, 2], { dtype });
      const opt = new (name === "Adam" ? Adam : AdamW)([p], { eps, weightDecay: 0 });
      p.grad.set([0, 1, 0, -1]);
      opt.step();
      opt.step();
      expect(p.data[0]).toBe(0.5);
      expect(p.data[2]).toBe(0.25);
      expect(p.data[1]).toBeLessThan(-1.5);
      expect(p.data[3]).toBeGreaterThan(2);
      opt.dispose();
      p.dispose();
    });
  }
});
