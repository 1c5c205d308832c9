// Types of problems.mjs (plain JS, shared with bench/second-order.bench.mjs).

/** An unconstrained test problem in float64: f and its gradient, optionally the dense Hessian. */
export interface Problem {
  name: string;
  /** Number of variables. */
  n: number;
  /** The standard starting point (a fresh array each call). */
  x0(): Float64Array;
  /** f(x), writing the gradient into g. */
  fg(x: ArrayLike<number>, g: { [i: number]: number }): number;
  /** The n x n Hessian at x, row-major into H. */
  hessian?(x: ArrayLike<number>, H: { [i: number]: number }): void;
  /** The known minimum value, when there is one. */
  fStar?: number;
}

/** A problem with its dense Hessian. */
export type WithHessian = Problem & Required<Pick<Problem, "hessian">>;

/** A seeded uniform generator on [0, 1) (splitmix32) and Box–Muller normals. */
export function rng(seed: number): { next(): number; normal(): number };
export const rosenbrock2: WithHessian;
export const beale: WithHessian;
export function extendedRosenbrock(n: number): Problem;
/** L2-regularised logistic regression on generated data (exported for scipy). */
export function logisticRegression(
  m: number,
  p: number,
  lambda?: number,
  seed?: number,
): Problem & { data: { X: Float64Array; y: Float64Array; lambda: number } };
/** A diagonal quadratic with eigenvalues 1..kappa. */
export function quadratic(n: number, kappa?: number): Problem & { data: { lam: Float64Array } };
