// Resume bit for bit for the closure-driven optimizers (LBFGS, Newton): N steps straight
// against N steps, a save, a load into a fresh optimizer with fresh params (in this process,
// and in a NEW PROCESS running dist/), and N more. The final checkpoint bytes (L-BFGS's
// history pairs in order, its scalars and flat buffers; Newton's counts and last stop
// reason) and the params must be identical. Then checkpoints that do not fit: refused with
// a CheckpointError, and the optimizer goes on exactly as if no load had been tried.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import {
  CheckpointError,
  heapStats,
  LBFGS,
  Newton,
  Param,
  type OptimizerStateDict,
  type StateTree,
  type StateValue,
} from "../../src/index.js";
import { chainedRosenbrock, dispose, run, setup, snapshot } from "./resume-second-order-runner.mjs";
import { throughJson } from "../helpers/snapshot.js";

interface Spec {
  kind: "LBFGS" | "Newton";
  dtype: "float32" | "float64";
  options: Record<string, unknown>;
  hessian?: "hvp";
}
interface Ctx {
  params: Param[];
  opt: LBFGS | Newton;
}
type Snapshot = { state: Uint8Array; params: Uint8Array };

const HISTORY = 3;
const SPECS: [string, Spec][] = [
  [
    "LBFGS no line search, float64",
    { kind: "LBFGS", dtype: "float64", options: { lineSearch: "none", lr: 0.1, historySize: HISTORY, maxIter: 4 } },
  ],
  [
    "LBFGS no line search, float32",
    { kind: "LBFGS", dtype: "float32", options: { lineSearch: "none", lr: 0.1, historySize: HISTORY, maxIter: 4 } },
  ],
  [
    "LBFGS strong-Wolfe, float64",
    { kind: "LBFGS", dtype: "float64", options: { lineSearch: "strong-wolfe", historySize: HISTORY, maxIter: 3 } },
  ],
  [
    "LBFGS strong-Wolfe, float32",
    { kind: "LBFGS", dtype: "float32", options: { lineSearch: "strong-wolfe", historySize: HISTORY, maxIter: 3 } },
  ],
  ["Newton dense Hessian, float64", { kind: "Newton", dtype: "float64", options: { maxIter: 2 } }],
  ["Newton-CG (Hessian-vector products), float32", { kind: "Newton", dtype: "float32", options: { maxIter: 2 }, hessian: "hvp" }],
];

const N = 6; // steps per half
const dist = join(import.meta.dirname, "..", "..", "dist", "index.js");
const dir = mkdtempSync(join(tmpdir(), "wasm-optim-resume2-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const make = (spec: Spec): Ctx => setup(api, spec);
const scalarsOf = (ctx: Ctx) => ctx.opt.state.get(ctx.params[0]!)!.scalars;
const historyOf = (ctx: Ctx) => (ctx.opt.stateDict().extra.history as StateTree[] | undefined)?.length;
const lossOf = (ctx: Ctx) =>
  chainedRosenbrock(Float64Array.from(ctx.params.slice(1).flatMap((p) => Array.from(p.data))), new Float64Array(10));

function straight(spec: Spec) {
  const ctx = make(spec);
  const loss0 = lossOf(ctx);
  run(ctx, N);
  const half: Snapshot = snapshot(ctx);
  const halfDict = ctx.opt.stateDict();
  const atHalf = {
    nIter: scalarsOf(ctx).n_iter!,
    history: historyOf(ctx),
    reason: ctx.opt instanceof Newton ? ctx.opt.lastReason : undefined,
  };
  run(ctx, N);
  const end: Snapshot = snapshot(ctx);
  const facts = { loss0, loss: lossOf(ctx), atHalf, nIter: scalarsOf(ctx).n_iter! };
  dispose(ctx);
  return { half, halfDict, end, facts };
}

/** Loads `half` (params and optimizer) into `ctx` and takes N steps. */
function resume(ctx: Ctx, half: Snapshot, state: Uint8Array | StateValue = half.state): Snapshot {
  api.loadParams(ctx.params, half.params);
  if (state instanceof Uint8Array) ctx.opt.loadState(state);
  else ctx.opt.loadStateDict(state);
  run(ctx, N);
  const out: Snapshot = snapshot(ctx);
  dispose(ctx);
  return out;
}

const runs = new Map(SPECS.map(([name, spec]) => [name, straight(spec)]));

describe("second-order checkpoints resume bit for bit", () => {
  for (const [name, spec] of SPECS) {
    it(`${name}: save after ${N} steps, load into a fresh optimizer and params, ${N} more`, () => {
      const { half, end, facts } = runs.get(name)!;
      // the run is not trivial: it is still descending, and (L-BFGS) the history has wrapped
      expect(facts.loss).toBeLessThan(facts.loss0);
      expect(facts.loss).toBeGreaterThan(1e-3);
      expect(facts.nIter).toBeGreaterThan(facts.atHalf.nIter);
      if (spec.kind === "LBFGS") {
        expect(facts.atHalf.history).toBe(HISTORY);
        expect(facts.atHalf.nIter).toBeGreaterThan(2 * HISTORY);
      } else {
        expect(facts.atHalf).toEqual({ nIter: 2 * N, history: undefined, reason: "maxIterations" });
      }
      expect(equalBytes(half.state, end.state)).toBe(false);
      if (spec.kind === "Newton") {
        const loaded = make(spec);
        loaded.opt.loadState(half.state);
        expect((loaded.opt as Newton).lastReason).toBe("maxIterations");
        dispose(loaded);
      }

      const resumed = resume(make(spec), half);
      expect(equalBytes(resumed.params, end.params), "params").toBe(true);
      expect(equalBytes(resumed.state, end.state), "optimizer state").toBe(true);

      // loading into an optimizer that has stepped on its own (its history replaced) is the same
      const used = make(spec);
      run(used, 2);
      const again = resume(used, half);
      expect(equalBytes(again.params, end.params), "params (used optimizer)").toBe(true);
      expect(equalBytes(again.state, end.state), "optimizer state (used optimizer)").toBe(true);
    });
  }

  it("the history is what makes L-BFGS resume: without it the run goes elsewhere", () => {
    for (const [name, spec] of SPECS.filter(([, s]) => s.kind === "LBFGS")) {
      const { half, halfDict, end } = runs.get(name)!;
      const out = resume(make(spec), half, { ...halfDict, extra: { history: [] } });
      expect(equalBytes(out.params, end.params), name).toBe(false);
    }
  });

  it("a stateDict through JSON (typed arrays as number arrays) resumes to the same bytes", () => {
    for (const [name, spec] of SPECS) {
      const { half, end } = runs.get(name)!;
      const json = throughJson(runs.get(name)!.halfDict);
      const out = resume(make(spec), half, json);
      expect(equalBytes(out.state, end.state), name).toBe(true);
    }
  });

  it("in a new process (node on dist/): every optimizer resumes to the same bytes", () => {
    expect(existsSync(dist), "dist/ is missing: run `npm run build` (npm test does)").toBe(true);
    const jobs = SPECS.map(([name, spec], i) => {
      const prefix = join(dir, `job${i}`);
      const { half } = runs.get(name)!;
      writeFileSync(`${prefix}.state.in`, half.state);
      writeFileSync(`${prefix}.params.in`, half.params);
      return { spec, prefix, steps: N };
    });
    writeFileSync(join(dir, "jobs.json"), JSON.stringify(jobs));
    execFileSync(process.execPath, [join(import.meta.dirname, "resume-second-order-child.mjs"), join(dir, "jobs.json")], { stdio: "pipe" });
    jobs.forEach((job, i) => {
      const [name] = SPECS[i]!;
      const { end } = runs.get(name)!;
      expect(equalBytes(readFileSync(`${job.prefix}.params.out`), end.params), `${name}: params`).toBe(true);
      expect(equalBytes(readFileSync(`${job.prefix}.state.out`), end.state), `${name}: state`).toBe(true);
    });
  });
});

/** A copy of a state dict, changed by `edit`. */
function edited(ctx: Ctx, edit: (sd: OptimizerStateDict & Record<string, unknown>) => void): StateValue {
  const sd = ctx.opt.stateDict() as OptimizerStateDict & Record<string, unknown>; // a fresh object
  edit(sd);
  return sd;
}
const pairs = (sd: OptimizerStateDict) => sd.extra.history as Record<string, StateValue>[];
const holderState = (sd: OptimizerStateDict) =>
  sd.paramGroups[0]!.params[0]!.state as unknown as { buffers: Record<string, StateValue>; scalars: Record<string, number> };

/**
 * Tries every bad checkpoint on `target` (a CheckpointError with the expected code each
 * time, no wasm memory kept), then checks that it goes on exactly like `control`, which
 * saw no load at all.
 */
function expectRefused(spec: Spec, bad: (target: Ctx) => [string, Uint8Array | StateValue, string | null][]) {
  const target = make(spec),
    control = make(spec);
  run(target, 3);
  run(control, 3);
  const cases = bad(target);
  const before = target.opt.saveState();
  const live = heapStats().liveBytes;
  for (const [what, input, code] of cases) {
    let err: unknown;
    try {
      if (input instanceof Uint8Array) target.opt.loadState(input);
      else target.opt.loadStateDict(input);
    } catch (e) {
      err = e;
    }
    expect(err, what).toBeInstanceOf(CheckpointError);
    if (code) expect((err as CheckpointError).code, `${what}: ${(err as Error).message}`).toBe(code);
  }
  expect(heapStats().liveBytes, "wasm memory allocated by the failed loads is freed").toBe(live);
  expect(equalBytes(target.opt.saveState(), before), "state after the refusals").toBe(true);
  run(target, 3);
  run(control, 3);
  const a: Snapshot = snapshot(target),
    b: Snapshot = snapshot(control);
  expect(equalBytes(a.params, b.params), "params after more steps").toBe(true);
  expect(equalBytes(a.state, b.state), "state after more steps").toBe(true);
  dispose(target);
  dispose(control);
}

/** Another run of `spec`, further along: a checkpoint that would change the target. */
function otherRun(spec: Spec, steps = 5) {
  const ctx = make(spec);
  run(ctx, steps);
  return ctx;
}

describe("second-order checkpoints that do not fit are refused and change nothing", () => {
  for (const [name, spec] of SPECS.filter(([n]) => n.startsWith("LBFGS strong-Wolfe"))) {
    it(`${name}: every truncation and every byte flipped`, () => {
      const other = otherRun(spec);
      const bytes = other.opt.saveState();
      dispose(other);
      expectRefused(spec, () => [
        ...Array.from({ length: bytes.length }, (_, k) => [`truncated to ${k}`, bytes.slice(0, k), null] as [string, Uint8Array, null]),
        ...Array.from({ length: bytes.length }, (_, k) => {
          const b = bytes.slice();
          b[k]! ^= 1 << (k % 8);
          return [`byte ${k} flipped`, b, null] as [string, Uint8Array, null];
        }),
      ]);
    });
  }

  it("LBFGS: checkpoints of another size, dtype or flat vector; a history or buffers that do not fit", () => {
    const spec = SPECS[2]![1]; // strong-Wolfe, float64
    const other = otherRun(spec);
    const bigger = new LBFGS(
      [new Param(2, { dtype: "float64", requiresGrad: false }), new Param(3, { dtype: "float64" }), new Param(8, { dtype: "float64" })],
      spec.options,
    );
    // the same param sizes, but the first one trains: a flat vector of 12
    const twelve = new LBFGS(
      [new Param(2, { dtype: "float64" }), new Param(3, { dtype: "float64" }), new Param(7, { dtype: "float64" })],
      spec.options,
    );
    const f32 = otherRun(SPECS[3]![1]);
    const newton = otherRun(SPECS[4]![1]);
    const step = (o: LBFGS) =>
      o.step(() => {
        for (const p of o.paramGroups[0]!.params) for (let i = 0; i < p.size; i++) p.grad[i] = p.data[i]! - i;
        return 1;
      });
    step(bigger);
    step(twelve);
    expectRefused(spec, () => [
      ["params of another size", bigger.saveState(), "mismatch"],
      ["a flat vector of 12 (the first param trained)", twelve.saveState(), "mismatch"],
      ["float32", f32.opt.saveState(), "mismatch"],
      ["Newton's", newton.opt.saveState(), "mismatch"],
      ["a history vector of 9", edited(other, (sd) => (pairs(sd)[1]!.s = new Float64Array(9))), "mismatch"],
      ["a float32 history vector", edited(other, (sd) => (pairs(sd)[2]!.y = new Float32Array(10))), "mismatch"],
      ["ro < 0", edited(other, (sd) => (pairs(sd)[0]!.ro = -1)), "invalid"],
      ["ro NaN", edited(other, (sd) => (pairs(sd)[0]!.ro = NaN)), "invalid"],
      ["ro 0", edited(other, (sd) => (pairs(sd)[2]!.ro = 0)), "invalid"],
      ["sigma infinite", edited(other, (sd) => (pairs(sd)[1]!.sigma = Infinity)), "invalid"],
      ["a pair without y", edited(other, (sd) => delete pairs(sd)[1]!.y), "invalid"],
      ["history not a list", edited(other, (sd) => ((sd.extra as Record<string, StateValue>).history = { s: 1 })), "invalid"],
      ["no history", edited(other, (sd) => ((sd as Record<string, unknown>).extra = {})), "invalid"],
      ["unknown extra state", edited(other, (sd) => ((sd.extra as Record<string, StateValue>).al = new Float64Array(3))), "mismatch"],
      ["d of the first param's size", edited(other, (sd) => (holderState(sd).buffers.d = new Float64Array(2))), "mismatch"],
      ["a buffer LBFGS does not keep", edited(other, (sd) => (holderState(sd).buffers.exp_avg = new Float64Array(10))), "mismatch"],
      [
        "state buffers on another param",
        edited(other, (sd) => {
          (sd.paramGroups[0]!.params[1] as { state: StateValue }).state = { step: 0, scalars: {}, buffers: { d: new Float64Array(3) } };
        }),
        "mismatch",
      ],
      // fails after the history was checked and allocated: the allocation is freed (heapStats)
      [
        "attachments it does not have",
        edited(other, (sd) => ((sd as Record<string, unknown>).attachments = [{ kind: "StepLR", state: {} }])),
        "mismatch",
      ],
      [
        "a hyperparameter that fails validation",
        edited(other, (sd) => ((sd.paramGroups[0]!.hyperparameters as Record<string, StateValue>).historySize = 0)),
        "invalid",
      ],
    ]);
    for (const o of [bigger, twelve]) o.dispose();
    for (const c of [other, f32, newton]) dispose(c);
  });

  it("Newton: an unknown stop reason, state it does not keep, another kind", () => {
    const spec = SPECS[4]![1];
    const other = otherRun(spec);
    const lbfgs = otherRun(SPECS[2]![1]);
    expectRefused(spec, () => [
      ["lastReason unknown", edited(other, (sd) => ((sd.extra as Record<string, StateValue>).lastReason = "tired")), "invalid"],
      ["lastReason a number", edited(other, (sd) => ((sd.extra as Record<string, StateValue>).lastReason = 3)), "invalid"],
      ["unknown extra state", edited(other, (sd) => ((sd.extra as Record<string, StateValue>).damping = 1)), "mismatch"],
      ["a state buffer", edited(other, (sd) => (holderState(sd).buffers = { d: new Float64Array(2) })), "mismatch"],
      ["LBFGS's", lbfgs.opt.saveState(), "mismatch"],
    ]);
    dispose(other);
    dispose(lbfgs);
  });

  it("LBFGS: a checkpoint of another historySize loads its historySize with its history, like every hyperparameter", () => {
    // The saved run had historySize 3; the target is built with 5. As for lr in every
    // optimizer (and history_size in torch's load_state_dict), the checkpoint's value wins,
    // so the target continues the saved run exactly.
    const spec = SPECS[2]![1];
    const { half, end } = runs.get(SPECS[2]![0])!;
    const ctx = make({ ...spec, options: { ...spec.options, historySize: 5 } });
    api.loadParams(ctx.params, half.params);
    ctx.opt.loadState(half.state);
    expect((ctx.opt as LBFGS).paramGroups[0]!.historySize).toBe(HISTORY);
    run(ctx, N);
    const out: Snapshot = snapshot(ctx);
    dispose(ctx);
    expect(equalBytes(out.state, end.state)).toBe(true);
    expect(equalBytes(out.params, end.params)).toBe(true);
  });

  it("LBFGS: a history longer than historySize (lowered mid-run) is saved and resumes exactly", () => {
    const spec = SPECS[0]![1];
    const a = make(spec),
      b = make(spec);
    run(a, N);
    (a.opt as LBFGS).paramGroups[0]!.historySize = 2;
    expect(historyOf(a)).toBe(HISTORY);
    const half: Snapshot = snapshot(a);
    run(a, N);
    const out = resume(b, half);
    expect((a.opt as LBFGS).paramGroups[0]!.historySize).toBe(2);
    expect(historyOf(a)).toBe(2);
    const end: Snapshot = snapshot(a);
    dispose(a);
    expect(equalBytes(out.state, end.state)).toBe(true);
    expect(equalBytes(out.params, end.params)).toBe(true);
  });
});
