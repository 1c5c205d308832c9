// minimize(fn, x0, { bounds }): L-BFGS-B (Byrd, Lu, Nocedal, Zhu 1995; the iteration of
// L-BFGS-B 3.0, the Fortran code inside scipy.optimize.minimize(method="L-BFGS-B")).
// Each iteration: the generalized Cauchy point along the projected steepest-descent path
// on the compact limited-memory model, subspace minimization over the coordinates it left
// free, then the Moré–Thuente line search (ftol 1e-3, gtol 0.9, xtol 0.1) from x toward
// that point, its step capped where the segment leaves the box. Stops when the projected
// gradient's inf-norm is <= gradTol. Float64 only. The iterate, gradient, direction and
// pairs live in wasm memory (n-length dot products are SIMD kernels); the 2m x 2m
// matrices of the compact form are plain Float64Arrays (src/second-order/cauchy.ts).
import { InvalidOptionError } from "../errors.js";
import { isArray } from "../options.js";
import type { WasmBuffer } from "../param.js";
import { vectorKernels } from "../vector.js";
import { type Box, BoundedWork, CompactBfgs, cauchyPoint, freeVariables, projectedGradientNorm, subspaceStep } from "./cauchy.js";
import { BufferPool } from "./history.js";
import { MoreThuente } from "./line-search.js";
import { type MinimizeResult, type StopReason, type StopSettings, stopAfterIteration } from "./driver.js";

/**
 * Box constraints lower <= x <= upper for minimize(). Each side is one number for every
 * coordinate or an array of length n (number[], Float64Array or Float32Array); ±Infinity
 * means no bound; a side left out is unbounded. lower = upper fixes a coordinate.
 */
export interface Bounds {
  /** The lower bounds: one number, or one per coordinate (-Infinity: none). */
  lower?: number | ArrayLike<number>;
  /** The upper bounds: one number, or one per coordinate (+Infinity: none). */
  upper?: number | ArrayLike<number>;
}

/** The options of minimize() that L-BFGS-B uses (already validated by minimize). */
export interface BoundedSettings extends StopSettings<Float64Array> {
  memory: number;
}

const MESSAGES: Record<StopReason, string> = {
  gradTol: "converged: max |projected gradient| <= gradTol",
  relTol: "converged: relative reduction of the loss <= relTol",
  maxIterations: "stopped: maxIterations reached",
  maxEvaluations: "stopped: maxEvaluations reached",
  callback: "stopped by onIteration",
  lineSearch:
    "stopped: the line search found no acceptable step, even from the projected steepest-descent Cauchy point (limit of floating-point precision, or a gradient that does not match the loss)",
  nonFinite: "stopped: the loss or gradient is not finite (at x0, or at every point the line search tried)",
};

/** Evaluations per line search (L-BFGS-B's and scipy's maxls). */
const MAX_LS = 20;
/** The step cap when nothing bounds the segment (L-BFGS-B's `big`). */
const BIG = 1e10;

function boundSide(name: string, v: unknown, n: number, fill: number): Float64Array {
  if (v === undefined) return new Float64Array(n).fill(fill);
  if (typeof v === "number") {
    if (Number.isNaN(v)) throw new InvalidOptionError(name, v, "a number or an array of numbers (±Infinity for none), not NaN");
    return new Float64Array(n).fill(v);
  }
  if (!(Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array)) {
    throw new InvalidOptionError(name, v, "a number or an array of numbers (number[], Float64Array, Float32Array)");
  }
  if (v.length !== n) throw new InvalidOptionError(name, `an array of length ${v.length}`, `an array of length ${n} (the length of x0)`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b: unknown = v[i];
    if (typeof b !== "number" || Number.isNaN(b))
      throw new InvalidOptionError(`${name}[${i}]`, b, "a number (±Infinity for none), not NaN");
    out[i] = b;
  }
  return out;
}

/**
 * Validates `bounds` for an x0 of length n and returns the box with L-BFGS-B's bound kinds.
 * Throws InvalidOptionError naming `bounds`, `bounds.lower[i]` or `bounds.upper[i]`.
 */
export function checkBounds(bounds: unknown, n: number): Box {
  if (bounds === null || typeof bounds !== "object" || Array.isArray(bounds))
    throw new InvalidOptionError("bounds", bounds, "an object { lower, upper }");
  for (const key of Object.keys(bounds)) {
    if (key !== "lower" && key !== "upper")
      throw new InvalidOptionError(`bounds.${key}`, (bounds as Record<string, unknown>)[key], "only lower and upper");
  }
  const { lower: lo, upper: up } = bounds as Bounds;
  const lower = boundSide("bounds.lower", lo, n, -Infinity);
  const upper = boundSide("bounds.upper", up, n, Infinity);
  const kind = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const l = lower[i]!,
      u = upper[i]!;
    if (l === Infinity) throw new InvalidOptionError(`bounds.lower[${i}]`, l, "a number < Infinity");
    if (u === -Infinity) throw new InvalidOptionError(`bounds.upper[${i}]`, u, "a number > -Infinity");
    if (!(l <= u)) throw new InvalidOptionError(`bounds.lower[${i}]`, l, `a number <= bounds.upper[${i}] = ${u}`);
    kind[i] = l > -Infinity ? (u < Infinity ? 2 : 1) : u < Infinity ? 3 : 0;
  }
  return { lower, upper, kind };
}

/** minimize()'s result with bounds: which coordinates end on a bound. */
export interface BoundedResult extends MinimizeResult {
  /** Per coordinate: -1 at its lower bound, +1 at its upper bound (x_i equal to it), 0 strictly inside (a fixed coordinate, lower = upper, is -1). */
  activeBounds: Int8Array;
}

/**
 * L-BFGS-B behind minimize(fn, x0, { bounds }) (options validated by minimize; `bounds` is
 * checked here, before fn is ever called). x0 is projected into the box first. The
 * result's `gradNorm` is the projected gradient's inf-norm.
 */
export function minimizeBounded(
  fn: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array | readonly number[],
  bounds: unknown,
  s: BoundedSettings,
): BoundedResult {
  if (!(x0 instanceof Float64Array || isArray(x0)))
    throw new InvalidOptionError("x0", x0, "a Float64Array or array of numbers (bounds run in float64)");
  const n = x0.length;
  const box = checkBounds(bounds, n);
  // Every vector is the pool's: one dispose() in `finally` frees each once, whatever fails.
  const buffers = new BufferPool<Float64Array>("float64", n);
  try {
    return iterateBounded(fn, x0, box, s, buffers);
  } finally {
    buffers.dispose();
  }
}

function iterateBounded(
  fn: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array | readonly number[],
  box: Box,
  s: BoundedSettings,
  buffers: BufferPool<Float64Array>,
): BoundedResult {
  const n = buffers.n;
  const { lower, upper, kind } = box;
  const K = vectorKernels.float64;
  const constrained = kind.some((k) => k !== 0);
  const boxed = kind.every((k) => k === 2);
  const where = new Int8Array(n);
  for (let i = 0; i < n; i++) where[i] = kind[i] === 0 ? -1 : kind[i] === 2 && upper[i]! - lower[i]! <= 0 ? 3 : 0;
  const m = s.memory;
  const B = new CompactBfgs(m);
  const work = new BoundedWork(n, m);
  const pairs: { s: WasmBuffer<Float64Array>; y: WasmBuffer<Float64Array> }[] = [];
  // x, g: the iterate and its gradient; xt, gt: the line search's trial; z: Cauchy point, then the subspace minimiser; d = z - x
  const taken = buffers.takeMany(6) as [
    WasmBuffer<Float64Array>,
    WasmBuffer<Float64Array>,
    WasmBuffer<Float64Array>,
    WasmBuffer<Float64Array>,
    WasmBuffer<Float64Array>,
    WasmBuffer<Float64Array>,
  ];
  let [x, g, xt, gt] = taken;
  const [, , , , z, d] = taken;
  let evaluations = 0,
    iterations = 0;
  let f = NaN,
    pgNorm = NaN;
  const dot = (a: Float64Array, b: Float64Array): number => K.dot(a.byteOffset, b.byteOffset, n);
  const call = (xb: WasmBuffer<Float64Array>, gb: WasmBuffer<Float64Array>): number => {
    evaluations++;
    const grad = gb.view;
    grad.fill(0);
    const loss = fn(xb.view, grad);
    if (typeof loss !== "number") throw new InvalidOptionError("fn", loss, "a function (x, grad) => loss returning a number");
    return loss;
  };
  /** Points the compact matrix at the pairs' current views (a view is re-made after memory growth). */
  const refresh = (): void => {
    B.s = pairs.map((p) => p.s.view);
    B.y = pairs.map((p) => p.y.view);
  };
  const forget = (): void => {
    for (const p of pairs.splice(0)) {
      buffers.give(p.s);
      buffers.give(p.y);
    }
    B.reset();
  };
  const result = (reason: StopReason): BoundedResult => {
    const xv = new Float64Array(x.view);
    const activeBounds = new Int8Array(n);
    for (let i = 0; i < n; i++) activeBounds[i] = xv[i] === lower[i] ? -1 : xv[i] === upper[i] ? 1 : 0;
    return {
      x: xv,
      loss: f,
      gradNorm: pgNorm,
      iterations,
      evaluations,
      converged: reason === "gradTol" || reason === "relTol",
      reason,
      message: MESSAGES[reason],
      activeBounds,
    };
  };
  const xv0 = x.view;
  for (let i = 0; i < n; i++) xv0[i] = Math.min(Math.max(x0[i]!, lower[i]!), upper[i]!);
  f = call(x, g);
  pgNorm = projectedGradientNorm(x.view, g.view, box);
  if (!Number.isFinite(f) || !Number.isFinite(pgNorm)) return result("nonFinite");
  if (pgNorm <= s.gradTol) return result("gradTol");
  for (;;) {
    // the point z to move toward: Cauchy point + subspace minimization (unconstrained
    // problems with a memory skip the Cauchy point: z = x, every coordinate free)
    const xv = x.view,
      gv = g.view,
      zv = z.view;
    refresh();
    let nfree: number;
    if (!constrained && B.col > 0) {
      zv.set(xv);
      work.c.fill(0);
      nfree = freeVariables(where, work);
    } else {
      cauchyPoint(xv, gv, box, where, pgNorm, B, zv, work);
      nfree = freeVariables(where, work);
    }
    if (nfree > 0 && B.col > 0 && !subspaceStep(xv, gv, box, B, zv, work)) {
      forget();
      continue;
    }
    K.axpby(d.ptr, z.ptr, x.ptr, n, 1, -1);

    // line search along d, the step capped at the box
    const dtd = K.sumsq(d.ptr, n);
    let stpmx = BIG;
    if (constrained) {
      if (iterations === 0) stpmx = 1;
      else {
        const dv = d.view;
        for (let i = 0; i < n; i++) {
          const a1 = dv[i]!,
            k = kind[i]!;
          if (k === 0) continue;
          if (a1 < 0 && k <= 2) {
            const a2 = lower[i]! - xv[i]!;
            if (a2 >= 0) stpmx = 0;
            else if (a1 * stpmx < a2) stpmx = a2 / a1;
          } else if (a1 > 0 && k >= 2) {
            const a2 = upper[i]! - xv[i]!;
            if (a2 <= 0) stpmx = 0;
            else if (a1 * stpmx > a2) stpmx = a2 / a1;
          }
        }
      }
    }
    const t0 = iterations === 0 && !boxed ? Math.min(1 / Math.sqrt(dtd), stpmx) : 1;
    const gd = K.dot(g.ptr, d.ptr, n);
    const ls = new MoreThuente(1e-3, 0.9, 0.1, 0, stpmx);
    let status = gd < 0 && stpmx > 0 ? ls.start(f, gd, t0) : "error";
    let ft = NaN,
      gdt = NaN,
      nonFinite = false,
      trials = 0;
    while (status === "evaluate" && trials < MAX_LS) {
      if (evaluations >= s.maxEvaluations) return result("maxEvaluations");
      trials++;
      const t = ls.t;
      if (t === 1) K.copy(xt.ptr, z.ptr, n);
      else K.axpby(xt.ptr, x.ptr, d.ptr, n, 1, t);
      const xtv = xt.view;
      for (let i = 0; i < n; i++) if (kind[i] !== 0) xtv[i] = Math.min(Math.max(xtv[i]!, lower[i]!), upper[i]!); // rounding of x + t d
      ft = call(xt, gt);
      gdt = Number.isFinite(ft) ? K.dot(gt.ptr, d.ptr, n) : NaN;
      nonFinite = !Number.isFinite(gdt);
      status = nonFinite ? ls.exclude() : ls.next(ft, gdt);
    }
    const stp = ls.t;
    const accepted = trials > 0 && !nonFinite && (status === "converged" || (status === "warning" && ft <= f));
    if (!accepted) {
      if (B.col > 0) {
        forget(); // L-BFGS-B: refresh the memory and restart from the Cauchy point
        continue;
      }
      return result(nonFinite ? "nonFinite" : Number.isFinite(gd) ? "lineSearch" : "nonFinite");
    }

    // accept the trial point
    iterations++;
    const fPrev = f;
    [x, xt] = [xt, x];
    [g, gt] = [gt, g];
    f = ft;
    pgNorm = projectedGradientNorm(x.view, g.view, box);
    const stop = stopAfterIteration(s, { iteration: iterations, loss: f, gradNorm: pgNorm, evaluations, x: x.view }, fPrev);
    if (stop) return result(stop);

    // the pair s = stp d, y = g - g_old, kept when s'y > eps * |s'g_old|
    const sy = (gdt - gd) * stp;
    if (!(sy > 2 ** -52 * -gd * stp)) continue;
    if (B.col === m) {
      B.dropOldest();
      const old = pairs.shift()!;
      buffers.give(old.s);
      buffers.give(old.y);
    }
    const [sb, yb] = buffers.takeMany(2) as [WasmBuffer<Float64Array>, WasmBuffer<Float64Array>];
    K.scale(sb.ptr, d.ptr, n, stp);
    K.copy(yb.ptr, g.ptr, n);
    const yy = K.axpbyDot(yb.ptr, gt.ptr, yb.ptr, n, 1, -1); // y = g - g_old, returns y'y
    refresh();
    if (B.push(sb.view, yb.view, stp * stp * dtd, sy, yy, dot)) pairs.push({ s: sb, y: yb });
    else {
      buffers.give(sb);
      buffers.give(yb);
      forget();
    }
  }
}
