// Replays the torch.optim.LBFGS golden cases in test/fixtures (the 12 public ones) and
// test/fixtures/lbfgs-extra (10 more made with the same generator and torch 1.13: longer
// strong-Wolfe runs, large lr, tolerance stops, history eviction; see its config.json)
// through the public API: exact closure-evaluation counts per step, the loss each step()
// returns (the loss at its start), the params after every step, the loss there (evaluated
// outside the optimizer) and torch's final func_evals / n_iter.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LBFGS, Param } from "../src/index.js";
import { loadCases, optionsOf, problemOf, toleranceUsed, type GoldenCase } from "./helpers/golden.js";

const extraDir = join(import.meta.dirname, "fixtures", "lbfgs-extra");
const index = JSON.parse(readFileSync(join(extraDir, "index.json"), "utf8")) as { cases: (string | { file?: string; id: string })[] };
const extra = index.cases
  .map((c) => (typeof c === "string" ? c : (c.file ?? `${c.id}.json`)))
  .map((f) => JSON.parse(readFileSync(join(extraDir, f), "utf8")) as GoldenCase);
const publicCases = loadCases("LBFGS");
const cases = [...publicCases, ...extra];

describe("torch.optim.LBFGS golden trajectories", () => {
  it("has the 12 public cases and the 10 extra ones", () => {
    expect(publicCases.length).toBe(12);
    expect(extra.length).toBe(10);
  });
  for (const c of cases) {
    it(`${c.id} (${c.dtype}, n=${c.size}, ${c.steps} steps, ${String(c.hyperparameters.lineSearch)})`, () => {
      const p = c.dtype === "float64" ? Param.from(Float64Array.from(c.initialParams)) : Param.from(Float32Array.from(c.initialParams));
      const opt = new LBFGS([p], optionsOf(c));
      const fg = problemOf(c);
      const r = c.dtype === "float32" ? Math.fround : (x: number) => x;
      const { rtol, atol } = c.tolerance;
      const lossTol = c.tolerance.lossRtol ?? rtol;
      let evals = 0;
      const closure = () => {
        evals++;
        return r(fg(p.data, p.grad));
      };
      const scratch = new Float64Array(c.size);
      for (let t = 0; t < c.steps; t++) {
        evals = 0;
        const loss = opt.step(closure);
        expect(evals, `closure calls in step ${t + 1}`).toBe(c.closureEvals![t]);
        expect(toleranceUsed([loss], [c.stepLosses![t]!], lossTol, atol), `loss returned by step ${t + 1}`).toBeLessThanOrEqual(1);
        expect(toleranceUsed(p.data, c.params[t]!, rtol, atol), `params after step ${t + 1}`).toBeLessThanOrEqual(1);
        const after = r(fg(p.data, scratch));
        expect(toleranceUsed([after], [c.lossAfter![t]!], lossTol, atol), `loss after step ${t + 1}`).toBeLessThanOrEqual(1);
      }
      expect(toleranceUsed(p.data, c.finalParams!, rtol, atol)).toBeLessThanOrEqual(1);
      const s = opt.state.get(p)!.scalars;
      expect(s.func_evals).toBe(c.finalState.func_evals);
      expect(s.n_iter).toBe(c.finalState.n_iter);
      opt.dispose();
      p.dispose();
    });
  }
});
