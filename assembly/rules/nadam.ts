import { ld, st, add, mul, div, sqrt, madd, decayedGrad, ema, emaSquare } from "../simd";

// NAdam (torch.optim.NAdam, torch >= 2.0 rule), one fused pass:
//   p = decay*p                                  (decoupled weight decay: 1 - lr*wd; else 1)
//   g = sign*g + wd*p                            (L2 term; 0 when decoupled)
//   m = b1*m + (1 - b1)*g
//   v = b2*v + (1 - b2)*g*g
//   stepG = gradStepS / (sqrt(v) + epsS)         gradStepS = s*gradStep, epsS = s*eps, s = sqrt(bc2)
//   p = p + g*stepG                              gradStep = -lr*(1 - mu_t)/(1 - mu_product)
//   p = p + m*(stepG*ratio)                      ratio = momStep/gradStep (0 when lr = 0),
//                                                momStep = -lr*mu_{t+1}/(1 - mu_product*mu_{t+1})
// plain (no L2 term, not maximizing) uses the gradient as it is; decayed (derived: decay != 1,
// tested under plain) skips the first line without decoupled weight decay (p*1 = p exactly).
// torch computes denom = sqrt(v / bc2) + eps, then p += gradStep*g/denom and p += momStep*m/denom:
// three divisions. Here numerator and denominator are multiplied by sqrt(bc2) (folded into the
// scalars) and the momentum part's factor is derived from the gradient part's: one SIMD square
// root, one division and no multiply for bc2 (1.3-1.4x -> 1.2x the sqrt+div probe,
// bench/RESULTS.md section 1; 8x unrolled and without the multiply by decay = 1: ~6 % faster). p is still updated twice, rounded after each update as torch
// does; the factors differ from torch's in the last bits (the goldens use under 1 % of their
// tolerance). Updating p once with (gradStep*g + momStep*m)/denom measured 1.1x but drifted to
// half the tolerance of the closed-form golden case: rejected. test/reference/nadam.ts follows
// this order exactly.
@inline export function nadamAt<T>(
  o: usize, p: usize, g: usize, m: usize, v: usize,
  gradStepS: v128, ratio: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128,
  epsS: v128, weightDecay: v128, decay: v128, sign: v128, plain: bool, l2: bool, decayed: bool, vec: bool,
): void {
  const x = decayed ? mul<T>(ld<T>(p + o, vec), decay) : ld<T>(p + o, vec);
  const d = plain ? ld<T>(g + o, vec) : decayedGrad<T>(ld<T>(g + o, vec), x, sign, weightDecay, l2);
  const mt = ema<T>(m + o, d, beta1, oneMinusBeta1, vec);
  const vt = emaSquare<T>(v + o, d, beta2, oneMinusBeta2, vec);
  const stepG = div<T>(gradStepS, add<T>(sqrt<T>(vt), epsS));
  const x1 = madd<T>(d, stepG, x);
  st<T>(p + o, madd<T>(mt, mul<T>(stepG, ratio), x1), vec);
}
