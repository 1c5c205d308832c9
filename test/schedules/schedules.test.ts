// Pure schedules (checked against torch's numbers where torch has the same schedule, and
// against their formulas), attaching them to any hyperparameter through the validated
// setters (all groups or none), and scheduler state dicts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { Adam, Param, scheduleHyperparameter, schedules, SGD, CheckpointError, InvalidOptionError } from "../../src/index.js";

const fixture = (id: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "schedulers", `${id}.json`), "utf8")) as {
    lrs: number[][];
    momenta: number[][] | null;
  };
/** Largest relative difference between s(t) and torch's group-0 value for t in [0, steps). */
function worst(s: api.Schedule, rows: number[][], steps = rows.length, group = 0): number {
  let w = 0;
  for (let t = 0; t < steps; t++) {
    const want = rows[t]![group]!;
    w = Math.max(w, want === s(t) ? 0 : Math.abs(s(t) - want) / Math.abs(want));
  }
  return w;
}

describe("pure schedules", () => {
  it("are the package's `schedules` namespace: no bare names at the root, no internal helpers", () => {
    const names = [
      "constant",
      "cosineDecay",
      "exponential",
      "join",
      "linear",
      "multiStep",
      "oneCycle",
      "oneCycleMomentum",
      "polynomial",
      "stepDecay",
      "warmRestarts",
      "warmup",
    ];
    expect(Object.keys(schedules).sort()).toEqual(names);
    for (const name of names) expect(name in api, name).toBe(false);
  });

  it("match torch's schedulers where they are the same schedule (closed vs torch's recursive forms: a few ulps)", () => {
    expect(worst(schedules.stepDecay(0.1, 7, 0.5), fixture("step_lr").lrs)).toBe(0);
    expect(worst(schedules.multiStep(0.1, [10, 30, 30, 75], 0.3), fixture("multistep_lr_two_groups").lrs)).toBeLessThan(1e-15);
    expect(worst(schedules.exponential(0.003, 0.97), fixture("exponential_lr").lrs)).toBeLessThan(1e-13);
    expect(worst(schedules.cosineDecay(0.001, 100), fixture("cosine_annealing_full").lrs, 100)).toBeLessThan(1e-12);
    expect(worst(schedules.linear(0.05, 0.2, 20), fixture("linear_warmup").lrs)).toBeLessThan(1e-15);
    expect(worst(schedules.oneCycle(0.5, 100), fixture("one_cycle_sgd_momentum").lrs, 100)).toBeLessThan(1e-15);
    expect(worst(schedules.oneCycleMomentum(0.85, 0.95, 100), fixture("one_cycle_sgd_momentum").momenta!, 100)).toBeLessThan(1e-15);
    const three = fixture("one_cycle_adam_three_phase_linear");
    const opts = { pctStart: 0.25, anneal: "linear" as const, threePhase: true, divFactor: 10, finalDivFactor: 100 };
    expect(worst(schedules.oneCycle(0.02, 120, opts), three.lrs, 101, 1)).toBeLessThan(1e-15);
    expect(worst(schedules.oneCycleMomentum(0.8, 0.9, 120, opts), three.momenta!, 101)).toBeLessThan(1e-15);
    const seq = fixture("sequential_warmup_cosine"); // LinearLR(0.1 -> 1, 10) then CosineAnnealingLR(90, 1e-4)
    expect(worst(schedules.join([schedules.linear(0.01, 0.1, 10), schedules.cosineDecay(0.1, 90, 1e-4)], [10]), seq.lrs, 100)).toBeLessThan(
      1e-12,
    );
  });

  it("follow their formulas", () => {
    expect([0, 1, 2, 3, 4, 5].map(schedules.warmup(4, schedules.constant(1)))).toEqual([0, 0.25, 0.5, 0.75, 1, 1]);
    expect([0, 4, 5, 6].map(schedules.warmup(4, schedules.linear(1, 0, 2), 0.5))).toEqual([0.5, 1, 0.5, 0]);
    expect([0, 5, 10, 20].map(schedules.polynomial(1, 0, 10, 2))).toEqual([1, 0.25, 0, 0]);
    expect([0, 5, 10].map(schedules.cosineDecay(2, 10, 1))).toEqual([2, 1.5, 1]);
    const r = schedules.warmRestarts(1, 10, { mult: 2, floor: 0 });
    expect([0, 10, 30, 70].map(r)).toEqual([1, 1, 1, 1]); // restarts at 10, 10 + 20, 30 + 40
    expect(r(5)).toBeCloseTo(0.5, 15);
    expect(r(20)).toBeCloseTo(0.5, 15);
    expect(
      [0, 4, 5, 9, 10, 15].map(schedules.join([schedules.constant(3), schedules.linear(1, 0, 10), schedules.constant(7)], [5, 10])),
    ).toEqual([3, 3, 1, 0.6, 7, 7]);
    expect([0, 9, 10, 29, 30, 31].map(schedules.multiStep(1, [10, 30, 30], 0.5))).toEqual([1, 1, 0.5, 0.5, 0.125, 0.125]);
  });

  it("reject bad arguments with InvalidOptionError naming them", () => {
    expect(() => schedules.linear(0, 1, 0)).toThrow(/steps/);
    expect(() => schedules.cosineDecay(NaN, 10)).toThrow(/value/);
    expect(() => schedules.stepDecay(1, 1.5)).toThrow(/stepSize/);
    expect(() => schedules.multiStep(1, [5, 3])).toThrow(/milestones/);
    expect(() => schedules.join([schedules.constant(1)], [5])).toThrow(/boundaries/);
    expect(() => schedules.warmup(3, "x" as unknown as number)).toThrow(/then/);
    expect(() => schedules.oneCycle(1, 100, { pctStart: 2 })).toThrow(/pctStart/);
    expect(() => schedules.oneCycle(1, 100, { anneal: "exp" as "cos" })).toThrow(/anneal/);
    expect(() => schedules.warmRestarts(1, 10, { mult: 0 })).toThrow(InvalidOptionError);
  });
});

describe("scheduleHyperparameter", () => {
  it("anneals SGD momentum 0.5 -> 0.9 in one group only", () => {
    const a = Param.from([1]),
      b = Param.from([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], momentum: 0.1 }], { lr: 0.1, momentum: 0.5 });
    const s = scheduleHyperparameter(opt, "momentum", schedules.linear(0.5, 0.9, 1000), { group: 0 });
    expect(opt.paramGroups[0]!.momentum).toBe(0.5);
    for (let t = 0; t < 500; t++) s.step();
    expect(opt.paramGroups[0]!.momentum).toBeCloseTo(0.7, 15);
    for (let t = 0; t < 600; t++) s.step();
    expect(opt.paramGroups[0]!.momentum).toBe(0.9);
    expect(opt.paramGroups[1]!.momentum).toBe(0.1);
    expect(s.t).toBe(1100);
  });

  it("drives betas[0] / betas[1] of Adam and weightDecay", () => {
    const opt = new Adam([Param.from([1])]);
    scheduleHyperparameter(opt, "betas[1]", schedules.constant(0.99));
    const s = scheduleHyperparameter(opt, "betas[0]", schedules.linear(0.95, 0.85, 10));
    const w = scheduleHyperparameter(opt, "weightDecay", schedules.exponential(0.1, 0.5));
    s.step();
    w.step();
    expect(opt.paramGroups[0]!.betas).toEqual([0.94, 0.99]);
    expect(opt.paramGroups[0]!.weightDecay).toBe(0.05);
  });

  it("an invalid value changes no group (all or none) and does not advance", () => {
    const opt = new SGD([{ params: [Param.from([1])] }, { params: [Param.from([1])], lr: 0.5 }], { lr: 1 });
    const s = scheduleHyperparameter(opt, "lr", (t) => (t === 0 ? 0.2 : -1));
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.2, 0.2]);
    expect(() => s.step()).toThrow(InvalidOptionError);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.2, 0.2]);
    expect(s.t).toBe(0);
    // nesterov needs momentum: the cross-check of the setters applies too
    const n = new SGD([Param.from([1])], { lr: 1, momentum: 0.9, nesterov: true });
    expect(() => scheduleHyperparameter(n, "momentum", schedules.constant(0))).toThrow(/nesterov/);
    expect(n.paramGroups[0]!.momentum).toBe(0.9);
    expect(n.attachments).toHaveLength(0);
  });

  it("rejects unknown keys and groups without attaching", () => {
    const opt = new Adam([Param.from([1])]);
    expect(() => scheduleHyperparameter(opt, "momentum", schedules.constant(0.9))).toThrow(/momentum/);
    expect(() => scheduleHyperparameter(opt, "amsgrad", schedules.constant(1))).toThrow(InvalidOptionError);
    expect(() => scheduleHyperparameter(opt, "betas[2]", schedules.constant(0.9))).toThrow(InvalidOptionError);
    expect(() => scheduleHyperparameter(opt, "lr", schedules.constant(0.1), { group: 1 })).toThrow(/group/);
    expect(opt.attachments).toHaveLength(0);
  });

  it("state dicts restore the position; another configuration is refused", () => {
    const mk = () => new SGD([Param.from([1])], { lr: 1 });
    const o1 = mk(),
      o2 = mk();
    const s1 = scheduleHyperparameter(o1, "lr", schedules.cosineDecay(1, 10));
    const s2 = scheduleHyperparameter(o2, "lr", schedules.cosineDecay(1, 10));
    for (let t = 0; t < 4; t++) s1.step();
    s2.loadStateDict(s1.stateDict());
    s1.step();
    s2.step();
    expect(s2.t).toBe(5);
    expect(o2.paramGroups[0]!.lr).toBe(o1.paramGroups[0]!.lr);
    const other = scheduleHyperparameter(mk(), "weightDecay", schedules.constant(0));
    expect(() => other.loadStateDict(s1.stateDict())).toThrow(CheckpointError);
    expect(other.t).toBe(0);
  });
});

describe("PyTorch-named scheduler state", () => {
  it("StepLR, OneCycleLR, SequentialLR and ReduceLROnPlateau resume from stateDict to the same values", () => {
    const build = (opt: SGD) => [
      new api.OneCycleLR(opt, { maxLr: 0.5, totalSteps: 50 }),
      new api.SequentialLR(opt, {
        schedulers: [new api.LinearLR(opt, { startFactor: 0.5, totalIters: 4 }), new api.StepLR(opt, { stepSize: 3, gamma: 0.5 })],
        milestones: [4],
      }),
    ];
    const mk = () => new SGD([Param.from([1])], { lr: 0.1, momentum: 0.9 });
    const o1 = mk(),
      o2 = mk();
    const [a1, b1] = build(o1),
      [a2, b2] = build(o2);
    const plateau1 = new api.ReduceLROnPlateau(o1, { patience: 1 }),
      plateau2 = new api.ReduceLROnPlateau(o2, { patience: 1 });
    for (let t = 0; t < 10; t++) {
      a1!.step();
      b1!.step();
      plateau1.step(1);
    }
    o2.loadState(o1.saveState()); // hyperparameters + every attached scheduler
    expect(plateau2.best).toBe(1);
    for (let t = 0; t < 10; t++) {
      for (const [s1, s2] of [
        [a1, a2],
        [b1, b2],
      ] as const) {
        s1!.step();
        s2!.step();
        expect(s2!.getLastLr()).toEqual(s1!.getLastLr());
      }
      plateau1.step(2);
      plateau2.step(2);
      expect(o2.paramGroups[0]!.lr).toBe(o1.paramGroups[0]!.lr);
      expect(o2.paramGroups[0]!.momentum).toBe(o1.paramGroups[0]!.momentum);
    }
    // another configuration is refused and nothing changes
    const o3 = mk();
    new api.OneCycleLR(o3, { maxLr: 0.4, totalSteps: 50 });
    const before = o3.saveState();
    expect(() => o3.loadState(o1.saveState())).toThrow(CheckpointError);
    expect(o3.saveState()).toEqual(before);
  });

  it("reject bad constructor arguments without attaching", () => {
    const opt = new Adam([Param.from([1])]);
    expect(() => new api.StepLR(opt, { stepSize: 0 })).toThrow(/stepSize/);
    expect(() => new api.CosineAnnealingLR(opt, { tMax: -3 })).toThrow(/tMax/);
    expect(() => new api.LinearLR(opt, { startFactor: 0 })).toThrow(/startFactor/);
    expect(() => new api.OneCycleLR(opt, { maxLr: 0.1 })).toThrow(/totalSteps/);
    expect(() => new api.OneCycleLR(new api.Adagrad([Param.from([1])]), { maxLr: 0.1, totalSteps: 10 })).toThrow(/cycleMomentum/);
    expect(() => new api.ReduceLROnPlateau(opt, { factor: 1 })).toThrow(/factor/);
    expect(() => new api.LambdaLR(opt, [(e) => e, (e) => e])).toThrow(/lrLambda/);
    expect(() => new api.StepLR(opt, { stepSize: 2, lastEpoch: 3 })).toThrow(/lastEpoch/);
    expect(opt.attachments).toHaveLength(0);
    const one = new api.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 2 });
    one.step();
    one.step();
    expect(() => one.step()).toThrow(/at most 2 steps/);
  });
});

describe("step(epoch): torch's closed forms (the deprecated epoch argument)", () => {
  // /usr/bin/python3, torch 1.13: SGD lr 0.1, then scheduler.step(e) for each e (warnings off)
  it("LinearLR(startFactor 0.5, totalIters 4) at epochs 2, 10 (past totalIters), 3", () => {
    const opt = new SGD([Param.from([1])], { lr: 0.1 });
    const s = new api.LinearLR(opt, { startFactor: 0.5, totalIters: 4 });
    const lrs = [2, 10, 3].map((e) => (s.step(e), opt.paramGroups[0]!.lr));
    expect(lrs).toEqual([0.07500000000000001, 0.1, 0.08750000000000001]);
  });

  it("StepLR(stepSize 3, gamma 0.5) at epochs 2, 5, 7, 1", () => {
    const opt = new SGD([Param.from([1])], { lr: 0.1 });
    const s = new api.StepLR(opt, { stepSize: 3, gamma: 0.5 });
    const lrs = [2, 5, 7, 1].map((e) => (s.step(e), opt.paramGroups[0]!.lr));
    expect(lrs).toEqual([0.1, 0.05, 0.025, 0.1]);
  });
});

describe("warmRestarts is O(1) in the step", () => {
  it("agrees with the cycle-by-cycle walk, and answers at t = 2**53 - 2 at once", () => {
    const walk = (value: number, period: number, mult: number, t: number) => {
      let len = period,
        cur = t;
      while (cur >= len) {
        cur -= len;
        len *= mult;
      }
      return (value * (1 + Math.cos((Math.PI * cur) / len))) / 2;
    };
    for (const period of [1, 3, 7, 10]) {
      for (const mult of [1, 2, 3, 10]) {
        const f = schedules.warmRestarts(1, period, { mult });
        for (let t = 0; t < 3000; t += 1 + (t >> 4)) expect(f(t), `period ${period} mult ${mult} t ${t}`).toBe(walk(1, period, mult, t));
      }
    }
    const started = performance.now();
    for (const mult of [1, 2]) expect(Number.isFinite(schedules.warmRestarts(1, 10, { mult })(2 ** 53 - 2))).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000); // a hang guard only: the walk would take years
  });
});
