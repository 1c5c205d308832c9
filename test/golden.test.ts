// Replays every first-order PyTorch golden case (test/fixtures/optimizers, listed per class in
// test/registry.ts) through the public API and checks params after every recorded step, the
// losses along closed-loop runs, and the final optimizer state (torch's state names) against
// torch's numbers: the state buffers present are exactly the fixture's array-valued keys, and
// its null keys (e.g. SGD without momentum: momentum_buffer) are absent.
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";
import { FIRST_ORDER } from "./registry.js";
import { loadCase, optionsOf, problemOf, stateToleranceUsed, toleranceUsed, type GoldenCase } from "./helpers/golden.js";

type AnyOptimizer = api.Optimizer<object> & { train?: () => void; eval?: () => void; evalParams?: (p: api.Param) => ArrayLike<number> };

/**
 * A state value of `p` under torch's name: a buffer, the step count, a scalar, or a scalar
 * of p's group (e.g. Schedule-Free's k, weight_sum, lr_max).
 */
function stateValue(opt: AnyOptimizer, p: api.Param, key: string): ArrayLike<number> | number | undefined {
  const s = opt.state.get(p);
  if (!s) return undefined;
  const buf = s.buffers.get(key);
  if (buf) return buf.view;
  if (key === "step") return s.step;
  if (key in s.scalars) return s.scalars[key];
  const group = opt.paramGroups.find((g) => g.params.includes(p));
  return group ? opt.groupState.get(group)?.[key] : undefined;
}

/** The evaluation params: Schedule-Free's x, or ASGD's average ax (its state buffer, torch's name). */
const evalParamsOf = (opt: AnyOptimizer, p: api.Param): ArrayLike<number> =>
  opt.evalParams ? opt.evalParams(p) : (stateValue(opt, p, "ax") as ArrayLike<number>);

function replay(c: GoldenCase) {
  const Ctor = (api as unknown as Record<string, new (p: api.Param[], o: object) => AnyOptimizer>)[c.optimizer]!;
  const values = c.dtype === "float64" ? Float64Array.from(c.initialParams) : Float32Array.from(c.initialParams);
  const p = api.Param.from(values, { shape: c.shape }); // shape: Adafactor, Muon
  const opt = new Ctor([p], optionsOf(c));
  const f = c.regime === "closed" ? problemOf(c) : null;
  const tol = c.tolerance;
  const rows = new Map(c.recordedSteps.map((s, k) => [s, k]));
  let worstParams = 0;
  let worstEval = 0;
  let worstLoss = 0;
  for (let t = 1; t <= c.steps; t++) {
    if (f) {
      const loss = f(p.data, p.grad);
      if (c.losses)
        worstLoss = Math.max(
          worstLoss,
          Math.abs(loss - c.losses[t - 1]!) / ((tol.lossRtol ?? 1e-4) * Math.abs(c.losses[t - 1]!) + tol.atol),
        );
    } else p.grad.set(c.grads![t - 1]!);
    opt.step();
    const k = rows.get(t);
    if (k !== undefined) worstParams = Math.max(worstParams, toleranceUsed(p.data, c.params[k]!, tol.rtol, tol.atol));
    if (k !== undefined && c.evalParams)
      worstEval = Math.max(worstEval, toleranceUsed(evalParamsOf(opt, p), c.evalParams[k]!, tol.rtol, tol.atol));
  }
  return { p, opt, worstParams, worstEval, worstLoss };
}

describe("PyTorch golden trajectories", () => {
  for (const c of FIRST_ORDER.flatMap((o) => o.goldens.map((id) => loadCase("optimizers", id)))) {
    it(`${c.id} (${c.optimizer}, n=${c.size}, ${c.steps} steps)`, () => {
      const { p, opt, worstParams, worstEval, worstLoss } = replay(c);
      expect(worstParams, "params: share of tolerance used").toBeLessThanOrEqual(1);
      expect(worstEval, "evalParams (every recorded step): share of tolerance used").toBeLessThanOrEqual(1);
      expect(worstLoss, "losses: share of tolerance used").toBeLessThanOrEqual(1);
      const state = opt.state.get(p)!;
      const arrays = Object.entries(c.finalState)
        .filter(([, v]) => Array.isArray(v))
        .map(([k]) => k);
      expect([...state.buffers.keys()].sort(), "state buffers: exactly torch's").toEqual(arrays.sort());
      for (const [key, want] of Object.entries(c.finalState)) {
        if (want === null) {
          expect(stateValue(opt, p, key), `state ${key} is null in torch: absent here`).toBeUndefined();
          continue;
        }
        const got = stateValue(opt, p, key);
        if (Array.isArray(want)) {
          expect(got, `state ${key}`).toBeDefined();
          expect(stateToleranceUsed(got as ArrayLike<number>, want, c.tolerance.stateRtol ?? 1e-4), `state ${key}`).toBeLessThanOrEqual(1);
        } else if (typeof want === "number" && Number.isInteger(want) && (key === "step" || key === "k")) {
          expect(got, `state ${key}`).toBe(want);
        } else if (typeof want === "number") {
          expect(Math.abs((got as number) - want), `state ${key}`).toBeLessThanOrEqual(
            (c.tolerance.stateRtol ?? 1e-4) * Math.abs(want) + 1e-12,
          );
        }
      }
      if (c.evalParams && opt.eval) {
        opt.eval();
        expect(toleranceUsed(p.data, c.evalParams[c.evalParams.length - 1]!, c.tolerance.rtol, c.tolerance.atol)).toBeLessThanOrEqual(1);
      }
      opt.dispose();
      p.dispose();
    });
  }
});
