// The race on a surface: every racer from the same start, one 2-element float64 Param
// each, the gradient written straight into the Param's grad view by the closure. Each run
// is classified honestly: diverged (non-finite, or far outside the picture: never ranked),
// left the picture, or finished inside; and its step count is the steps that moved it.
import { Param } from "wasm-optim";
import type { Racer } from "./racers.js";
import type { Surface, Vec2 } from "./surfaces.js";

export interface Trajectory {
  readonly racer: Racer;
  /** The start, then the position after each step (finite points only). */
  readonly points: Vec2[];
  /**
   * The step after which the racer was non-finite or more than LEASH region widths outside
   * the drawn region (it was stopped there), or null. A diverged run is never ranked.
   */
  readonly divergedStep: number | null;
  /** The first step after which the racer was outside the drawn region, or null if it stayed inside. */
  readonly exitStep: number | null;
  /** The steps that moved it: the last step that changed its position (0 if none did). */
  readonly steps: number;
  /** f at the last finite point. */
  readonly final: number;
}

/** How far outside the drawn region (in region widths) a racer may go before it is stopped as diverged. */
export const LEASH = 3;

/** Whether (x, y) is inside the drawn region (edges included). */
export function inside(s: Surface, [x, y]: Vec2): boolean {
  return x >= s.xRange[0] && x <= s.xRange[1] && y >= s.yRange[0] && y <= s.yRange[1];
}

/**
 * The part of segment a→b inside the region, as parameters [t0, t1] of a + t (b − a),
 * or null if it misses the region (Liang–Barsky).
 */
export function clipSegment(s: Surface, a: Vec2, b: Vec2): [number, number] | null {
  let t0 = 0,
    t1 = 1;
  const d = [b[0] - a[0], b[1] - a[1]] as const;
  const lo = [s.xRange[0], s.yRange[0]],
    hi = [s.xRange[1], s.yRange[1]];
  for (let k = 0; k < 2; k++) {
    for (const [p, q] of [
      [-d[k]!, a[k]! - lo[k]!],
      [d[k]!, hi[k]! - a[k]!],
    ] as const) {
      if (p === 0) {
        if (q < 0) return null;
      } else {
        const r = q / p;
        if (p < 0) t0 = Math.max(t0, r);
        else t1 = Math.min(t1, r);
      }
    }
  }
  return t0 <= t1 ? [t0, t1] : null;
}

/** The point where the path first crosses the frame going out, or null if it never leaves. */
export function exitPoint(s: Surface, t: Trajectory): Vec2 | null {
  if (t.exitStep === null) return null;
  const a = t.points[t.exitStep - 1]!;
  const b = t.points[t.exitStep];
  if (!b) return a; // the step that left was not finite: the last finite point marks it
  const c = clipSegment(s, a, b);
  const u = c ? c[1] : 0;
  return [a[0] + u * (b[0] - a[0]), a[1] + u * (b[1] - a[1])];
}

/**
 * The racer's f on the race course (the picture): at its last point if that is inside,
 * otherwise where it last crossed the frame going out. On the saddle, whose f is unbounded
 * below, this is what keeps the scores finite and comparable.
 */
export function scoreInside(s: Surface, t: Trajectory): number {
  const last = t.points[t.points.length - 1]!;
  if (inside(s, last)) return s.f(...last);
  for (let i = t.points.length - 1; i > 0; i--) {
    const a = t.points[i - 1]!,
      b = t.points[i]!;
    if (inside(s, a)) {
      const u = clipSegment(s, a, b)![1];
      return s.f(a[0] + u * (b[0] - a[0]), a[1] + u * (b[1] - a[1]));
    }
  }
  return Infinity; // never inside (it cannot happen: every race starts inside)
}

/** The run with the lowest scoreInside among those that did not diverge, or undefined. */
export function winner(s: Surface, runs: readonly Trajectory[]): { run: Trajectory; f: number } | undefined {
  let best: { run: Trajectory; f: number } | undefined;
  for (const run of runs) {
    if (run.divergedStep !== null) continue;
    const f = scoreInside(s, run);
    if (Number.isFinite(f) && (!best || f < best.f)) best = { run, f };
  }
  return best;
}

/** Runs every racer that applies for `steps` steps from the surface's start. */
export function race(surface: Surface, racers: readonly Racer[], steps: number): Trajectory[] {
  const out: Trajectory[] = [];
  const [x0, x1] = surface.xRange,
    [y0, y1] = surface.yRange;
  const w = x1 - x0,
    h = y1 - y0;
  const runaway = (x: number, y: number): boolean =>
    !Number.isFinite(x) ||
    !Number.isFinite(y) ||
    !Number.isFinite(surface.f(x, y)) ||
    x < x0 - LEASH * w ||
    x > x1 + LEASH * w ||
    y < y0 - LEASH * h ||
    y > y1 + LEASH * h;
  for (const racer of racers) {
    const p = Param.from(Float64Array.of(...surface.start));
    // p.data / p.grad read afresh at each use: without shared memory (a page that is not
    // cross-origin isolated) a memory growth detaches the views made before it
    const at = (i: number): number => p.data[i]!;
    const hessian = (): Float64Array => {
      const [a, b, c] = surface.hessian(at(0), at(1));
      return Float64Array.of(a, b, b, c);
    };
    const opt = racer.make([p], { ...surface.tuning, hessian });
    if (!opt) {
      p.dispose();
      continue;
    }
    const closure = (): number => {
      const [gx, gy] = surface.grad(at(0), at(1));
      p.grad.set([gx, gy]);
      return surface.f(at(0), at(1));
    };
    const points: Vec2[] = [[at(0), at(1)]];
    let divergedStep: number | null = null;
    let exitStep: number | null = null;
    let moved = 0;
    for (let t = 1; t <= steps && divergedStep === null; t++) {
      opt.step(closure, t - 1, steps);
      const x = at(0),
        y = at(1);
      const [px, py] = points[points.length - 1]!;
      if (x !== px || y !== py) moved = t;
      if (exitStep === null && !(x >= x0 && x <= x1 && y >= y0 && y <= y1)) exitStep = t;
      if (runaway(x, y)) divergedStep = t;
      if (Number.isFinite(x) && Number.isFinite(y)) points.push([x, y]);
    }
    const [xl, yl] = points[points.length - 1]!;
    out.push({ racer, points, divergedStep, exitStep, steps: moved, final: surface.f(xl, yl) });
    opt.dispose?.();
    p.dispose();
  }
  return out;
}
