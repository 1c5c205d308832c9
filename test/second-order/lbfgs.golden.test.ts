// Replays the torch.optim.LBFGS golden cases in test/fixtures/lbfgs (the 12 public ones, listed
// in test/registry.ts) and test/fixtures/lbfgs/extra (10 more made with the same generator and torch 1.13: longer
// strong-Wolfe runs, large lr, tolerance stops, history eviction; see its config.json)
// through the public API: exact closure-evaluation counts per step, the loss each step()
// returns (the loss at its start), the params after every step, the loss there (evaluated
// outside the optimizer) and torch's final func_evals / n_iter.
import { describe, expect, it } from "vitest";
import { LBFGS, Param } from "../../src/index.js";
import { loadCase, loadIndexed, optionsOf, problemOf, toleranceUsed } from "../helpers/golden.js";
import { infoOf } from "../registry.js";

const extra = loadIndexed("lbfgs/extra");
const publicCases = infoOf("LBFGS").goldens.map((id) => loadCase("lbfgs", id));
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
