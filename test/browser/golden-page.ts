// The browser test page's script (bundled by browser.test.ts with rolldown, "wasm-optim" left as
// an import the page's import map points at the built dist/index.js): replays PyTorch golden
// cases through the package in the page, with the same problem functions and tolerance measure
// as the Node golden tests (test/helpers/golden.ts), and reports what the page runs on.
import * as api from "wasm-optim";
import { optionsOf, problemOf, toleranceUsed, type GoldenCase } from "../helpers/golden.js";

/** The largest share of its tolerance (<= 1 passes) each comparison of one case used, and the largest absolute error. */
export interface CaseReport {
  id: string;
  params: number;
  losses: number;
  /** L-BFGS: closure calls per step equal to torch's. */
  closureEvalsMatch: boolean;
  maxAbsError: number;
}

const maxAbs = (got: ArrayLike<number>, want: ArrayLike<number>): number =>
  Array.from(want).reduce((m, w, i) => Math.max(m, Math.abs(got[i]! - w)), 0);

type Stepper = api.Optimizer<object>;

/** One case: params after every recorded step (every step for L-BFGS), and the losses torch recorded. */
function replay(c: GoldenCase): CaseReport {
  const values = c.dtype === "float64" ? Float64Array.from(c.initialParams) : Float32Array.from(c.initialParams);
  const p = api.Param.from(values);
  const Ctor = (api as unknown as Record<string, new (ps: api.Param[], o: object) => Stepper>)[c.optimizer]!;
  const opt = new Ctor([p], optionsOf(c));
  const fg = c.regime === "closed" ? problemOf(c) : null;
  const r = c.dtype === "float32" ? Math.fround : (x: number) => x;
  const { rtol, atol } = c.tolerance;
  const lossRtol = c.tolerance.lossRtol ?? rtol;
  const report: CaseReport = { id: c.id, params: 0, losses: 0, closureEvalsMatch: true, maxAbsError: 0 };
  const rows = new Map(c.recordedSteps.map((s, k) => [s, k]));
  for (let t = 1; t <= c.steps; t++) {
    if (c.optimizer === "LBFGS") {
      let evals = 0;
      const loss = opt.step(() => {
        evals++;
        return r(fg!(p.data, p.grad));
      }) as number;
      report.closureEvalsMatch &&= evals === c.closureEvals![t - 1];
      report.losses = Math.max(report.losses, toleranceUsed([loss], [c.stepLosses![t - 1]!], lossRtol, atol));
    } else if (fg) {
      const loss = fg(p.data, p.grad);
      if (c.losses) report.losses = Math.max(report.losses, toleranceUsed([loss], [c.losses[t - 1]!], lossRtol, atol));
      opt.step();
    } else {
      p.grad.set(c.grads![t - 1]!);
      opt.step();
    }
    const k = c.optimizer === "LBFGS" ? t - 1 : rows.get(t);
    if (k === undefined) continue;
    report.params = Math.max(report.params, toleranceUsed(p.data, c.params[k]!, rtol, atol));
    report.maxAbsError = Math.max(report.maxAbsError, maxAbs(p.data, c.params[k]!));
  }
  opt.dispose();
  p.dispose();
  return report;
}

/** What the page runs on: isolation, the package's memory, threads. */
function environment() {
  api.setNumThreads(2); // accepted and ignored where threads are off
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer === "function",
    sharedMemory: api.sharedMemory,
    bufferIsShared: typeof SharedArrayBuffer === "function" && api.memory.buffer instanceof SharedArrayBuffer,
    numThreads: api.getNumThreads(),
    nodeGlobals: ["process", "Buffer", "require"].filter((name) => name in globalThis),
  };
}

/**
 * Views across a memory growth: a Param's own views (p.data, p.grad, read again) keep its
 * values and step correctly; a raw typed array read before the growth stays live on shared
 * memory, and on unshared memory is detached, which step() reports as a StateError (nothing
 * stepped) instead of stepping with a lost gradient.
 */
function growth() {
  const p = api.Param.from(Float32Array.of(1, 2, 3, 4));
  const opt = new api.SGD([p], { lr: 0.5 });
  const hoisted = p.grad;
  hoisted.fill(1);
  const pagesBefore = api.memory.buffer.byteLength / 65536;
  const big = new api.Param(1 << 22); // 16 MiB: the memory grows
  const pagesAfter = api.memory.buffer.byteLength / 65536;
  let hoistedError = "";
  try {
    opt.step();
  } catch (e) {
    hoistedError = (e as Error).name;
  }
  const afterHoisted = Array.from(p.data);
  p.grad.fill(2); // read again: a live view
  opt.step();
  const result = {
    pagesBefore,
    pagesAfter,
    hoistedLength: hoisted.length,
    hoistedError,
    afterHoisted,
    afterStep: Array.from(p.data),
  };
  big.dispose();
  opt.dispose();
  p.dispose();
  return result;
}

Object.assign(globalThis, {
  wasmOptimTest: {
    async run(cases: GoldenCase[]) {
      const mod = api as { ready?: () => Promise<void> };
      if (typeof mod.ready === "function") await mod.ready();
      return { environment: environment(), cases: cases.map(replay), growth: growth() };
    },
  },
});
