// The race on a surface: every racer from the same start, one 2-element float64 Param
// each, the gradient written straight into the Param's grad view by the closure.
import { Param } from "../index.js";
import type { Racer } from "./racers.js";
import type { Surface, Vec2 } from "./surfaces.js";

export interface Trajectory {
  readonly racer: Racer;
  /** The start, then the position after each step. */
  readonly points: Vec2[];
  /** true when the racer left the neighbourhood of the drawn region (or overflowed) and was stopped. */
  readonly escaped: boolean;
  /** The first step after which the racer was outside the drawn region, or null if it stayed inside. */
  readonly exitStep: number | null;
  /** f at the last point. */
  readonly final: number;
}

/** How far outside the drawn region (in region widths) a racer may go before it is stopped. */
const LEASH = 3;

/** Runs every racer that applies for `steps` steps from the surface's start. */
export function race(surface: Surface, racers: readonly Racer[], steps: number): Trajectory[] {
  const out: Trajectory[] = [];
  const [x0, x1] = surface.xRange, [y0, y1] = surface.yRange;
  const w = x1 - x0, h = y1 - y0;
  const outside = (x: number, y: number): boolean =>
    !Number.isFinite(x) || !Number.isFinite(y) || x < x0 - LEASH * w || x > x1 + LEASH * w || y < y0 - LEASH * h || y > y1 + LEASH * h;
  for (const racer of racers) {
    const p = Param.from(Float64Array.of(...surface.start));
    const at = p.data, grad = p.grad;
    const hessian = (): Float64Array => {
      const [a, b, c] = surface.hessian(at[0]!, at[1]!);
      return Float64Array.of(a, b, b, c);
    };
    const opt = racer.make([p], { ...surface.tuning, hessian });
    if (!opt) {
      p.dispose();
      continue;
    }
    const closure = (): number => {
      const [gx, gy] = surface.grad(at[0]!, at[1]!);
      grad[0] = gx;
      grad[1] = gy;
      return surface.f(at[0]!, at[1]!);
    };
    const points: Vec2[] = [[at[0]!, at[1]!]];
    let escaped = false;
    let exitStep: number | null = null;
    for (let t = 0; t < steps && !escaped; t++) {
      opt.step(closure, t, steps);
      const x = at[0]!, y = at[1]!;
      escaped = outside(x, y);
      if (exitStep === null && !(x >= x0 && x <= x1 && y >= y0 && y <= y1)) exitStep = t + 1;
      if (Number.isFinite(x) && Number.isFinite(y)) points.push([x, y]);
    }
    const [xl, yl] = points[points.length - 1]!;
    out.push({ racer, points, escaped, exitStep, final: surface.f(xl, yl) });
    opt.dispose?.();
    p.dispose();
  }
  return out;
}
