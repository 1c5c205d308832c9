import { ld, st, add, mul, div, max, abs, madd, decayedGrad, ema } from "../simd";

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

@inline export function adamaxAt<T>(
  o: usize, p: usize, g: usize, m: usize, u: usize,
  negClr: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, eps: v128, weightDecay: v128, sign: v128, l2: bool, vec: bool,
): void {
  const x = ld<T>(p + o, vec);
  const d = decayedGrad<T>(ld<T>(g + o, vec), x, sign, weightDecay, l2);
  const mt = ema<T>(m + o, d, beta1, oneMinusBeta1, vec);
  const ut = maxNonNegative<T>(mul<T>(ld<T>(u + o, vec), beta2), add<T>(abs<T>(d), eps));
  st<T>(u + o, ut, vec);
  st<T>(p + o, madd<T>(negClr, div<T>(mt, ut), x), vec);
}
