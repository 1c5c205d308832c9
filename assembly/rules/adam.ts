import { ld, st, add, mul, div, sqrt, max, madd, decayedGrad, ema, emaSquare } from "../simd";

// Adam / AdamW (torch.optim.Adam, torch.optim.AdamW), one fused pass:
//   p = decay*p                                  (AdamW: decay = 1 - lr*wd; Adam: 1)
//   g = sign*g + wd*p                            (Adam's L2 term; AdamW passes wd = 0)
//   m = b1*m + (1 - b1)*g
//   v = b2*v + (1 - b2)*g*g
//   vmax = max(vmax, v)                          (amsgrad; the update then uses vmax)
//   p = p + negStepS * m / (sqrt(v) + epsS)    negStepS = -stepSize*sqrt(bc2), stepSize = lr / bc1,
//                                                epsS = eps*sqrt(bc2) (at least the dtype's smallest value > 0)
// plain (no L2 term, not maximizing: Adam's and AdamW's defaults) skips the second line: the
// gradient is used as it is (torch adds nothing when weight_decay = 0). decayed (derived: decay
// != 1, tested under plain) skips the first line for Adam (p*1 = p exactly).
// torch computes p - stepSize * m / (sqrt(v) / sqrt(bc2) + eps): two divisions. Numerator and
// denominator are multiplied by sqrt(bc2) here (folded into the scalars, as NAdam's kernel does):
// one SIMD division and no multiply for bc2 (each of the two measured faster: the division
// ~20 % on Intel, the multiply 2-16 % on AMD Zen 5, bench/RESULTS.md, first table). The step
// differs from torch's in the last bit or two; epsS is kept above 0 so that a zero gradient
// (m = v = 0) still divides 0 by a positive number, as torch does.
@inline export function adamAt<T>(
  o: usize, p: usize, g: usize, m: usize, v: usize, vmax: usize,
  negStepS: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128, epsS: v128,
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
  const denom = add<T>(sqrt<T>(vt), epsS);
  st<T>(p + o, madd<T>(negStepS, div<T>(mt, denom), x), vec);
}
