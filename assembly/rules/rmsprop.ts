import { ld, st, add, sub, mul, div, sqrt, madd, decayedGrad, ema, emaSquare } from "../simd";

// RMSprop (torch.optim.RMSprop):
//   g = sign*g + wd*p
//   v = alpha*v + (1 - alpha)*g*g
//   centered:  gavg = alpha*gavg + (1 - alpha)*g;  avg = sqrt(v - gavg*gavg) + eps
//   else:      avg = sqrt(v) + eps
//   momentum:  buf = momentum*buf + g/avg;  p = p - lr*buf
//   else:      p = p - lr*g/avg
// plain (torch's defaults: no weight decay, not maximizing) uses the gradient as it is.
// centered, withMomentum and plain are literals in each specialisation, folded away.
@inline export function rmspropAt<T>(
  o: usize, p: usize, g: usize, v: usize, gavg: usize, buf: usize,
  negLr: v128, alpha: v128, oneMinusAlpha: v128, eps: v128, weightDecay: v128, momentum: v128, sign: v128,
  centered: bool, withMomentum: bool, plain: bool, l2: bool, vec: bool,
): void {
  const x = ld<T>(p + o, vec);
  const d = plain ? ld<T>(g + o, vec) : decayedGrad<T>(ld<T>(g + o, vec), x, sign, weightDecay, l2);
  const vt = emaSquare<T>(v + o, d, alpha, oneMinusAlpha, vec);
  let avg = vt;
  if (centered) {
    const ga = ema<T>(gavg + o, d, alpha, oneMinusAlpha, vec);
    avg = sub<T>(vt, mul<T>(ga, ga));
  }
  avg = add<T>(sqrt<T>(avg), eps);
  let step = div<T>(d, avg);
  if (withMomentum) {
    step = madd<T>(ld<T>(buf + o, vec), momentum, step);
    st<T>(buf + o, step, vec);
  }
  st<T>(p + o, madd<T>(negLr, step, x), vec);
}
