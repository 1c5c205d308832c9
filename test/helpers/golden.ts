// Loads the PyTorch golden cases in test/fixtures/{optimizers,lbfgs} and evaluates their problems, in the
// case's precision (float32: rounded after every operation, as torch computes them).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Tolerance {
  rtol: number;
  atol: number;
  lossRtol?: number;
  stateRtol?: number;
}

export interface GoldenCase {
  id: string;
  optimizer: string;
  dtype: "float32" | "float64";
  hyperparameters: Record<string, unknown>;
  regime: "open" | "closed";
  problem: null | { type: string; a?: number[]; b?: number[]; A?: number[][] };
  size: number;
  /** Adafactor, Muon: the param's shape (arrays are flat, row-major). */
  shape?: number[];
  steps: number;
  tolerance: Tolerance;
  initialParams: number[];
  grads?: number[][];
  recordedSteps: number[];
  params: number[][];
  evalParams?: number[][];
  losses?: number[];
  stepLosses?: number[];
  lossAfter?: number[];
  closureEvals?: number[];
  finalParams?: number[];
  finalState: Record<string, unknown>;
}

/** Where the golden cases live: first-order in `optimizers`, L-BFGS in `lbfgs` (+ `lbfgs/extra`). */
export const fixtureDir = (...sub: string[]): string => join(import.meta.dirname, "..", "fixtures", ...sub);

/** One case by id from a fixture folder (e.g. `loadCase("optimizers", "adam_closed")`). */
export function loadCase(folder: string, id: string): GoldenCase {
  return JSON.parse(readFileSync(join(fixtureDir(folder), `${id}.json`), "utf8")) as GoldenCase;
}

/** Every case a folder's index.json lists (the folder may hold other files: configs, indexes). */
export function loadIndexed(folder: string): GoldenCase[] {
  const index = JSON.parse(readFileSync(join(fixtureDir(folder), "index.json"), "utf8")) as {
    cases: (string | { id: string; file?: string })[];
  };
  return index.cases
    .map((c) => (typeof c === "string" ? c : (c.file ?? `${c.id}.json`)))
    .map((f) => JSON.parse(readFileSync(join(fixtureDir(folder), f), "utf8")) as GoldenCase);
}

/** The case's options as the library takes them. */
export function optionsOf(c: GoldenCase): Record<string, unknown> {
  const h = { ...c.hyperparameters };
  if (c.optimizer === "LBFGS") h.lineSearch ??= "none"; // torch's line_search_fn=None; "strong_wolfe" is taken as is
  return h;
}

/** f(x) with its gradient written to g, for a closed-loop case. */
export function problemOf(c: GoldenCase): (x: ArrayLike<number>, g: { [i: number]: number }) => number {
  const r = c.dtype === "float32" ? Math.fround : (x: number) => x;
  const P = c.problem!;
  if (P.type === "quadratic") {
    const a = P.a!,
      b = P.b!;
    return (x, g) => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        const d = r(x[i]! - b[i]!);
        g[i] = r(a[i]! * d);
        f += 0.5 * a[i]! * d * d;
      }
      return f;
    };
  }
  if (P.type === "rosenbrock") {
    return (x, g) => {
      let f = 0;
      for (let i = 0; i < x.length; i += 2) {
        const u = x[i]!,
          w = x[i + 1]!;
        const r1 = r(w - r(u * u)),
          r0 = r(1 - u);
        g[i] = r(r(r(-400 * u) * r1) - r(2 * r0));
        g[i + 1] = r(200 * r1);
        f += 100 * r1 * r1 + r0 * r0;
      }
      return f;
    };
  }
  if (P.type === "denseQuadratic") {
    const A = P.A!,
      b = P.b!;
    return (x, g) => {
      let f = 0;
      for (let i = 0; i < b.length; i++) {
        let s = 0;
        for (let j = 0; j < b.length; j++) s += A[i]![j]! * x[j]!;
        g[i] = r(s - b[i]!);
        f += 0.5 * x[i]! * s - b[i]! * x[i]!;
      }
      return f;
    };
  }
  throw new Error(`unknown problem ${P.type}`);
}

/** Largest share of the elementwise tolerance |a - b| <= atol + rtol*|b| used (> 1 fails). */
export function toleranceUsed(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number): number {
  if (got.length !== want.length) return Infinity;
  let used = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!);
    if (!(e <= e)) return Infinity;
    used = Math.max(used, e / (atol + rtol * Math.abs(want[i]!)));
  }
  return used;
}

/** Normwise state comparison: max|a - b| / (stateRtol * max|b|) (> 1 fails). */
export function stateToleranceUsed(got: ArrayLike<number>, want: ArrayLike<number>, stateRtol: number): number {
  if (got.length !== want.length) return Infinity;
  let e = 0,
    s = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (!(d <= d)) return Infinity;
    e = Math.max(e, d);
    s = Math.max(s, Math.abs(want[i]!));
  }
  return s > 0 ? e / (stateRtol * s) : e === 0 ? 0 : Infinity;
}
