// The PyTorch-named schedulers against torch 1.13 (test/fixtures/schedulers, made by its
// generate.py): every group's lr (and OneCycleLR's momentum or betas[0]) after construction
// and after each of 100 steps, to 1e-14 relative (a few float64 ulps: V8's and glibc's cos
// and pow may differ in the last bit; most cases agree exactly).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";

interface SchedulerSpec {
  class: string;
  options: Record<string, unknown>;
  lambdas?: string | string[];
}
interface Case {
  format: string;
  id: string;
  steps: number;
  optimizer: { class: string; groups: Record<string, number>[]; options: Record<string, unknown> };
  scheduler: SchedulerSpec;
  metrics: number[] | null;
  lrs: number[][];
  momenta: number[][] | null;
}

const dir = join(import.meta.dirname, "..", "fixtures", "schedulers");
const cases: Case[] = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Case)
  .filter((c) => c.format === "torch-lr-scheduler/1");

// the same functions as LAMBDAS in generate.py
const LAMBDAS: Record<string, (e: number) => number> = {
  pow095: (e) => 0.95 ** e,
  inverse: (e) => 1.0 / (1.0 + 0.1 * e),
  staircase: (e) => 0.5 * (Math.floor(e / 10) + 1),
};

type Opt = api.Optimizer<object>;
const ctors = api as unknown as Record<string, new (...args: unknown[]) => unknown>;

function build(opt: Opt, s: SchedulerSpec): api.LRScheduler | api.ReduceLROnPlateau {
  if (s.class === "LambdaLR") {
    const l = s.lambdas!;
    return new api.LambdaLR(opt, Array.isArray(l) ? l.map((n) => LAMBDAS[n]!) : LAMBDAS[l]!);
  }
  const options = { ...s.options };
  if (s.class === "SequentialLR") options.schedulers = (s.options.schedulers as SchedulerSpec[]).map((c) => build(opt, c));
  return new ctors[s.class]!(opt, options) as api.LRScheduler;
}

const momentumOf = (g: Record<string, unknown>) => (Array.isArray(g.betas) ? (g.betas[0] as number) : (g.momentum as number));
const relErr = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));

describe("PyTorch 1.13 LR schedulers", () => {
  it("has the fixtures", () => expect(cases.length).toBeGreaterThanOrEqual(12));
  for (const c of cases) {
    it(`${c.id} (${c.scheduler.class}, ${c.steps} steps)`, () => {
      const params = c.optimizer.groups.map(() => api.Param.from(new Float32Array(3)));
      const groups = c.optimizer.groups.map((g, i) => ({ params: [params[i]!], ...g }));
      const opt = new ctors[c.optimizer.class]!(groups, { lr: c.optimizer.groups[0]!.lr, ...c.optimizer.options }) as Opt;
      const sched = build(opt, c.scheduler);
      let worst = 0;
      const check = (t: number) => {
        const lrs = opt.paramGroups.map((g) => (g as unknown as { lr: number }).lr);
        lrs.forEach((lr, i) => (worst = Math.max(worst, relErr(lr, c.lrs[t]![i]!))));
        expect(sched.getLastLr()).toEqual(lrs);
        if (c.momenta) {
          opt.paramGroups.forEach((g, i) => (worst = Math.max(worst, relErr(momentumOf(g), c.momenta![t]![i]!))));
        }
      };
      check(0);
      for (let t = 1; t <= c.steps; t++) {
        if (sched instanceof api.ReduceLROnPlateau) sched.step(c.metrics![t - 1]!);
        else sched.step();
        check(t);
      }
      if (process.env.SHOW_WORST) console.log(c.id, worst);
      expect(worst, "largest relative difference from torch").toBeLessThanOrEqual(1e-14);
      params.forEach((p) => p.dispose());
    });
  }
});
