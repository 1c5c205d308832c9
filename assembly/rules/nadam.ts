import { ld, st, add, mul, div, sqrt, madd, decayedGrad, ema, emaSquare } from "../simd";

// NAdam (torch.optim.NAdam, torch >= 2.0 rule), one fused pass:
//   p = decay*p                                  (decoupled weight decay: 1 - lr*wd; else 1)
//   g = sign*g + wd*p                            (L2 term; 0 when decoupled)
//   m = b1*m + (1 - b1)*g
//   v = b2*v + (1 - b2)*g*g
//   inv = 1 / (sqrt(v * (1 / bc2)) + eps)
//   p = p + gradStep * (g * inv)                 gradStep = -lr*(1 - mu_t)/(1 - mu_product)
//   p = p + momStep * (m * inv)                  momStep = -lr*mu_{t+1}/(1 - mu_product*mu_{t+1})
// plain (no L2 term, not maximizing) uses the gradient as it is.
// (torch divides v by bc2 and g, m by the denominator: three divisions. Multiplying by
// reciprocals instead differs by an ulp or two and leaves one SIMD division: ~1.5x faster.)
@inline export function nadamAt<T>(
  o: usize, p: usize, g: usize, m: usize, v: usize,
  gradStep: v128, momStep: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128,
  invBc2: v128, eps: v128, one: v128, weightDecay: v128, decay: v128, sign: v128, plain: bool, l2: bool, vec: bool,
): void {
  const x = mul<T>(ld<T>(p + o, vec), decay);
  const d = plain ? ld<T>(g + o, vec) : decayedGrad<T>(ld<T>(g + o, vec), x, sign, weightDecay, l2);
  const mt = ema<T>(m + o, d, beta1, oneMinusBeta1, vec);
  const vt = emaSquare<T>(v + o, d, beta2, oneMinusBeta2, vec);
  const inv = div<T>(one, add<T>(sqrt<T>(mul<T>(vt, invBc2)), eps));
  const x1 = madd<T>(gradStep, mul<T>(d, inv), x);
  st<T>(p + o, madd<T>(momStep, mul<T>(mt, inv), x1), vec);
}
