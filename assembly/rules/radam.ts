import { ld, st, add, mul, div, sqrt, madd, decayedGrad, ema, emaSquare } from "../simd";

// RAdam (torch.optim.RAdam), one fused pass:
//   p = decay*p                                  (decoupled weight decay: 1 - lr*wd; else 1)
//   g = sign*g + wd*p                            (L2 term; 0 when decoupled)
//   m = b1*m + (1 - b1)*g
//   v = b2*v + (1 - b2)*g*g
//   rectified (rho_t > 5):  p = p + step * m / (sqrt(v) + eps),  step = -lr*r_t*sqrt(bc2)/bc1
//   else:                   p = p + step * m,                    step = -lr/bc1
// plain (no L2 term, not maximizing) uses the gradient as it is. rectified and plain are
// literals in each specialisation, folded away.
@inline export function radamAt<T>(
  o: usize, p: usize, g: usize, m: usize, v: usize,
  step: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128,
  eps: v128, weightDecay: v128, decay: v128, sign: v128,
  rectified: bool, plain: bool, l2: bool, vec: bool,
): void {
  const x = mul<T>(ld<T>(p + o, vec), decay);
  const d = plain ? ld<T>(g + o, vec) : decayedGrad<T>(ld<T>(g + o, vec), x, sign, weightDecay, l2);
  const mt = ema<T>(m + o, d, beta1, oneMinusBeta1, vec);
  const vt = emaSquare<T>(v + o, d, beta2, oneMinusBeta2, vec);
  const dir = rectified ? div<T>(mt, add<T>(sqrt<T>(vt), eps)) : mt;
  st<T>(p + o, madd<T>(step, dir, x), vec);
}
