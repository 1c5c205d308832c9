import { ld, st, splat, add, mul, div, max, abs, madd, decayedGrad, ema, bytesOf, end32, end16 } from "./simd";

// Adamax (torch.optim.Adamax), one fused pass:
//   g = sign*g + wd*p
//   m = b1*m + (1 - b1)*g
//   u = max(b2*u, |g| + eps)                     (eps inside the max; u >= 0 always)
//   p = p - clr * m / u,                         clr = lr / (1 - b1^t)
/**
 * max(a, b) for lanes that are >= +0 or NaN (never -0), propagating NaN as torch.amax does.
 * For f32 the bit patterns of such values order like unsigned integers, NaN (either sign)
 * above +inf, so one i32x4.max_u does it; V8 lowers f32x4.max to about seven instructions.
 */
@inline function maxNonNegative<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 4 ? i32x4.max_u(a, b) : max<T>(a, b);
}

@inline function adamaxAt<T>(
  o: usize, p: usize, g: usize, m: usize, u: usize,
  nclr: v128, b1: v128, c1: v128, b2: v128, eps: v128, wd: v128, sign: v128, vec: bool,
): void {
  const x = ld<T>(p + o, vec);
  const d = decayedGrad<T>(ld<T>(g + o, vec), x, sign, wd);
  const mt = ema<T>(m + o, d, b1, c1, vec);
  const ut = maxNonNegative<T>(mul<T>(ld<T>(u + o, vec), b2), add<T>(abs<T>(d), eps));
  st<T>(u + o, ut, vec);
  st<T>(p + o, madd<T>(nclr, div<T>(mt, ut), x), vec);
}

@inline function adamax<T>(
  p: usize, g: usize, m: usize, u: usize, n: usize,
  clr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, sign: f64,
): void {
  const nc = splat<T>(-clr), b1 = splat<T>(beta1), c1 = splat<T>(1 - beta1), b2 = splat<T>(beta2);
  const e = splat<T>(eps), wd = splat<T>(weightDecay), sg = splat<T>(sign);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    adamaxAt<T>(o, p, g, m, u, nc, b1, c1, b2, e, wd, sg, true);
    adamaxAt<T>(o + 16, p, g, m, u, nc, b1, c1, b2, e, wd, sg, true);
  }
  for (; o < end16(bytes); o += 16) adamaxAt<T>(o, p, g, m, u, nc, b1, c1, b2, e, wd, sg, true);
  for (; o < bytes; o += sizeof<T>()) adamaxAt<T>(o, p, g, m, u, nc, b1, c1, b2, e, wd, sg, false);
}

export function adamax_f32(p: usize, g: usize, m: usize, u: usize, n: usize, clr: f64, beta1: f64, beta2: f64, eps: f64, wd: f64, sign: f64): void {
  adamax<f32>(p, g, m, u, n, clr, beta1, beta2, eps, wd, sign);
}
export function adamax_f64(p: usize, g: usize, m: usize, u: usize, n: usize, clr: f64, beta1: f64, beta2: f64, eps: f64, wd: f64, sign: f64): void {
  adamax<f64>(p, g, m, u, n, clr, beta1, beta2, eps, wd, sign);
}
