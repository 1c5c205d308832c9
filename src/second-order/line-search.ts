// Line searches along x(t) = x0 + t*d, over scalars only: the caller evaluates the
// objective at a step t (and keeps the gradient), the search decides the next t.
//
// - TorchStrongWolfe: torch.optim.lbfgs._strong_wolfe (1.13), op for op, for LBFGS.
// - MoreThuente: the Moré–Thuente search of MINPACK-2 (dcsrch / dcstep), the one inside
//   scipy's L-BFGS-B and libLBFGS, for minimize() and Newton.

/**
 * A scalar of torch's line search: a Python float (`tensor` false: float64 arithmetic) or a
 * 0-dim tensor of the params' dtype (`tensor` true: its value is already rounded to the dtype).
 */
export interface TorchScalar {
  readonly v: number;
  readonly tensor: boolean;
}

/** A Python float. */
export function float(v: number): TorchScalar {
  return { v, tensor: false };
}

/**
 * Python's arithmetic on floats and 0-dim tensors, as torch 1.13 does it on the CPU: an
 * operation with a tensor operand rounds a Python float operand to the tensor's dtype, computes
 * in that dtype and gives a tensor; `float / tensor` is `tensor.reciprocal() * float`
 * (Tensor.__rtruediv__); comparisons with a tensor compare in its dtype; Python's min/max
 * return an operand as it is. `r` rounds to the params' dtype (Math.fround or the identity).
 */
export class TorchArith {
  constructor(readonly r: Round) {}

  #in(a: TorchScalar, tensor: boolean): number {
    return tensor && !a.tensor ? this.r(a.v) : a.v;
  }

  #op(a: TorchScalar, b: TorchScalar, f: (x: number, y: number) => number): TorchScalar {
    const tensor = a.tensor || b.tensor;
    const v = f(this.#in(a, tensor), this.#in(b, tensor));
    return { v: tensor ? this.r(v) : v, tensor };
  }

  add(a: TorchScalar, b: TorchScalar): TorchScalar {
    return this.#op(a, b, (x, y) => x + y);
  }
  sub(a: TorchScalar, b: TorchScalar): TorchScalar {
    return this.#op(a, b, (x, y) => x - y);
  }
  mul(a: TorchScalar, b: TorchScalar): TorchScalar {
    return this.#op(a, b, (x, y) => x * y);
  }
  div(a: TorchScalar, b: TorchScalar): TorchScalar {
    if (b.tensor && !a.tensor) return this.mul({ v: this.r(1 / b.v), tensor: true }, a); // b.reciprocal() * a
    return this.#op(a, b, (x, y) => x / y);
  }
  abs(a: TorchScalar): TorchScalar {
    return { v: Math.abs(a.v), tensor: a.tensor };
  }
  sqrt(a: TorchScalar): TorchScalar {
    return { v: this.r(Math.sqrt(a.v)), tensor: true };
  }
  /** a < b */
  lt(a: TorchScalar, b: TorchScalar): boolean {
    const tensor = a.tensor || b.tensor;
    return this.#in(a, tensor) < this.#in(b, tensor);
  }
  /** a <= b */
  le(a: TorchScalar, b: TorchScalar): boolean {
    const tensor = a.tensor || b.tensor;
    return this.#in(a, tensor) <= this.#in(b, tensor);
  }
  /** Python's max(a, b): b only when b > a. */
  max(a: TorchScalar, b: TorchScalar): TorchScalar {
    return this.lt(a, b) ? b : a;
  }
  /** Python's min(a, b): b only when b < a. */
  min(a: TorchScalar, b: TorchScalar): TorchScalar {
    return this.lt(b, a) ? b : a;
  }

  /**
   * torch's cubic interpolation (_cubic_interpolate, torch 1.13), op for op: the minimiser of
   * the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to [lo, hi] (default: between x1
   * and x2). f1, f2 are floats (the losses), g1, g2 tensors (the slopes).
   */
  cubicInterpolate(
    x1: TorchScalar,
    f1: number,
    g1: TorchScalar,
    x2: TorchScalar,
    f2: number,
    g2: TorchScalar,
    bounds?: readonly [TorchScalar, TorchScalar],
  ): TorchScalar {
    const ordered = this.le(x1, x2);
    const [xmin, xmax] = bounds ?? (ordered ? [x1, x2] : [x2, x1]);
    const d1 = this.sub(this.add(g1, g2), this.div(float(3 * (f1 - f2)), this.sub(x1, x2)));
    const d2sq = this.sub(this.mul(d1, d1), this.mul(g1, g2));
    if (this.le(float(0), d2sq)) {
      const d2 = this.sqrt(d2sq);
      const two = float(2);
      const [a, ga, b, gb] = ordered ? [x2, g2, x1, g1] : [x1, g1, x2, g2];
      const ratio = this.div(this.sub(this.add(ga, d2), d1), this.add(this.sub(ga, gb), this.mul(two, d2)));
      const minPos = this.sub(a, this.mul(this.sub(a, b), ratio));
      return this.min(this.max(minPos, xmin), xmax);
    }
    return this.div(this.add(xmin, xmax), float(2));
  }
}

/** Rounds a scalar to the params' precision (Math.fround for float32, identity for float64). */
export type Round = (x: number) => number;
const exact: Round = (x) => x;

/** What a line search needs from its caller. */
export interface LineObjective {
  /** f(x0 + t*d); the gradient there is kept in gradient slot `slot`. */
  evaluate(t: number, slot: number): number;
  /** The directional derivative g·d of the gradient in `slot`. */
  slope(slot: number): number;
}

/**
 * torch.optim.lbfgs._strong_wolfe (PyTorch 1.13): bracketing with cubic extrapolation,
 * then a zoom with cubic interpolation and torch's "insufficient progress" rule. The
 * gradients of the evaluated points live in numbered slots 0..SLOTS-1 that the caller
 * owns; the search only moves slot numbers around (no copies) and picks a free one for
 * each evaluation. Results are left in the fields `t`, `f`, `slot`, `evals`.
 */
export class TorchStrongWolfe {
  static readonly SLOTS = 6;
  /** The accepted step: a float or a 0-dim tensor, as torch's `t` (the caller keeps computing with it). */
  t: TorchScalar = float(0);
  f = 0;
  slot = 0;
  evals = 0;
  // the live slots: g0 (start), gPrev, gNew, bracket[0], bracket[1]
  readonly #live = new Int32Array(5);
  readonly #brF = new Float64Array(2);
  readonly #brG = new Int32Array(2);

  constructor(
    readonly c1 = 1e-4,
    readonly c2 = 0.9,
    readonly toleranceChange = 1e-9,
    readonly maxLs = 25,
  ) {}

  #free(): number {
    for (let s = 0; s < TorchStrongWolfe.SLOTS; s++) if (!this.#live.includes(s)) return s;
    throw new Error("unreachable: more live gradients than slots");
  }

  /**
   * Searches from (t = 0, f, gradient in slot g0, slope gtd) with first trial step t, op for
   * op as torch: the losses are floats, the slopes gtd and dNorm 0-dim tensors of the params'
   * dtype (`r` rounds to it), t a float or a tensor as the caller's (see {@link TorchArith}),
   * so a float32 loss that stalls at float32 resolution takes torch's branch and the steps are
   * torch's to the last bit where the slopes are.
   */
  search(obj: LineObjective, t0: TorchScalar, f: number, g0: number, gtd: number, dNorm: number, r: Round = exact): void {
    const { maxLs } = this;
    const T = new TorchArith(r);
    const tensor = (v: number): TorchScalar => ({ v, tensor: true });
    const gtd0 = tensor(gtd),
      norm = tensor(dNorm),
      tol = float(this.toleranceChange);
    const c1 = float(this.c1);
    // f_new > f + c1*t*gtd
    const armijoFails = (fNew: number, step: TorchScalar) => T.lt(T.add(float(f), T.mul(T.mul(c1, step), gtd0)), float(fNew));
    const curvature = T.mul(float(-this.c2), gtd0);
    const live = this.#live,
      brF = this.#brF,
      brG = this.#brG;
    const br: TorchScalar[] = [float(0), float(0)];
    const brGtd: TorchScalar[] = [gtd0, gtd0];
    live.fill(g0);
    let t = t0;
    let gNew = (live[2] = this.#free());
    let fNew = obj.evaluate(t.v, gNew);
    let evals = 1;
    let gtdNew = tensor(obj.slope(gNew));
    let tPrev = float(0),
      fPrev = f,
      gPrev = g0,
      gtdPrev = gtd0;
    let done = false;
    let lsIter = 0;
    while (lsIter < maxLs) {
      const fails = armijoFails(fNew, t) || (lsIter > 1 && fNew >= fPrev);
      if (!fails && T.le(T.abs(gtdNew), curvature)) {
        // a strong-Wolfe point: a bracket of one point
        br[0] = br[1] = t;
        brF[0] = brF[1] = fNew;
        brG[0] = brG[1] = gNew;
        done = true;
        break;
      }
      if (fails || T.le(float(0), gtdNew)) {
        br[0] = tPrev;
        br[1] = t;
        brF[0] = fPrev;
        brF[1] = fNew;
        brG[0] = gPrev;
        brG[1] = gNew;
        brGtd[0] = gtdPrev;
        brGtd[1] = gtdNew;
        break;
      }
      // extrapolate: cubic step in [t + 0.01(t - tPrev), 10t]
      const minStep = T.add(t, T.mul(float(0.01), T.sub(t, tPrev)));
      const maxStep = T.mul(t, float(10));
      const tmp = t;
      t = T.cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
      tPrev = tmp;
      fPrev = fNew;
      gPrev = live[1] = gNew;
      gtdPrev = gtdNew;
      gNew = live[2] = this.#free();
      fNew = obj.evaluate(t.v, gNew);
      evals++;
      gtdNew = tensor(obj.slope(gNew));
      lsIter++;
    }
    if (lsIter === maxLs) {
      br[0] = float(0);
      br[1] = t;
      brF[0] = f;
      brF[1] = fNew;
      brG[0] = g0;
      brG[1] = gNew;
    }
    live[3] = brG[0]!;
    live[4] = brG[1]!;
    live[1] = live[2] = g0; // gPrev and gNew live on only as bracket ends
    let insufProgress = false;
    let low = brF[0]! <= brF[1]! ? 0 : 1;
    let high = 1 - low;
    while (!done && lsIter < maxLs) {
      if (T.lt(T.mul(T.abs(T.sub(br[1]!, br[0]!)), norm), tol)) break;
      t = T.cubicInterpolate(br[0]!, brF[0]!, brGtd[0]!, br[1]!, brF[1]!, brGtd[1]!);
      // move t away from the ends when it keeps landing near one (torch's rule)
      const bmax = T.max(br[0]!, br[1]!),
        bmin = T.min(br[0]!, br[1]!);
      const eps = T.mul(float(0.1), T.sub(bmax, bmin));
      if (T.lt(T.min(T.sub(bmax, t), T.sub(t, bmin)), eps)) {
        if (insufProgress || T.le(bmax, t) || T.le(t, bmin)) {
          t = T.lt(T.abs(T.sub(t, bmax)), T.abs(T.sub(t, bmin))) ? T.sub(bmax, eps) : T.add(bmin, eps);
          insufProgress = false;
        } else insufProgress = true;
      } else insufProgress = false;
      gNew = live[2] = this.#free();
      fNew = obj.evaluate(t.v, gNew);
      evals++;
      gtdNew = tensor(obj.slope(gNew));
      lsIter++;
      if (armijoFails(fNew, t) || fNew >= brF[low]!) {
        br[high] = t;
        brF[high] = fNew;
        brG[high] = gNew;
        brGtd[high] = gtdNew;
        low = brF[0]! <= brF[1]! ? 0 : 1;
        high = 1 - low;
      } else {
        if (T.le(T.abs(gtdNew), curvature)) done = true;
        else if (T.le(float(0), T.mul(gtdNew, T.sub(br[high]!, br[low]!)))) {
          br[high] = br[low]!;
          brF[high] = brF[low]!;
          brG[high] = brG[low]!;
          brGtd[high] = brGtd[low]!;
        }
        br[low] = t;
        brF[low] = fNew;
        brG[low] = gNew;
        brGtd[low] = gtdNew;
      }
      live[3] = brG[0]!;
      live[4] = brG[1]!;
      live[2] = g0;
    }
    this.t = br[low]!;
    this.f = brF[low]!;
    this.slot = brG[low]!;
    this.evals = evals;
  }
}

/** How a Moré–Thuente search ended. */
export type SearchStatus = "evaluate" | "converged" | "warning" | "error";

/**
 * The Moré–Thuente line search (J. J. Moré and D. J. Thuente, "Line search algorithms with
 * guaranteed sufficient decrease", ACM TOMS 20, 1994), as MINPACK-2's dcsrch/dcstep: finds
 * a step satisfying the strong Wolfe conditions f(t) <= f(0) + ftol*t*f'(0) and
 * |f'(t)| <= gtol*|f'(0)|, with safeguarded cubic/quadratic interpolation. A reverse-
 * communication state machine: start() gives the first trial step, then next(f, g) with
 * the value and slope at that step returns "evaluate" (try `t`), "converged" (accept `t`),
 * "warning" (no progress possible: `t` is the last point tried) or "error".
 *
 * `exclude(t)` handles an objective that is not finite at `t`: the step is cut back toward
 * the best point so far, and no later trial goes past it.
 */
export class MoreThuente {
  t = 0;
  #brackt = false;
  #stage = 1;
  #finit = 0;
  #ginit = 0;
  #gtest = 0;
  #width = 0;
  #width1 = 0;
  #stx = 0;
  #fx = 0;
  #gx = 0;
  #sty = 0;
  #fy = 0;
  #gy = 0;
  #stmin = 0;
  #stmax = 0;
  #cap = Infinity; // smallest step seen where the objective was not finite

  constructor(
    readonly ftol = 1e-4,
    readonly gtol = 0.9,
    readonly xtol = 1e-16,
    readonly stpmin = 0,
    readonly stpmax = 1e20,
  ) {}

  /** The best step so far (the lower end of the bracket). */
  get best(): number {
    return this.#stx;
  }

  start(f: number, g: number, t: number): SearchStatus {
    if (!(t > 0) || !(g < 0)) return "error";
    this.t = Math.min(Math.max(t, this.stpmin), this.stpmax);
    this.#brackt = false;
    this.#stage = 1;
    this.#finit = f;
    this.#ginit = g;
    this.#gtest = this.ftol * g;
    this.#width = this.stpmax - this.stpmin;
    this.#width1 = this.#width / 0.5;
    this.#stx = 0;
    this.#fx = f;
    this.#gx = g;
    this.#sty = 0;
    this.#fy = f;
    this.#gy = g;
    this.#stmin = 0;
    this.#stmax = this.t + 4 * this.t;
    this.#cap = Infinity;
    return "evaluate";
  }

  /** The objective was not finite at `t`: try halfway back toward the best point. */
  exclude(): SearchStatus {
    this.#cap = Math.min(this.#cap, this.t);
    const t = this.#stx + 0.5 * (this.t - this.#stx);
    if (!(t > this.#stx) || t === this.t) return "warning";
    this.t = t;
    return "evaluate";
  }

  next(f: number, g: number): SearchStatus {
    const { gtol, xtol, stpmin, stpmax } = this;
    let stp = this.t;
    const ftest = this.#finit + stp * this.#gtest;
    if (this.#stage === 1 && f <= ftest && g >= 0) this.#stage = 2;
    // tests for termination
    if (f <= ftest && Math.abs(g) <= gtol * -this.#ginit) return "converged";
    if (this.#brackt && (stp <= this.#stmin || stp >= this.#stmax)) return "warning"; // rounding errors prevent progress
    if (this.#brackt && this.#stmax - this.#stmin <= xtol * this.#stmax) return "warning"; // xtol test satisfied
    if (stp === stpmax && f <= ftest && g <= this.#gtest) return "warning"; // stp = stpmax
    if (stp === stpmin && (f > ftest || g >= this.#gtest)) return "warning"; // stp = stpmin
    // In the first stage, while a lower value has been found but without sufficient
    // decrease, the step comes from the modified function psi(t) = f(t) - f(0) - gtest*t.
    if (this.#stage === 1 && f <= this.#fx && f > ftest) {
      const gt = this.#gtest;
      this.#fx -= this.#stx * gt;
      this.#fy -= this.#sty * gt;
      this.#gx -= gt;
      this.#gy -= gt;
      this.#dcstep(stp, f - stp * gt, g - gt);
      this.#fx += this.#stx * gt;
      this.#fy += this.#sty * gt;
      this.#gx += gt;
      this.#gy += gt;
    } else {
      this.#dcstep(stp, f, g);
    }
    stp = this.t;
    // bisect when the bracket does not shrink fast enough
    if (this.#brackt) {
      if (Math.abs(this.#sty - this.#stx) >= 0.66 * this.#width1) stp = this.#stx + 0.5 * (this.#sty - this.#stx);
      this.#width1 = this.#width;
      this.#width = Math.abs(this.#sty - this.#stx);
      this.#stmin = Math.min(this.#stx, this.#sty);
      this.#stmax = Math.max(this.#stx, this.#sty);
    } else {
      this.#stmin = stp + 1.1 * (stp - this.#stx);
      this.#stmax = stp + 4 * (stp - this.#stx);
    }
    stp = Math.min(Math.max(stp, stpmin), stpmax);
    // no further progress possible: fall back to the best step
    if ((this.#brackt && (stp <= this.#stmin || stp >= this.#stmax)) || (this.#brackt && this.#stmax - this.#stmin <= xtol * this.#stmax))
      stp = this.#stx;
    // never go past a step where the objective was not finite
    if (stp >= this.#cap) stp = this.#stx + 0.5 * (this.#cap - this.#stx);
    this.t = stp;
    return "evaluate";
  }

  /** dcstep: a safeguarded step from the bracket (stx, sty) and the trial (stp, fp, dp). */
  #dcstep(stp: number, fp: number, dp: number): void {
    const stx = this.#stx,
      fx = this.#fx,
      dx = this.#gx;
    const sty = this.#sty,
      fy = this.#fy,
      dy = this.#gy;
    const brackt = this.#brackt;
    const stpmin = this.#stmin,
      stpmax = this.#stmax;
    const sgnd = dp * Math.sign(dx);
    let stpf: number;
    if (fp > fx) {
      // higher value: the minimum is bracketed; cubic, or halfway to the quadratic step
      const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
      if (stp < stx) gamma = -gamma;
      const p = gamma - dx + theta;
      const q = gamma - dx + gamma + dp;
      const stpc = stx + (p / q) * (stp - stx);
      const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
      stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
      this.#brackt = true;
    } else if (sgnd < 0) {
      // lower value, slopes of opposite sign: bracketed; the step farther from stp
      const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
      if (stp > stx) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dx;
      const stpc = stp + (p / q) * (stx - stp);
      const stpq = stp + (dp / (dp - dx)) * (stx - stp);
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      this.#brackt = true;
    } else if (Math.abs(dp) < Math.abs(dx)) {
      // lower value, same-sign slope that decreases in magnitude
      const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
      let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dx / s) * (dp / s)));
      if (stp > stx) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma + (dx - dp) + gamma;
      const r = p / q;
      const stpc = r < 0 && gamma !== 0 ? stp + r * (stx - stp) : stp > stx ? stpmax : stpmin;
      const stpq = stp + (dp / (dp - dx)) * (stx - stp);
      if (brackt) {
        stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
        stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
      } else {
        stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
        stpf = Math.max(stpmin, Math.min(stpmax, stpf));
      }
    } else if (brackt) {
      // lower value, slope does not decrease: cubic step toward sty
      const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) ** 2 - (dy / s) * (dp / s));
      if (stp > sty) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dy;
      stpf = stp + (p / q) * (sty - stp);
    } else {
      stpf = stp > stx ? stpmax : stpmin;
    }
    // update the bracket
    if (fp > fx) {
      this.#sty = stp;
      this.#fy = fp;
      this.#gy = dp;
    } else {
      if (sgnd < 0) {
        this.#sty = stx;
        this.#fy = fx;
        this.#gy = dx;
      }
      this.#stx = stp;
      this.#fx = fp;
      this.#gx = dp;
    }
    this.t = stpf;
  }
}
