// The pieces of L-BFGS-B (R. H. Byrd, P. Lu, J. Nocedal and C. Zhu, "A limited memory
// algorithm for bound constrained optimization", SIAM J. Sci. Comput. 16(5), 1995; the
// code: C. Zhu, R. H. Byrd, P. Lu, J. Nocedal, ACM TOMS 23(4), 1997, and version 3.0 by
// J. L. Morales and J. Nocedal, ACM TOMS 38(1), 2011) that work on the compact
// limited-memory matrix: the matrix itself (CompactBfgs), the generalized Cauchy point
// (cauchyPoint) and the subspace minimization (subspaceStep). Plain Float64Array loops:
// the dense matrices are 2m x 2m, and these loops index the n-vectors by coordinate.

/**
 * Per-coordinate bound kinds, as L-BFGS-B's `nbd`: 0 unbounded, 1 lower only, 2 both,
 * 3 upper only.
 */
export type BoundKind = Int8Array;

/**
 * Status of each coordinate, as L-BFGS-B's `iwhere`: -1 always free (no bounds), 0 free,
 * -3 free with a zero gradient, 1 at its lower bound, 2 at its upper bound, 3 fixed
 * (lower = upper). Coordinates with iwhere <= 0 are free at the Cauchy point.
 */
export type Where = Int8Array;

/**
 * The compact representation (Byrd, Nocedal, Schnabel 1994) of the limited-memory BFGS
 * matrix B = theta I - W M W', W = [Y, theta S] (n x 2col), with
 * M^-1 = [[-D, L'], [L, theta S'S]], D = diag(s_i'y_i), L_ij = s_i'y_j (i > j).
 * Holds the col <= m newest pairs (oldest first) as Float64Array views, the small
 * matrices S'S and the lower triangle of S'Y, and an LU factorization of M^-1 so that
 * M p is one solve.
 */
export class CompactBfgs {
  col = 0;
  theta = 1;
  /** s_j and y_j, oldest first (views owned by the caller). */
  s: Float64Array[] = [];
  y: Float64Array[] = [];
  /** SS[i*m + j] = s_i's_j, SY[i*m + j] = s_i'y_j for i >= j. */
  readonly ss: Float64Array;
  readonly sy: Float64Array;
  readonly #minv: Float64Array;
  readonly #piv: Int32Array;

  constructor(readonly m: number) {
    this.ss = new Float64Array(m * m);
    this.sy = new Float64Array(m * m);
    this.#minv = new Float64Array(4 * m * m);
    this.#piv = new Int32Array(2 * m);
  }

  reset(): void {
    this.col = 0;
    this.theta = 1;
    this.s = [];
    this.y = [];
  }

  /** Drops the oldest pair: shifts S'S and S'Y up-left by one. */
  dropOldest(): void {
    const { m, ss, sy } = this;
    const c = this.col;
    for (let i = 0; i < c - 1; i++) {
      for (let j = 0; j < c - 1; j++) {
        ss[i * m + j] = ss[(i + 1) * m + j + 1]!;
        sy[i * m + j] = sy[(i + 1) * m + j + 1]!;
      }
    }
    this.s.shift();
    this.y.shift();
    this.col = c - 1;
  }

  /**
   * Appends the pair (s, y) with ss = s's, sy = s'y > 0 and yy = y'y (the caller has made
   * room: col < m); `dot` is the n-length dot product (a SIMD kernel for wasm views).
   * theta becomes y'y / s'y. Returns false when M^-1 is singular (the caller resets).
   */
  push(s: Float64Array, y: Float64Array, ss: number, sy: number, yy: number, dot: (a: Float64Array, b: Float64Array) => number): boolean {
    const { m } = this;
    const c = this.col;
    for (let j = 0; j < c; j++) {
      this.sy[c * m + j] = dot(s, this.y[j]!);
      this.ss[j * m + c] = this.ss[c * m + j] = dot(this.s[j]!, s);
    }
    this.ss[c * m + c] = ss;
    this.sy[c * m + c] = sy;
    this.s.push(s);
    this.y.push(y);
    this.col = c + 1;
    this.theta = yy / sy;
    return this.factor();
  }

  /** Forms M^-1 for the current pairs and theta and factors it (false: singular). */
  factor(): boolean {
    this.inverseMiddle(this.#minv);
    return luFactor(this.#minv, 2 * this.col, this.#piv);
  }

  /** v = M p (2col vectors; v may be p). */
  applyM(p: Float64Array, v: Float64Array): void {
    const k = 2 * this.col;
    if (v !== p) v.set(p.subarray(0, k));
    luSolve(this.#minv, k, this.#piv, v);
  }

  /** Writes M^-1 = [[-D, L'], [L, theta S'S]] into out (row-major k x k, k = 2col). */
  inverseMiddle(out: Float64Array): void {
    const { m, ss, sy, theta } = this;
    const c = this.col,
      k = 2 * c;
    out.fill(0, 0, k * k);
    for (let i = 0; i < c; i++) {
      out[i * k + i] = -sy[i * m + i]!;
      for (let j = 0; j < i; j++) out[(c + i) * k + j] = out[j * k + c + i] = sy[i * m + j]!;
      for (let j = 0; j < c; j++) out[(c + i) * k + c + j] = theta * ss[i * m + j]!;
    }
  }
}

/** In-place LU factorization with partial pivoting of the k x k row-major a; false if singular. */
export function luFactor(a: Float64Array, k: number, piv: Int32Array): boolean {
  for (let c = 0; c < k; c++) {
    let p = c,
      best = Math.abs(a[c * k + c]!);
    for (let r = c + 1; r < k; r++) {
      const v = Math.abs(a[r * k + c]!);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (!(best > 0 && best < Infinity)) return false;
    piv[c] = p;
    if (p !== c) {
      for (let j = 0; j < k; j++) {
        const t = a[c * k + j]!;
        a[c * k + j] = a[p * k + j]!;
        a[p * k + j] = t;
      }
    }
    const inv = 1 / a[c * k + c]!;
    for (let r = c + 1; r < k; r++) {
      const f = a[r * k + c]! * inv;
      a[r * k + c] = f;
      if (f !== 0) for (let j = c + 1; j < k; j++) a[r * k + j] = a[r * k + j]! - f * a[c * k + j]!;
    }
  }
  return true;
}

/** Solves (LU from luFactor) x = b in place in b. */
export function luSolve(a: Float64Array, k: number, piv: Int32Array, b: Float64Array): void {
  for (let c = 0; c < k; c++) {
    const p = piv[c]!;
    if (p !== c) {
      const t = b[c]!;
      b[c] = b[p]!;
      b[p] = t;
    }
  }
  for (let r = 1; r < k; r++) {
    let acc = b[r]!;
    for (let j = 0; j < r; j++) acc -= a[r * k + j]! * b[j]!;
    b[r] = acc;
  }
  for (let r = k - 1; r >= 0; r--) {
    let acc = b[r]!;
    for (let j = r + 1; j < k; j++) acc -= a[r * k + j]! * b[j]!;
    b[r] = acc / a[r * k + r]!;
  }
}

/** The box and its per-coordinate kinds. */
export interface Box {
  lower: Float64Array;
  upper: Float64Array;
  kind: BoundKind;
}

/** Scratch of the Cauchy point and the subspace step (n-vectors and 2m-vectors). */
export class BoundedWork {
  readonly d: Float64Array;
  readonly t: Float64Array;
  readonly order: Int32Array;
  readonly free: Int32Array;
  readonly p: Float64Array;
  readonly c: Float64Array;
  readonly v: Float64Array;
  readonly wbp: Float64Array;
  readonly k: Float64Array;
  readonly piv: Int32Array;
  nfree = 0;

  constructor(n: number, m: number) {
    this.d = new Float64Array(n);
    this.t = new Float64Array(n);
    this.order = new Int32Array(n);
    this.free = new Int32Array(n);
    this.p = new Float64Array(2 * m);
    this.c = new Float64Array(2 * m);
    this.v = new Float64Array(2 * m);
    this.wbp = new Float64Array(2 * m);
    this.k = new Float64Array(4 * m * m);
    this.piv = new Int32Array(2 * m);
  }
}

/**
 * The generalized Cauchy point (L-BFGS-B 3.0's `cauchy`, paper section 4): the first local
 * minimiser of the quadratic model m(z) = g'(z - x) + (z - x)'B(z - x)/2 along the
 * projected steepest-descent path P(x - t g), t >= 0, segment by segment between the
 * breakpoints where coordinates reach their bounds (taken in increasing order). Writes
 * the point into xcp and c = W'(xcp - x) into work.c; updates `where` (coordinates that
 * reach a bound become 1 or 2). `pgNorm` is the projected gradient's inf-norm at x.
 * Returns the number of segments explored.
 */
export function cauchyPoint(
  x: Float64Array,
  g: Float64Array,
  box: Box,
  where: Where,
  pgNorm: number,
  B: CompactBfgs,
  xcp: Float64Array,
  work: BoundedWork,
): number {
  const n = x.length,
    { lower, upper, kind } = box;
  const { col, theta } = B;
  const col2 = 2 * col;
  const { d, t, order, p, c, v, wbp } = work;
  const eps = 2 ** -52;
  xcp.set(x);
  c.fill(0, 0, col2);
  if (pgNorm <= 0) return 0;
  let bounded = true,
    nfree = n,
    nbreak = 0,
    ibkmin = 0,
    bkmin = 0,
    f1 = 0;
  p.fill(0, 0, col2);
  // bound status, breakpoints, d = the projected -g, p = W'd
  for (let i = 0; i < n; i++) {
    const neggi = -g[i]!,
      k = kind[i]!;
    let tl = 0,
      tu = 0;
    if (where[i] !== 3 && where[i] !== -1) {
      if (k <= 2) tl = x[i]! - lower[i]!;
      if (k >= 2) tu = upper[i]! - x[i]!;
      const atLower = k <= 2 && tl <= 0,
        atUpper = k >= 2 && tu <= 0;
      where[i] = 0;
      if (atLower) {
        if (neggi <= 0) where[i] = 1;
      } else if (atUpper) {
        if (neggi >= 0) where[i] = 2;
      } else if (Math.abs(neggi) <= 0) where[i] = -3;
    }
    if (where[i] !== 0 && where[i] !== -1) {
      d[i] = 0;
      continue;
    }
    d[i] = neggi;
    f1 -= neggi * neggi;
    for (let j = 0; j < col; j++) {
      p[j] = p[j]! + B.y[j]![i]! * neggi;
      p[col + j] = p[col + j]! + B.s[j]![i]! * neggi;
    }
    if (k <= 2 && k !== 0 && neggi < 0) {
      order[nbreak] = i;
      t[nbreak] = tl / -neggi;
      if (nbreak === 0 || t[nbreak]! < bkmin) {
        bkmin = t[nbreak]!;
        ibkmin = nbreak;
      }
      nbreak++;
    } else if (k >= 2 && neggi > 0) {
      order[nbreak] = i;
      t[nbreak] = tu / neggi;
      if (nbreak === 0 || t[nbreak]! < bkmin) {
        bkmin = t[nbreak]!;
        ibkmin = nbreak;
      }
      nbreak++;
    } else {
      nfree--;
      if (Math.abs(neggi) > 0) bounded = false;
    }
  }
  for (let j = 0; j < col; j++) p[col + j] = theta * p[col + j]!;
  if (nbreak === 0 && nfree === n) return 0; // d = 0: x is the Cauchy point
  let f2 = -theta * f1;
  const f2org = f2;
  if (col > 0) {
    B.applyM(p, v);
    f2 -= dot(v, p, col2);
  }
  let dtm = -f1 / f2;
  let tsum = 0,
    nseg = 1;
  if (nbreak > 0) {
    // breakpoints after the smallest one are taken in increasing order (sorted on demand)
    let sorted: Int32Array | null = null;
    let nleft = nbreak,
      tj = 0;
    for (let it = 0; ; it++) {
      const tj0 = tj;
      let ibp: number;
      if (it === 0) {
        tj = bkmin;
        ibp = order[ibkmin]!;
      } else {
        if (sorted === null) {
          const rest: number[] = [];
          for (let b = 0; b < nbreak; b++) if (b !== ibkmin) rest.push(b);
          rest.sort((a, b) => t[a]! - t[b]!);
          sorted = Int32Array.from(rest);
        }
        const b = sorted[it - 1]!;
        tj = t[b]!;
        ibp = order[b]!;
      }
      const dt = tj - tj0;
      if (dtm < dt) break; // the minimiser is inside this segment
      // fix coordinate ibp at its bound; the next segment starts at tj
      tsum += dt;
      nleft--;
      const dibp = d[ibp]!;
      d[ibp] = 0;
      let zibp: number;
      if (dibp > 0) {
        zibp = upper[ibp]! - x[ibp]!;
        xcp[ibp] = upper[ibp]!;
        where[ibp] = 2;
      } else {
        zibp = lower[ibp]! - x[ibp]!;
        xcp[ibp] = lower[ibp]!;
        where[ibp] = 1;
      }
      if (nleft === 0 && nbreak === n) {
        // every coordinate is at a bound: xcp is the Cauchy point
        if (col > 0) axpy(c, p, col2, dt);
        return nseg;
      }
      nseg++;
      const dibp2 = dibp * dibp;
      f1 += dt * f2 + dibp2 - theta * dibp * zibp;
      f2 -= theta * dibp2;
      if (col > 0) {
        axpy(c, p, col2, dt);
        for (let j = 0; j < col; j++) {
          wbp[j] = B.y[j]![ibp]!;
          wbp[col + j] = theta * B.s[j]![ibp]!;
        }
        B.applyM(wbp, v);
        const wmc = dot(c, v, col2),
          wmp = dot(p, v, col2),
          wmw = dot(wbp, v, col2);
        axpy(p, wbp, col2, -dibp);
        f1 += dibp * wmc;
        f2 += 2 * dibp * wmp - dibp2 * wmw;
      }
      f2 = Math.max(eps * f2org, f2);
      if (nleft > 0) dtm = -f1 / f2;
      else {
        dtm = bounded ? 0 : -f1 / f2;
        break;
      }
    }
  }
  if (dtm <= 0) dtm = 0;
  tsum += dtm;
  for (let i = 0; i < n; i++) if (d[i] !== 0) xcp[i] = xcp[i]! + tsum * d[i]!;
  if (col > 0) axpy(c, p, col2, dtm);
  return nseg;
}

/** Lists the free coordinates at the Cauchy point (where <= 0) in work.free; returns how many. */
export function freeVariables(where: Where, work: BoundedWork): number {
  let nfree = 0;
  for (let i = 0; i < where.length; i++) if (where[i]! <= 0) work.free[nfree++] = i;
  work.nfree = nfree;
  return nfree;
}

/**
 * Subspace minimization (L-BFGS-B 3.0's `cmprlb` + `subsm`, the direct primal method of
 * section 5.1): minimises the model over the free coordinates F from the Cauchy point z
 * (the others stay at their bounds): the Newton step d_F = B_F^-1 r with
 * r = -Z'(g + B(z - x)), through Sherman-Morrison-Woodbury,
 * B_F^-1 = I/theta + W_F K^-1 W_F'/theta^2, K = M^-1 - W_F'W_F/theta (2col x 2col).
 * Then z_F = P(z_F + d_F) (version 3.0's projection); if that point is not a descent
 * direction from x (g'(z - x) > 0), z_F moves along d_F only as far as the box allows
 * (version 2.1's backtracking). Writes the result into z. Returns false when K is singular
 * (z is then left at the Cauchy point).
 */
export function subspaceStep(x: Float64Array, g: Float64Array, box: Box, B: CompactBfgs, z: Float64Array, work: BoundedWork): boolean {
  const { lower, upper, kind } = box;
  const { col, theta } = B;
  const col2 = 2 * col;
  const { free, nfree, c, v, k: K, piv } = work;
  const r = work.d; // reduced gradient, then the step, over the free coordinates (index f)
  const n = x.length;
  // r = -theta (z - x) - g + W M c on F
  B.applyM(c, v);
  for (let f = 0; f < nfree; f++) {
    const i = free[f]!;
    let acc = -theta * (z[i]! - x[i]!) - g[i]!;
    for (let j = 0; j < col; j++) acc += B.y[j]![i]! * v[j]! + theta * B.s[j]![i]! * v[col + j]!;
    r[f] = acc;
  }
  // K = M^-1 - W_F'W_F / theta, wv = W_F' r
  B.inverseMiddle(K);
  const wv = work.p;
  wv.fill(0, 0, col2);
  for (let a = 0; a < col2; a++) {
    const wa = a < col ? B.y[a]! : B.s[a - col]!;
    const sa = a < col ? 1 : theta;
    let acc = 0;
    for (let f = 0; f < nfree; f++) acc += wa[free[f]!]! * r[f]!;
    wv[a] = sa * acc;
    for (let b = 0; b <= a; b++) {
      const wb = b < col ? B.y[b]! : B.s[b - col]!;
      const sb = b < col ? 1 : theta;
      let ab = 0;
      for (let f = 0; f < nfree; f++) {
        const i = free[f]!;
        ab += wa[i]! * wb[i]!;
      }
      const q = (sa * sb * ab) / theta;
      K[a * col2 + b] = K[a * col2 + b]! - q;
      if (b !== a) K[b * col2 + a] = K[b * col2 + a]! - q;
    }
  }
  if (!luFactor(K, col2, piv)) return false;
  luSolve(K, col2, piv, wv);
  // d_F = (r + Y_F wv_y / theta + S_F wv_s) / theta
  for (let f = 0; f < nfree; f++) {
    const i = free[f]!;
    let acc = r[f]!;
    for (let j = 0; j < col; j++) acc += (B.y[j]![i]! * wv[j]!) / theta + B.s[j]![i]! * wv[col + j]!;
    r[f] = acc / theta;
  }
  // projection of z + d onto the box (version 3.0)
  const zc = work.t; // the Cauchy point's free coordinates, kept for the fallback
  let hit = false;
  for (let f = 0; f < nfree; f++) {
    const i = free[f]!,
      k = kind[i]!;
    zc[f] = z[i]!;
    let zi = z[i]! + r[f]!;
    if (k === 1 || k === 2) zi = Math.max(lower[i]!, zi);
    if (k === 2 || k === 3) zi = Math.min(upper[i]!, zi);
    if (k !== 0 && (zi === lower[i] || zi === upper[i])) hit = true;
    z[i] = zi;
  }
  if (!hit) return true;
  let ddp = 0;
  for (let i = 0; i < n; i++) ddp += (z[i]! - x[i]!) * g[i]!;
  if (ddp <= 0) return true;
  // not a descent direction: back to the Cauchy point, the longest feasible step along d
  for (let f = 0; f < nfree; f++) z[free[f]!] = zc[f]!;
  let alpha = 1,
    ibd = -1;
  for (let f = 0; f < nfree; f++) {
    const i = free[f]!,
      k = kind[i]!,
      dk = r[f]!;
    if (k === 0) continue;
    let t1 = alpha;
    if (dk < 0 && k <= 2) {
      const t2 = lower[i]! - z[i]!;
      if (t2 >= 0) t1 = 0;
      else if (dk * alpha < t2) t1 = t2 / dk;
    } else if (dk > 0 && k >= 2) {
      const t2 = upper[i]! - z[i]!;
      if (t2 <= 0) t1 = 0;
      else if (dk * alpha > t2) t1 = t2 / dk;
    }
    if (t1 < alpha) {
      alpha = t1;
      ibd = f;
    }
  }
  if (alpha < 1 && ibd >= 0) {
    const i = free[ibd]!,
      dk = r[ibd]!;
    if (dk > 0) z[i] = upper[i]!;
    else if (dk < 0) z[i] = lower[i]!;
    r[ibd] = 0;
  }
  for (let f = 0; f < nfree; f++) z[free[f]!] = z[free[f]!]! + alpha * r[f]!;
  return true;
}

/**
 * The projected gradient's inf-norm (L-BFGS-B's `projgr`): max_i |x_i - P(x_i - g_i)|,
 * i.e. g_i, except that a step toward a bound is cut at the bound. NaN if some g_i is NaN.
 */
export function projectedGradientNorm(x: Float64Array, g: Float64Array, box: Box): number {
  const { lower, upper, kind } = box;
  let norm = 0;
  for (let i = 0; i < x.length; i++) {
    let gi = g[i]!;
    if (gi !== gi) return NaN;
    const k = kind[i]!;
    if (k !== 0) {
      if (gi < 0) {
        if (k >= 2) gi = Math.max(x[i]! - upper[i]!, gi);
      } else if (k <= 2) gi = Math.min(x[i]! - lower[i]!, gi);
    }
    norm = Math.max(norm, Math.abs(gi));
  }
  return norm;
}

function dot(a: Float64Array, b: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(y: Float64Array, x: Float64Array, k: number, a: number): void {
  for (let i = 0; i < k; i++) y[i] = y[i]! + a * x[i]!;
}
