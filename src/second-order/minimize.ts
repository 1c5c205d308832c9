// minimize(fn, x0, options): unconstrained minimisation of a smooth function, like
// scipy.optimize.minimize — L-BFGS (default) or damped Newton. This file checks the
// arguments; the iteration is in driver.ts (the L-BFGS-B / libLBFGS recipe, not torch's).
import { InvalidOptionError } from "../errors.js";
import { integer, nonNegative, oneOf, optionsObject } from "../options.js";
import type { FloatArray } from "../param.js";
import { defaults, runMinimize, type IterationInfo, type MinimizeResult, type Objective, type Settings } from "./driver.js";
import { type Bounds, minimizeBounded } from "./lbfgsb.js";

/**
 * The options of {@link minimize}.
 * @typeParam A - the array type of x0 (and of the callbacks' x).
 */
export interface MinimizeOptions<A extends FloatArray = Float64Array> {
  /**
   * `"lbfgs"` or `"newton"` (needs `hessian` or `hvp`).
   * @defaultValue `"lbfgs"`
   */
  method?: "lbfgs" | "newton";
  /**
   * L-BFGS pairs kept, an integer ≥ 1.
   * @defaultValue `10`
   */
  memory?: number;
  /**
   * Converged when max |g| ≤ gradTol (the projected gradient with bounds), ≥ 0.
   * @defaultValue `1e-5`
   */
  gradTol?: number;
  /**
   * Converged when (f_prev − f) ≤ relTol · max(|f_prev|, |f|, 1) (scipy's `ftol`; 0 disables), ≥ 0.
   * @defaultValue `2.220446049250313e-9`
   */
  relTol?: number;
  /**
   * Iterations (accepted steps), an integer ≥ 1.
   * @defaultValue `15000`
   */
  maxIterations?: number;
  /**
   * Calls of fn, an integer ≥ 1.
   * @defaultValue `15000`
   */
  maxEvaluations?: number;
  /**
   * Called after every iteration with an {@link IterationInfo}; returning false stops (reason `"callback"`).
   */
  onIteration?: (info: IterationInfo<A>) => boolean | void;
  /**
   * Newton: writes the dense n × n Hessian at x into H (row-major, zero-filled on entry).
   */
  hessian?: (x: A, H: Float64Array) => void;
  /**
   * Newton-CG: writes H·v at x into out (zero-filled on entry).
   */
  hvp?: (x: A, v: Float64Array, out: Float64Array) => void;
  /**
   * Box constraints `{ lower, upper }` (numbers, or arrays of length n; ±Infinity = none):
   * runs L-BFGS-B (Byrd, Lu, Nocedal, Zhu 1995, as scipy's "L-BFGS-B"), float64 x0 only,
   * method "lbfgs" only; x0 is projected into the box; gradTol applies to the projected
   * gradient; the result has `activeBounds`. Bad bounds: InvalidOptionError naming
   * `bounds.lower[i]` / `bounds.upper[i]`, before fn is called. See docs/second-order.md.
   */
  bounds?: Bounds;
}

function fnOrUndefined(name: string, v: unknown): unknown {
  if (v !== undefined && typeof v !== "function") throw new InvalidOptionError(name, v, "a function");
  return v;
}

const checks: Record<keyof MinimizeOptions, (name: string, v: unknown) => unknown> = {
  method: oneOf("lbfgs", "newton"),
  memory: integer(1),
  gradTol: nonNegative,
  relTol: nonNegative,
  maxIterations: integer(1),
  maxEvaluations: integer(1),
  onIteration: fnOrUndefined,
  hessian: fnOrUndefined,
  hvp: fnOrUndefined,
  bounds: (_name, v) => v, // checked against x0 by minimizeBounded
};

/**
 * Minimises fn from x0. `fn(x, grad)` returns the loss at x and writes the gradient into
 * `grad` (zero-filled on entry); x and grad are views into wasm memory, valid during the
 * call only. The result's x has the dtype of x0 (a Float32Array x0 runs in float32;
 * number[] and Float64Array in float64).
 *
 * L-BFGS (default) follows the L-BFGS-B / libLBFGS recipe (Moré–Thuente line search), not
 * torch's; with `bounds` it is L-BFGS-B as scipy's `minimize(method="L-BFGS-B")`; with
 * `method: "newton"`, damped Newton or Newton-CG. The result says why it stopped
 * (`reason`, `message`); running out of iterations is a result, not an error. Oracles: scipy
 * (see [oracle versions](../../docs/oracle-versions.md)).
 *
 * @param fn - the objective: returns f(x) and writes ∇f(x) into `grad` (n elements).
 * @param x0 - the starting point (n elements); not modified.
 * @param options - see {@link MinimizeOptions}.
 * @returns the best point found and how the run ended; see {@link MinimizeResult}.
 * @throws {@link InvalidOptionError} naming the option (or `fn`, `x0`, `bounds.lower[i]`), before fn is called.
 * @throws {@link OutOfMemoryError} when the vectors do not fit in wasm memory.
 * @example
 * ```ts
 * import { minimize } from "wasm-optim";
 * const rosenbrock = (x: Float64Array, grad: Float64Array) => {
 *   const [a, b] = x;
 *   grad[0] = -2 * (1 - a) - 400 * a * (b - a * a);
 *   grad[1] = 200 * (b - a * a);
 *   return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
 * };
 * const result = minimize(rosenbrock, [-1.2, 1]);
 * console.log(result.converged, Array.from(result.x, (v) => v.toFixed(4))); // → true [ '1.0000', '1.0000' ]
 * const boxed = minimize(rosenbrock, [-1.2, 1], { bounds: { upper: 0.5 } });
 * console.log(Array.from(boxed.x, (v) => v.toFixed(4)), Array.from(boxed.activeBounds ?? [])); // → [ '0.5000', '0.2500' ] [ 1, 0 ]
 * ```
 * @see Byrd, Lu, Nocedal, Zhu, "A Limited Memory Algorithm for Bound Constrained Optimization", SIAM J. Sci. Comput. 16(5), 1995: https://doi.org/10.1137/0916069
 * @see scipy.optimize.minimize: https://docs.scipy.org/doc/scipy/reference/generated/scipy.optimize.minimize.html
 */
export function minimize(
  fn: (x: Float32Array, grad: Float32Array) => number,
  x0: Float32Array,
  options?: MinimizeOptions<Float32Array>,
): MinimizeResult<Float32Array>;
export function minimize(
  fn: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array | readonly number[],
  options?: MinimizeOptions,
): MinimizeResult;
export function minimize(
  fn: (x: never, grad: never) => number,
  x0: FloatArray | readonly number[],
  options: MinimizeOptions<never> | null = {}, // null: from JavaScript
): MinimizeResult<FloatArray> {
  if (typeof fn !== "function") throw new InvalidOptionError("fn", fn, "a function (x, grad) => loss");
  if (!(x0 instanceof Float64Array || x0 instanceof Float32Array || Array.isArray(x0))) {
    throw new InvalidOptionError("x0", x0, "a Float64Array, Float32Array or array of numbers");
  }
  for (let i = 0; i < x0.length; i++) {
    if (!Number.isFinite(x0[i])) throw new InvalidOptionError(`x0[${i}]`, x0[i], "a finite number");
  }
  options = optionsObject(options, "options", Object.keys(checks) as (keyof MinimizeOptions)[]); // own, known keys only
  const settings: Settings = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    const check = (checks as Record<string, (name: string, v: unknown) => unknown>)[key]!;
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = check(key, value);
  }
  const newton = settings.method === "newton";
  if (options.bounds !== undefined) {
    if (newton || options.hessian || options.hvp)
      throw new InvalidOptionError("bounds", 'with method "newton"', 'method "lbfgs" (bounds run L-BFGS-B)');
    return minimizeBounded(
      fn as (x: Float64Array, grad: Float64Array) => number,
      x0 as Float64Array | readonly number[],
      options.bounds,
      settings,
    );
  }
  if (newton && !options.hessian && !options.hvp)
    throw new InvalidOptionError("hessian", undefined, 'a function (x, H) => void (or hvp) for method "newton"');
  if (newton && options.hessian && options.hvp)
    throw new InvalidOptionError("hvp", options.hvp, "no hvp when hessian is given (one or the other)");
  const start = x0 instanceof Float32Array ? x0 : Float64Array.from(x0);
  const objective: Objective = {
    fn: fn as Objective["fn"],
    hessian: (options.hessian as Objective["hessian"]) ?? null,
    hvp: (options.hvp as Objective["hvp"]) ?? null,
  };
  return runMinimize(objective, start, settings);
}
