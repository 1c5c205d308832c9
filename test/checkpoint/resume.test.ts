// Resume bit for bit: for every optimizer, 2N micro-steps straight against N steps, a save,
// a load into a fresh optimizer with fresh params (in this process, and in a NEW PROCESS
// running dist/), and N more. The final checkpoint bytes (hyperparameters, step counts,
// every state buffer, schedule positions, the guard's skip count, the accumulator's
// pending sums) and the params must be identical. Every configuration of every first-order
// optimizer in test/registry.ts.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { dispose, run, setup, snapshot } from "./resume-runner.mjs";
import { CONFIGS, rankOf } from "../registry.js";

interface Spec {
  kind: string;
  options: Record<string, unknown>;
  /** The params' number of dims (helpers/shapes.mjs shapeOf). */
  rank: number;
  /** false: the optimizer has no weightDecay (the runner's second group varies lr instead). */
  weightDecay: boolean;
}

const OPTIMIZERS: [string, Spec][] = CONFIGS.map(({ info, config, title }) => [
  title,
  {
    kind: info.name,
    options: { ...info.required, ...config.options },
    rank: rankOf(info, config),
    weightDecay: "weightDecay" in info.defaults,
  },
]);

const N = 20; // micro-steps per half: 6 optimizer steps, then 2 of the next 3 micro-batches pending
const dist = join(import.meta.dirname, "..", "..", "dist", "index.js");
const dir = mkdtempSync(join(tmpdir(), "wasm-optim-resume-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function straight(spec: Spec) {
  const ctx = setup(api, spec);
  run(ctx, 1, N + 1);
  const half = snapshot(ctx);
  const pendingAtHalf = ctx.acc.pending;
  run(ctx, N + 1, 2 * N + 1);
  const end = snapshot(ctx);
  // optimizer steps taken: per param, or per group (Schedule-Free's k)
  const steps = ctx.opt.state.get(ctx.params[0]!)?.step || ctx.opt.groupState.get(ctx.opt.paramGroups[0]!)?.k;
  const facts = { skipped: ctx.guard.skippedSteps, steps, pendingAtHalf, t: ctx.schedulers[0].t };
  dispose(ctx);
  return { half, end, facts };
}

describe("checkpoints resume bit for bit", () => {
  const runs = new Map(OPTIMIZERS.map(([name, spec]) => [name, straight(spec)]));

  for (const [name, spec] of OPTIMIZERS) {
    it(`${name}: save at ${N}, load into a fresh optimizer and params, ${N} more`, () => {
      const { half, end, facts } = runs.get(name)!;
      // the run is not trivial: steps were taken, two were skipped, a cycle is half-accumulated
      expect(facts).toEqual({ skipped: 2, steps: 11, pendingAtHalf: 2, t: 13 });
      expect(equalBytes(half.state, end.state)).toBe(false);
      const ctx = setup(api, spec);
      api.loadParams(ctx.params, half.params);
      ctx.opt.loadState(half.state);
      run(ctx, N + 1, 2 * N + 1);
      const resumed = snapshot(ctx);
      dispose(ctx);
      expect(equalBytes(resumed.params, end.params), "params").toBe(true);
      expect(equalBytes(resumed.state, end.state), "optimizer state").toBe(true);
    });
  }

  it(`in a new process (node on dist/): every optimizer resumes to the same bytes`, () => {
    expect(existsSync(dist), "dist/ is missing: run `npm run build` (npm test does)").toBe(true);
    const jobs = OPTIMIZERS.map(([, spec], i) => {
      const prefix = join(dir, `job${i}`);
      const { half } = runs.get(OPTIMIZERS[i]![0])!;
      writeFileSync(`${prefix}.state.in`, half.state);
      writeFileSync(`${prefix}.params.in`, half.params);
      return { spec, prefix, from: N + 1, to: 2 * N + 1 };
    });
    writeFileSync(join(dir, "jobs.json"), JSON.stringify(jobs));
    execFileSync(process.execPath, [join(import.meta.dirname, "resume-child.mjs"), join(dir, "jobs.json")], { stdio: "pipe" });
    jobs.forEach((job, i) => {
      const { end } = runs.get(OPTIMIZERS[i]![0])!;
      expect(equalBytes(readFileSync(`${job.prefix}.params.out`), end.params), `${OPTIMIZERS[i]![0]}: params`).toBe(true);
      expect(equalBytes(readFileSync(`${job.prefix}.state.out`), end.state), `${OPTIMIZERS[i]![0]}: state`).toBe(true);
    });
  });
});
