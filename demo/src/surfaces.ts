// The classic test surfaces the optimizers race on: each with its gradient, Hessian, the
// region drawn, the common start, where the minimum is, and the step sizes that suit it.
import { logLevels } from "./contour.js";
import type { Tuning } from "./racers.js";

export type Vec2 = readonly [number, number];

export interface Surface {
  /** File name stem: ravine, saddle, beale, rosenbrock. */
  readonly id: string;
  readonly title: string;
  /** The formula as shown in the picture. */
  readonly formula: string;
  f(x: number, y: number): number;
  grad(x: number, y: number): Vec2;
  /** [fxx, fxy, fyy] */
  hessian(x: number, y: number): readonly [number, number, number];
  readonly xRange: Vec2;
  readonly yRange: Vec2;
  readonly start: Vec2;
  /** The global minimum, or for the saddle the saddle point. */
  readonly minimum: Vec2;
  readonly minimumLabel: string;
  /** The f values of the contour lines drawn (log-spaced for Beale and Rosenbrock). */
  readonly levels: readonly number[];
  /** Race length at full size. */
  readonly steps: number;
  readonly tuning: Tuning;
}

/** f = 0.05 x^2 + 2 y^2: curvature 0.1 along x and 4 across, a condition number of 40. */
const ravine: Surface = {
  id: "ravine",
  title: "Elongated ravine",
  formula: "f(x, y) = 0.05x² + 2y²",
  f: (x, y) => 0.05 * x * x + 2 * y * y,
  grad: (x, y) => [0.1 * x, 4 * y],
  hessian: () => [0.1, 0, 4],
  xRange: [-10, 2],
  yRange: [-2.5, 2.5],
  start: [-9, 2],
  minimum: [0, 0],
  minimumLabel: "minimum (0, 0)",
  // evenly spaced in sqrt(f): evenly spaced ellipses
  levels: Array.from({ length: 14 }, (_, k) => 0.06 * (k + 1) ** 2),
  steps: 150,
  // lr 0.45: SGD zig-zags across the ravine (curvature 4: each step flips y and keeps 80% of it);
  // momentum at the same effective step, lr (1 - 0.9), averages the zig-zag away
  tuning: { lr: 0.45, momentumLr: 0.045, stepSize: 0.2 },
};

/** f = x^2 - y^2, started just off the x axis: gradient descent creeps out of the saddle. */
const saddle: Surface = {
  id: "saddle",
  title: "Saddle",
  formula: "f(x, y) = x² − y²",
  f: (x, y) => x * x - y * y,
  grad: (x, y) => [2 * x, -2 * y],
  hessian: () => [2, 0, -2],
  xRange: [-2, 2],
  yRange: [-2, 2],
  start: [-1.9, 1e-3],
  minimum: [0, 0],
  minimumLabel: "saddle point (0, 0)",
  levels: Array.from({ length: 17 }, (_, k) => -4 + 0.5 * k),
  steps: 120,
  tuning: { lr: 0.05, momentumLr: 0.05, stepSize: 0.05 },
};

/** Beale's function, minimum 0 at (3, 0.5), with steep walls and a flat curved valley. */
const beale: Surface = {
  id: "beale",
  title: "Beale's function",
  formula: "f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
  f(x, y) {
    const a = 1.5 - x + x * y,
      b = 2.25 - x + x * y * y,
      c = 2.625 - x + x * y * y * y;
    return a * a + b * b + c * c;
  },
  grad(x, y) {
    const a = 1.5 - x + x * y,
      b = 2.25 - x + x * y * y,
      c = 2.625 - x + x * y * y * y;
    return [2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1), 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y];
  },
  hessian(x, y) {
    const a = 1.5 - x + x * y,
      b = 2.25 - x + x * y * y,
      c = 2.625 - x + x * y * y * y;
    const ax = y - 1,
      bx = y * y - 1,
      cx = y * y * y - 1;
    const ay = x,
      by = 2 * x * y,
      cy = 3 * x * y * y;
    return [
      2 * (ax * ax + bx * bx + cx * cx),
      2 * (ax * ay + bx * by + cx * cy) + 2 * (a + b * 2 * y + c * 3 * y * y),
      2 * (ay * ay + by * by + cy * cy) + 2 * (b * 2 * x + c * 6 * x * y),
    ];
  },
  xRange: [-1, 4.5],
  yRange: [-1.5, 2.5],
  start: [1, 1.5],
  minimum: [3, 0.5],
  minimumLabel: "minimum (3, 0.5)",
  levels: logLevels(0.01, 300, 24),
  steps: 600,
  tuning: { lr: 0.002, momentumLr: 0.002, stepSize: 0.02 },
};

/** Rosenbrock's banana: minimum 0 at (1, 1) at the end of a long, flat, curved valley. */
const rosenbrock: Surface = {
  id: "rosenbrock",
  title: "Rosenbrock's function",
  formula: "f(x, y) = (1 − x)² + 100(y − x²)²",
  f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  grad: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  hessian: (x, y) => [2 - 400 * (y - x * x) + 800 * x * x, -400 * x, 200],
  xRange: [-2, 2],
  yRange: [-1, 3],
  start: [-1.2, 1],
  minimum: [1, 1],
  minimumLabel: "minimum (1, 1)",
  levels: logLevels(0.03, 2500, 20),
  steps: 3000,
  // lr 0.001: near the largest stable step at the start (curvature about 1300 across the valley)
  tuning: { lr: 0.001, momentumLr: 0.001, stepSize: 0.01 },
};

export const SURFACES: readonly Surface[] = [ravine, saddle, beale, rosenbrock];
