// The PyTorch-named LR schedulers against torch 1.13 (test/fixtures/lr-schedulers: the
// shared goldens of every scheduler and SWALR, replayed with the conformance runner's
// protocol), and the behaviours issue 11 asks of them: groups added later, checkpoints
// (binary and JSON) at any point, torch's resume recipe (fixtures from generate_resume.py),
// OneCycleLR's last step, O(1) CosineAnnealingWarmRestarts, checkpoint names.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { InvalidOptionError, Param, SGD, Adam, StateError, type FirstOrderOptimizer } from "../../src/index.js";

type Opt = FirstOrderOptimizer<Record<string, unknown>>;
type AnyScheduler = { step(arg?: number): void; getLastLr(): number[]; kind: string; stateDict(): api.StateTree };
const ctors = api as unknown as Record<string, new (...args: unknown[]) => unknown>;
const fixtures = join(import.meta.dirname, "..", "fixtures", "schedulers");
const read = (f: string) => JSON.parse(readFileSync(join(fixtures, f), "utf8"));

// ---- the shared goldens, with schedulers.mjs's protocol

interface Spec {
  name: string;
  kwargs?: Record<string, unknown>;
}
interface GoldenCase {
  id: string;
  scheduler: Spec;
  optimizer: { name: string; hyperparameters: Record<string, unknown>; paramGroups: Record<string, unknown>[] };
  steps: number;
  metrics: number[] | null;
  stepArgs: number[] | null;
  tracked: ("lr" | "momentum" | "beta1")[];
  tolerance: { rtol: number; atol: number };
  lr: number[][];
  momentum?: number[][];
  beta1?: number[][];
}
const index = read("../lr-schedulers/index.json") as { cases: { file: string }[] };
const goldens = index.cases.map((c) => read(`../lr-schedulers/${c.file}`) as GoldenCase);

type LambdaSpec = { kind: string; base?: number; value?: number; warmup?: number; total?: number };
function lambdaOf(s: LambdaSpec): (e: number) => number {
  switch (s.kind) {
    case "pow":
      return (e) => s.base! ** e;
    case "constant":
      return () => s.value!;
    case "linearWarmup":
      return (e) => Math.min(1, (e + 1) / s.warmup!);
    case "inverseSqrt":
      return (e) => 1 / Math.sqrt(e + 1);
    case "linearDecay":
      return (e) => Math.max(0, 1 - e / s.total!);
    default:
      throw new Error(s.kind);
  }
}
function buildScheduler(spec: Spec, opt: Opt): AnyScheduler {
  const kw: Record<string, unknown> = { ...(spec.kwargs ?? {}) };
  if (kw.schedulers) kw.schedulers = (kw.schedulers as Spec[]).map((s) => buildScheduler(s, opt));
  if (kw.lrLambda)
    kw.lrLambda = Array.isArray(kw.lrLambda) ? (kw.lrLambda as LambdaSpec[]).map(lambdaOf) : lambdaOf(kw.lrLambda as LambdaSpec);
  return new ctors[spec.name]!(opt, kw) as AnyScheduler;
}
function buildCase(c: GoldenCase): { opt: Opt; sched: AnyScheduler; params: Param[] } {
  const params = c.optimizer.paramGroups.map(() => Param.from(new Float32Array(2)));
  const opt = new ctors[c.optimizer.name]!(
    c.optimizer.paramGroups.map((g, i) => ({ ...g, params: [params[i]!] })),
    { ...c.optimizer.hyperparameters },
  ) as Opt;
  return { opt, sched: buildScheduler(c.scheduler, opt), params };
}
const readers = {
  lr: (g: Record<string, unknown>) => g.lr as number,
  momentum: (g: Record<string, unknown>) => g.momentum as number,
  beta1: (g: Record<string, unknown>) => (g.betas as number[])[0]!,
};
const groupsOf = (opt: Opt) => opt.paramGroups as unknown as Record<string, unknown>[];
const valuesOf = (opt: Opt, c: GoldenCase) => c.tracked.map((k) => groupsOf(opt).map(readers[k]));
function stepCase(c: GoldenCase, sched: AnyScheduler, t: number): void {
  if (c.metrics) sched.step(c.metrics[t - 1]);
  else if (c.stepArgs) sched.step(c.stepArgs[t - 1]);
  else sched.step();
}

describe("torch 1.13 scheduler goldens (every scheduler and SWALR)", () => {
  it("has every case", () => expect(goldens.length).toBe(28));
  for (const c of goldens) {
    it(`${c.id}: ${c.scheduler.name} within rtol ${c.tolerance.rtol}`, () => {
      const { opt, sched, params } = buildCase(c);
      let worst = 0;
      for (let t = 0; t <= c.steps; t++) {
        if (t > 0) {
          opt.step();
          stepCase(c, sched, t);
        }
        c.tracked.forEach((k, j) => {
          const got = valuesOf(opt, c)[j]!;
          (c[k] as number[][])[t]!.forEach((want, i) => {
            worst = Math.max(worst, Math.abs(got[i]! - want) / (c.tolerance.atol + c.tolerance.rtol * Math.abs(want)));
          });
        });
        expect(sched.getLastLr()).toEqual(groupsOf(opt).map(readers.lr));
      }
      expect(worst, "largest error in units of the tolerance").toBeLessThanOrEqual(1);
      params.forEach((p) => p.dispose());
    });
  }
});

describe("checkpoints of every scheduler, mid-run", () => {
  for (const c of goldens) {
    for (const form of ["binary", "json"] as const) {
      it(`${c.id}: ${form} round trip continues bit for bit`, () => {
        const a = buildCase(c);
        const half = Math.floor(c.steps / 2);
        for (let t = 1; t <= half; t++) stepCase(c, a.sched, t);
        const b = buildCase(c);
        if (form === "binary") b.opt.loadState(a.opt.saveState());
        else b.opt.loadStateDict(JSON.parse(JSON.stringify(a.opt.stateDict())));
        expect(b.sched.getLastLr()).toEqual(a.sched.getLastLr());
        for (let t = half + 1; t <= c.steps; t++) {
          stepCase(c, a.sched, t);
          stepCase(c, b.sched, t);
          expect(valuesOf(b.opt, c)).toEqual(valuesOf(a.opt, c));
        }
        [...a.params, ...b.params].forEach((p) => p.dispose());
      });
    }
  }
});

// ---- groups added after the scheduler was built

const lrsOf = (opt: Opt) => groupsOf(opt).map(readers.lr);

describe("addParamGroup: every per-group value follows the groups", () => {
  const cases = read("add_param_group.json").cases as {
    id: string;
    scheduler: { name: string; options: object };
    addAt: number;
    newLr: number;
    lrs: number[][];
  }[];
  for (const c of cases) {
    it(`${c.id}: a group added after ${c.addAt} steps is scheduled as torch 1.13 does`, () => {
      const opt = new SGD([Param.from([0, 0])], { lr: 0.1 }) as unknown as Opt;
      const sched = new ctors[c.scheduler.name]!(opt, c.scheduler.options) as AnyScheduler;
      c.lrs.forEach((want, t) => {
        if (t === c.addAt + 1) opt.addParamGroup({ params: [Param.from([0, 0])], lr: c.newLr });
        if (t > 0) sched.step();
        lrsOf(opt).forEach((lr, i) => expect(Math.abs(lr - want[i]!)).toBeLessThanOrEqual(1e-15 * Math.abs(want[i]!)));
      });
    });
  }

  it("ReduceLROnPlateau reduces the new group (torch 2.x), and refuses a per-group minLr that no longer fits", () => {
    const opt = new SGD([Param.from([0])], { lr: 1 }) as unknown as Opt;
    const plateau = new api.ReduceLROnPlateau(opt, { patience: 0, minLr: 1e-5 });
    opt.addParamGroup({ params: [Param.from([0])], lr: 1 });
    for (const m of [1, 2, 3, 4, 5, 6]) plateau.step(m);
    let want = 1;
    for (let k = 0; k < 5; k++) want *= 0.1; // the 6th reduction would lower it by less than eps
    expect(lrsOf(opt)).toEqual([want, want]);
    expect(plateau.minLrs).toEqual([1e-5, 1e-5]);

    const opt2 = new SGD([Param.from([0])], { lr: 1 }) as unknown as Opt;
    const listed = new api.ReduceLROnPlateau(opt2, { patience: 0, minLr: [0.01] });
    listed.step(1);
    opt2.addParamGroup({ params: [Param.from([0])], lr: 1 });
    const before = JSON.stringify(listed.stateDict());
    expect(() => listed.step(2)).toThrow(StateError);
    expect(() => listed.step(2)).toThrow(/minLr has 1 values .* now has 2 groups/);
    expect(JSON.stringify(listed.stateDict())).toBe(before);
    expect(lrsOf(opt2)).toEqual([1, 1]);
  });

  it("OneCycleLR, step(epoch) and LambdaLR cover the new group; a per-group option refuses it", () => {
    const opt = new SGD([Param.from([0])], { lr: 0.1, momentum: 0.9 }) as unknown as Opt;
    const one = new api.OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
    one.step();
    opt.addParamGroup({ params: [Param.from([0])], lr: 5 });
    for (let t = 2; t <= 10; t++) {
      one.step();
      const [a, b] = groupsOf(opt);
      expect(b!.lr).toBe(a!.lr);
      expect(b!.momentum).toBe(a!.momentum);
    }

    const opt2 = new SGD([Param.from([0])], { lr: 0.1 }) as unknown as Opt;
    const step = new api.StepLR(opt2, { stepSize: 2, gamma: 0.5 });
    opt2.addParamGroup({ params: [Param.from([0])], lr: 0.02 });
    step.step(3); // closed form: the new group's initial lr is its lr when it joined
    expect(lrsOf(opt2)).toEqual([0.05, 0.01]);
    expect(opt2.groupState.get(opt2.paramGroups[1]!)?.[api.INITIAL_LR]).toBe(0.02);

    const opt3 = new SGD([Param.from([0])], { lr: 0.1 }) as unknown as Opt;
    const shared = new api.LambdaLR(opt3, { lrLambda: (e: number) => 0.5 ** e });
    opt3.addParamGroup({ params: [Param.from([0])], lr: 1 });
    shared.step();
    shared.step();
    expect(lrsOf(opt3)).toEqual([0.1 * 0.25, 1 * 0.25]);
    const opt4 = new SGD([Param.from([0])], { lr: 0.1 }) as unknown as Opt;
    const listed = new api.CyclicLR(opt4, { baseLr: [0.01], maxLr: 0.1, cycleMomentum: false });
    opt4.addParamGroup({ params: [Param.from([0])], lr: 1 });
    expect(() => listed.step()).toThrow(StateError);
    expect(lrsOf(opt4)).toEqual([0.01, 1]);
  });

  // every scheduler, with one-number options, built on one group: a second group added
  // later is stepped, and the state saved after that loads into an optimizer built the same way
  const builders: Record<string, (o: Opt) => AnyScheduler> = {
    LambdaLR: (o) => new api.LambdaLR(o, (e: number) => 0.9 ** e),
    MultiplicativeLR: (o) => new api.MultiplicativeLR(o, { lrLambda: () => 0.9 }),
    StepLR: (o) => new api.StepLR(o, { stepSize: 2 }),
    MultiStepLR: (o) => new api.MultiStepLR(o, { milestones: [1, 3] }),
    ConstantLR: (o) => new api.ConstantLR(o, { factor: 0.5, totalIters: 2 }),
    LinearLR: (o) => new api.LinearLR(o),
    ExponentialLR: (o) => new api.ExponentialLR(o, { gamma: 0.9 }),
    PolynomialLR: (o) => new api.PolynomialLR(o, { totalIters: 4 }),
    CosineAnnealingLR: (o) => new api.CosineAnnealingLR(o, { tMax: 3 }),
    CosineAnnealingWarmRestarts: (o) => new api.CosineAnnealingWarmRestarts(o, { t0: 2, tMult: 2 }),
    CyclicLR: (o) => new api.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 }),
    OneCycleLR: (o) => new api.OneCycleLR(o, { maxLr: 0.1, totalSteps: 10 }),
    SWALR: (o) => new api.SWALR(o, { swaLr: 0.01, annealEpochs: 3 }),
    SequentialLR: (o) =>
      new api.SequentialLR(o, {
        schedulers: [new api.LinearLR(o, { totalIters: 2 }), new api.ExponentialLR(o, { gamma: 0.8 })],
        milestones: [2],
      }),
    ChainedScheduler: (o) =>
      new api.ChainedScheduler(o, { schedulers: [new api.ConstantLR(o, { totalIters: 2 }), new api.ExponentialLR(o, { gamma: 0.8 })] }),
    ReduceLROnPlateau: (o) => new api.ReduceLROnPlateau(o, { patience: 0 }),
  };
  for (const [name, make] of Object.entries(builders)) {
    it(`${name}: steps a group added later, and its checkpoint taken then reloads (binary and JSON)`, () => {
      const build = () => {
        const opt = new SGD([Param.from([0])], { lr: 0.1, momentum: 0.9 }) as unknown as Opt;
        const sched = make(opt);
        return { opt, sched };
      };
      const a = build();
      const metric = (t: number) => (name === "ReduceLROnPlateau" ? 10 + t : undefined);
      a.sched.step(metric(1));
      a.opt.addParamGroup({ params: [Param.from([0])], lr: 0.1 });
      const early = a.opt.saveState(); // before any step that saw the new group
      for (let t = 2; t <= 5; t++) a.sched.step(metric(t));
      expect(lrsOf(a.opt).every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
      for (const [bytes, from] of [
        [early, 1],
        [a.opt.saveState(), 5],
      ] as const) {
        const b = build();
        b.opt.addParamGroup({ params: [Param.from([0])], lr: 0.1 });
        b.opt.loadState(bytes);
        const c = build();
        c.opt.addParamGroup({ params: [Param.from([0])], lr: 0.1 });
        c.opt.loadStateDict(JSON.parse(JSON.stringify(b.opt.stateDict())));
        if (from === 5) expect(lrsOf(b.opt)).toEqual(lrsOf(a.opt));
        for (let t = from + 1; t <= from + 3; t++) {
          b.sched.step(metric(t));
          c.sched.step(metric(t));
          expect(lrsOf(c.opt)).toEqual(lrsOf(b.opt));
        }
      }
    });
  }
});

// ---- torch's resume recipe

describe("torch's resume recipe: load the optimizer's state, then build the scheduler with lastEpoch", () => {
  const cases = read("resume_recipe.json").cases as {
    id: string;
    optimizer: { name: string; options: object };
    scheduler: { name: string; options: object };
    before: number;
    after: number;
    full: number[][];
    resumed: number[][];
    resumedMomentum: number[][] | null;
  }[];
  for (const c of cases) {
    it(`${c.scheduler.name}: the resumed run gives torch 1.13's lrs`, () => {
      const opt = new ctors[c.optimizer.name]!([Param.from([0, 0])], c.optimizer.options) as Opt;
      const sched = new ctors[c.scheduler.name]!(opt, c.scheduler.options) as AnyScheduler;
      for (let t = 1; t <= c.before; t++) sched.step();
      expect(lrsOf(opt)).toEqual(c.full[c.before]);
      const saved = JSON.parse(JSON.stringify(opt.stateDict()));
      expect(saved.paramGroups[0].state[api.INITIAL_LR]).toBeTypeOf("number");

      const fresh = new ctors[c.optimizer.name]!([Param.from([0, 0])], c.optimizer.options) as Opt;
      expect(() => new ctors[c.scheduler.name]!(fresh, { ...c.scheduler.options, lastEpoch: c.before })).toThrow(InvalidOptionError);
      expect(fresh.attachments).toEqual([]);
      fresh.loadStateDict(saved, { attachments: false });
      const resumed = new ctors[c.scheduler.name]!(fresh, { ...c.scheduler.options, lastEpoch: c.before }) as AnyScheduler;
      c.resumed.forEach((want, t) => {
        if (t > 0) resumed.step();
        lrsOf(fresh).forEach((lr, i) => expect(Math.abs(lr - want[i]!)).toBeLessThanOrEqual(1e-14 * Math.abs(want[i]!)));
        if (c.resumedMomentum) expect(groupsOf(fresh).map(readers.momentum)).toEqual(c.resumedMomentum[t]);
      });
    });
  }
});

// ---- OneCycleLR's last step, CosineAnnealingWarmRestarts at any epoch, names

describe("OneCycleLR's totalSteps-th call", () => {
  it("linear annealing: a per-batch loop of totalSteps step() calls never goes below the final lr; one more throws", () => {
    const opt = new Adam([Param.from([0])], { lr: 1e-3 }) as unknown as Opt;
    const s = new api.OneCycleLR(opt, { maxLr: 0.01, totalSteps: 100, annealStrategy: "linear" });
    const final = 0.01 / 25 / 1e4;
    const lrs: number[] = [];
    for (let t = 1; t <= 100; t++) {
      s.step();
      lrs.push(lrsOf(opt)[0]!);
    }
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(final);
    expect(lrs[99]).toBe(lrs[98]);
    expect(Math.abs(lrs[99]! - final)).toBeLessThanOrEqual(1e-17);
    expect((opt.paramGroups[0] as unknown as { betas: number[] }).betas[0]).toBeCloseTo(0.95, 15);
    expect(() => s.step()).toThrow(InvalidOptionError);
    expect(lrsOf(opt)[0]).toBe(lrs[99]);
  });
  it("cosine annealing keeps torch's extrapolated value, above the final lr", () => {
    const opt = new SGD([Param.from([0])], { lr: 0.1, momentum: 0.9 }) as unknown as Opt;
    const s = new api.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 20 });
    for (let t = 1; t <= 20; t++) s.step();
    const start = 0.1 / 25,
      end = start / 1e4,
      from = 0.3 * 20 - 1,
      pct = (20 - from) / (19 - from);
    expect(lrsOf(opt)[0]).toBe(end + ((0.1 - end) / 2) * (Math.cos(Math.PI * pct) + 1));
    expect(lrsOf(opt)[0]).toBeGreaterThan(end);
  });
});

describe("CosineAnnealingWarmRestarts", () => {
  /** The period and position of `epoch` by walking the periods (the reference). */
  function walk(epoch: number, t0: number, mult: number): { tCur: number; tI: number } {
    let tI = t0,
      tCur = epoch;
    while (tCur >= tI) {
      tCur -= tI;
      tI *= mult;
    }
    return { tCur, tI };
  }
  it("step(epoch) finds the period in closed form: agrees with walking the periods", () => {
    const opt = new SGD([Param.from([0])], { lr: 0.1 }) as unknown as Opt;
    const s = new api.CosineAnnealingWarmRestarts(opt, { t0: 3, tMult: 3, etaMin: 0.001 });
    for (const e of [0.5, 2.99, 3.25, 11.5, 40, 100.75, 1000.125, 12345.5]) {
      s.step(e);
      const r = walk(e, 3, 3);
      expect(s.tI).toBe(r.tI);
      expect(Math.abs(s.tCur - r.tCur)).toBeLessThanOrEqual(1e-9);
      expect(s.lastEpoch).toBe(Math.floor(e));
    }
  });
  it("an epoch near 2**53 (from a step(epoch) call or a checkpoint) costs one step", () => {
    for (const tMult of [1, 2]) {
      const opt = new SGD([Param.from([0])], { lr: 0.1 }) as unknown as Opt;
      const s = new api.CosineAnnealingWarmRestarts(opt, { t0: 7, tMult });
      s.step(2 ** 53 - 2);
      expect(Number.isFinite(lrsOf(opt)[0]!)).toBe(true);
      const state = JSON.parse(JSON.stringify(opt.stateDict()));
      state.attachments[0].state.tCur = 2 ** 53 - 2;
      state.attachments[0].state.lastEpoch = 2 ** 53 - 2;
      opt.loadStateDict(state);
      s.step();
      s.step();
      expect(s.lastEpoch).toBe(2 ** 53);
    }
  });
  it("a negative or non-finite epoch is refused with nothing changed", () => {
    const opt = new SGD([Param.from([0])], { lr: 0.1 }) as unknown as Opt;
    const s = new api.CosineAnnealingWarmRestarts(opt, { t0: 3 });
    s.step();
    const before = JSON.stringify(opt.stateDict());
    for (const bad of [-1, NaN, Infinity]) expect(() => s.step(bad)).toThrow(InvalidOptionError);
    expect(JSON.stringify(opt.stateDict())).toBe(before);
  });
});

describe("checkpoint names and construction", () => {
  it("every scheduler records its static kind, not constructor.name", () => {
    const names = [
      "LambdaLR",
      "MultiplicativeLR",
      "StepLR",
      "MultiStepLR",
      "ConstantLR",
      "LinearLR",
      "ExponentialLR",
      "PolynomialLR",
      "CosineAnnealingLR",
      "CosineAnnealingWarmRestarts",
      "CyclicLR",
      "OneCycleLR",
      "SWALR",
      "SequentialLR",
      "ChainedScheduler",
      "ReduceLROnPlateau",
    ];
    for (const n of names) expect((ctors[n] as unknown as { kind: string }).kind).toBe(n);
    const opt = new SGD([Param.from([0])], { lr: 0.1 }) as unknown as Opt;
    const Renamed = class extends api.StepLR {};
    Object.defineProperty(Renamed, "name", { value: "x" });
    expect(new Renamed(opt, { stepSize: 1 }).kind).toBe("StepLR");
  });
  it("LambdaLR takes torch's positional form and the options form", () => {
    const a = new SGD([Param.from([0])], { lr: 1 }) as unknown as Opt;
    const b = new SGD([Param.from([0])], { lr: 1 }) as unknown as Opt;
    const f = (e: number) => 1 / (e + 1);
    const p = new api.LambdaLR(a, f);
    const o = new api.LambdaLR(b, { lrLambda: f });
    for (let t = 0; t < 4; t++) {
      p.step();
      o.step();
    }
    expect(lrsOf(b)).toEqual(lrsOf(a));
    expect(lrsOf(a)).toEqual([0.2]);
    expect(() => new api.LambdaLR(a, { lrLambda: 3 as unknown as () => number })).toThrow(InvalidOptionError);
  });
  it("CyclicLR: scaleFn with scaleMode, and betas[0] cycled for Adam (torch 2.x)", () => {
    const opt = new Adam([Param.from([0])], { lr: 1e-3 }) as unknown as Opt;
    const s = new api.CyclicLR(opt, {
      baseLr: 0.1,
      maxLr: 0.5,
      stepSizeUp: 2,
      scaleFn: (x: number) => 1 / x,
      scaleMode: "cycle",
      baseMomentum: 0.8,
      maxMomentum: 0.9,
    });
    const beta1 = () => (opt.paramGroups[0] as unknown as { betas: number[] }).betas[0];
    expect(beta1()).toBe(0.9);
    s.step(); // x = 0.5 of the rise, cycle 1
    expect(lrsOf(opt)[0]).toBeCloseTo(0.3, 15);
    expect(beta1()).toBeCloseTo(0.85, 15);
    s.step();
    s.step();
    s.step(); // cycle 2 starts: amplitude 1/2
    s.step();
    expect(lrsOf(opt)[0]).toBeCloseTo(0.1 + 0.4 * 0.5 * 0.5, 15);
    expect(() => new api.CyclicLR(new SGD([Param.from([0])], { lr: 1 }) as unknown as Opt, { baseLr: 0.1, maxLr: 1 })).not.toThrow();
  });
  it("ChainedScheduler: a child that throws leaves every child and group as before", () => {
    const opt = new SGD([Param.from([0])], { lr: 0.1 }) as unknown as Opt;
    let calls = 0;
    const bad = new api.LambdaLR(opt, () => (++calls > 2 ? -1 : 1));
    const chain = new api.ChainedScheduler(opt, { schedulers: [new api.ExponentialLR(opt, { gamma: 0.5 }), bad] });
    chain.step();
    const before = JSON.stringify(opt.stateDict());
    expect(() => chain.step()).toThrow(InvalidOptionError);
    expect(JSON.stringify(opt.stateDict())).toBe(before);
    expect(() => new api.ChainedScheduler(opt, { schedulers: [] })).toThrow(InvalidOptionError);
  });
});

describe("bad arguments of the new schedulers", () => {
  const cases: [string, object][] = [
    ["ConstantLR", { factor: 0 }],
    ["ConstantLR", { factor: 1.5 }],
    ["ConstantLR", { totalIters: -1 }],
    ["PolynomialLR", { power: -1 }],
    ["PolynomialLR", { totalIters: 0 }],
    ["CyclicLR", { baseLr: 0.1, maxLr: 1, stepSizeUp: 0 }],
    ["CyclicLR", { baseLr: 0.1, maxLr: 1, mode: "sine" }],
    ["CyclicLR", { baseLr: [0.1, 0.2], maxLr: 1 }],
    ["CyclicLR", { baseLr: 0.1, maxLr: 1, scaleFn: 3 }],
    ["CosineAnnealingWarmRestarts", { t0: 0 }],
    ["CosineAnnealingWarmRestarts", { t0: 2, tMult: 1.5 }],
    ["CosineAnnealingWarmRestarts", { t0: 2, etaMin: NaN }],
    ["SWALR", { swaLr: -1 }],
    ["SWALR", { swaLr: 0.1, annealEpochs: -1 }],
    ["SWALR", { swaLr: 0.1, annealStrategy: "exp" }],
    ["MultiplicativeLR", { lrLambda: [() => 1, () => 1] }],
    ["OneCycleLR", { maxLr: [1, 2], totalSteps: 10 }],
    ["ReduceLROnPlateau", { minLr: [0, 0] }],
  ];
  for (const [name, options] of cases) {
    it(`${name} ${JSON.stringify(options)}: InvalidOptionError, nothing attached or changed`, () => {
      const opt = new SGD([Param.from([0])], { lr: 0.1, momentum: 0.9 }) as unknown as Opt;
      const before = JSON.stringify(opt.stateDict());
      expect(() => new ctors[name]!(opt, options)).toThrow(InvalidOptionError);
      expect(opt.attachments).toEqual([]);
      expect(JSON.stringify(opt.stateDict())).toBe(before);
    });
  }
  it("cycleMomentum needs momentum or betas", () => {
    const opt = new api.Adagrad([Param.from([0])], { lr: 0.1 }) as unknown as Opt;
    expect(() => new api.CyclicLR(opt, { baseLr: 0.1, maxLr: 1 })).toThrow(/cycleMomentum/);
    expect(() => new api.CyclicLR(opt, { baseLr: 0.1, maxLr: 1, cycleMomentum: false })).not.toThrow();
  });
});
