import { ld, st, add, mul, madd, decayedGrad, ema } from "../simd";

// SGD (torch.optim.SGD):
//   d = sign*g + wd*p
//   buf = bufMomentum*buf + (1 - dampening)*d  (first step: bufMomentum = 0, 1 - dampening = 1 -> buf = d)
//   d = nesterov ? d + momentum*buf : buf     (no momentum: d as is)
//   p = p - lr*d
// kind: 0 no momentum, 1 momentum, 2 nesterov (a literal in each specialisation, folded away).
// plain (torch's defaults: no weight decay, not maximizing, dampening 0 or the first momentum
// step) uses the gradient as it is and adds it to bufMomentum*buf unscaled.
@inline export function sgdAt<T>(
  o: usize, p: usize, g: usize, buf: usize,
  negLr: v128, sign: v128, weightDecay: v128, bufMomentum: v128, oneMinusDampening: v128, momentum: v128,
  kind: i32, plain: bool, l2: bool, vec: bool,
): void {
  const x = ld<T>(p + o, vec);
  let d = plain ? ld<T>(g + o, vec) : decayedGrad<T>(ld<T>(g + o, vec), x, sign, weightDecay, l2);
  if (kind != 0) {
    let b: v128;
    if (plain) {
      b = add<T>(d, mul<T>(ld<T>(buf + o, vec), bufMomentum));
      st<T>(buf + o, b, vec);
    } else b = ema<T>(buf + o, d, bufMomentum, oneMinusDampening, vec);
    d = kind == 2 ? madd<T>(momentum, b, d) : b;
  }
  st<T>(p + o, madd<T>(negLr, d, x), vec);
}
