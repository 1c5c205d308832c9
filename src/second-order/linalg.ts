// Dense linear algebra for Newton's direction (float64, row-major, n small): Cholesky with
// Levenberg-style damping, and truncated conjugate gradients on Hessian-vector products.
// Plain float64 arrays; used by driver.ts for minimize(..., { method: "newton" }) and Newton.

/**
 * In-place Cholesky factorisation A = L L' of the n x n row-major matrix `a` + shift*I
 * (lower triangle written to `l`). Returns false when it is not positive definite.
 */
export function cholesky(a: Float64Array, n: number, shift: number, l: Float64Array): boolean {
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j]! + shift;
    for (let k = 0; k < j; k++) s -= l[j * n + k]! * l[j * n + k]!;
    if (!(s > 0)) return false;
    const ljj = Math.sqrt(s);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j]!;
      for (let k = 0; k < j; k++) t -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = t / ljj;
    }
  }
  return true;
}

/** Solves L L' x = b in place (b becomes x). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
}

/**
 * d = -(H + lambda I)^-1 g with the smallest lambda of the sequence 0 (when every diagonal
 * element is positive), then tau0 = beta - min(diag), doubling (Nocedal & Wright, Alg. 3.3),
 * beta = 1e-3 * max |H_ii| (1e-3 if the diagonal is zero), for which the Cholesky
 * factorisation succeeds. Returns lambda (NaN when H is not finite).
 */
export function dampedNewtonDirection(h: Float64Array, g: ArrayLike<number>, n: number, d: Float64Array, l: Float64Array): number {
  let minDiag = Infinity,
    maxDiag = 0;
  for (let i = 0; i < n * n; i++) if (!Number.isFinite(h[i]!)) return NaN;
  for (let i = 0; i < n; i++) {
    minDiag = Math.min(minDiag, h[i * n + i]!);
    maxDiag = Math.max(maxDiag, Math.abs(h[i * n + i]!));
  }
  const beta = 1e-3 * (maxDiag > 0 ? maxDiag : 1);
  let lambda = minDiag > 0 ? 0 : beta - minDiag;
  while (!cholesky(h, n, lambda, l)) lambda = Math.max(2 * lambda, beta);
  for (let i = 0; i < n; i++) d[i] = -g[i]!;
  choleskySolve(l, n, d);
  return lambda;
}

/**
 * Newton-CG (truncated conjugate gradients on H d = -g with Hessian-vector products, as
 * scipy's Newton-CG): stops when ||r|| <= min(0.5, sqrt||g||) ||g||, or at a direction of
 * non-positive curvature (then the last iterate; on the first CG step, the steepest-descent
 * direction scaled by the curvature along it). Returns false if a product was not finite.
 */
export function newtonCGDirection(
  hvp: (v: Float64Array, out: Float64Array) => void,
  g: ArrayLike<number>,
  n: number,
  d: Float64Array,
  work: { r: Float64Array; p: Float64Array; hp: Float64Array },
): boolean {
  const { r, p, hp } = work;
  let gg = 0;
  for (let i = 0; i < n; i++) gg += g[i]! * g[i]!;
  const tol = Math.min(0.5, Math.sqrt(Math.sqrt(gg))) * Math.sqrt(gg);
  d.fill(0);
  for (let i = 0; i < n; i++) {
    r[i] = g[i]!;
    p[i] = -g[i]!;
  }
  let rr = gg;
  for (let j = 0; j < 20 * n; j++) {
    if (Math.sqrt(rr) <= tol) return true;
    hp.fill(0);
    hvp(p, hp);
    let curv = 0;
    for (let i = 0; i < n; i++) curv += p[i]! * hp[i]!;
    if (!Number.isFinite(curv)) return false;
    if (curv <= 0) {
      if (j === 0) {
        const scale = curv < 0 ? rr / -curv : 1;
        for (let i = 0; i < n; i++) d[i] = -scale * g[i]!;
      }
      return true;
    }
    const alpha = rr / curv;
    let rr1 = 0;
    for (let i = 0; i < n; i++) {
      d[i] = d[i]! + alpha * p[i]!;
      r[i] = r[i]! + alpha * hp[i]!;
      rr1 += r[i]! * r[i]!;
    }
    const b = rr1 / rr;
    for (let i = 0; i < n; i++) p[i] = -r[i]! + b * p[i]!;
    rr = rr1;
  }
  return true;
}
