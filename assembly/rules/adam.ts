import { ld, st, add, mul, div, sqrt, max, madd, decayedGrad, ema, emaSquare } from "../simd";

// Adam / AdamW (torch.optim.Adam, torch.optim.AdamW), one fused pass:
//   p = decay*p                                  (AdamW: decay = 1 - lr*wd; Adam: 1)
//   g = sign*g + wd*p                            (Adam's L2 term; AdamW passes wd = 0)
//   m = b1*m + (1 - b1)*g
//   v = b2*v + (1 - b2)*g*g
//   vmax = max(vmax, v)                          (amsgrad; the update then uses vmax)
//   p = p - stepSize * m / (sqrt(v) * (1 / sqrt(bc2)) + eps),   stepSize = lr / bc1
// plain (no L2 term, not maximizing: Adam's and AdamW's defaults) skips the second line: the
// gradient is used as it is (torch adds nothing when weight_decay = 0). decayed (derived: decay
// != 1, tested under plain) skips the first line for Adam (p*1 = p exactly).
// (torch divides by sqrt(bc2); multiplying by its reciprocal differs by at most an ulp in
// the denominator and saves one of the two SIMD divisions, ~20% of the step.)
@inline export function adamAt<T>(
  o: usize, p: usize, g: usize, m: usize, v: usize, vmax: usize,
  negStep: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128, invBc2Sqrt: v128, eps: v128,
  weightDecay: v128, decay: v128, sign: v128, amsgrad: bool, plain: bool, l2: bool, decayed: bool, vec: bool,
): void {
  const x = decayed ? mul<T>(ld<T>(p + o, vec), decay) : ld<T>(p + o, vec);
  const d = plain ? ld<T>(g + o, vec) : decayedGrad<T>(ld<T>(g + o, vec), x, sign, weightDecay, l2);
  const mt = ema<T>(m + o, d, beta1, oneMinusBeta1, vec);
  let vt = emaSquare<T>(v + o, d, beta2, oneMinusBeta2, vec);
  if (amsgrad) {
    vt = max<T>(ld<T>(vmax + o, vec), vt);
    st<T>(vmax + o, vt, vec);
  }
  const denom = add<T>(mul<T>(sqrt<T>(vt), invBc2Sqrt), eps);
  st<T>(p + o, madd<T>(negStep, div<T>(mt, denom), x), vec);
}
