import { ld, st, splat, add, sub, mul, div, sqrt, madd, decayedGrad, ema, emaSquare, bytesOf, end32, end16 } from "./simd";

// RMSprop (torch.optim.RMSprop):
//   g = sign*g + wd*p
//   v = alpha*v + (1 - alpha)*g*g
//   centered:  gavg = alpha*gavg + (1 - alpha)*g;  avg = sqrt(v - gavg*gavg) + eps
//   else:      avg = sqrt(v) + eps
//   momentum:  buf = mu*buf + g/avg;  p = p - lr*buf
//   else:      p = p - lr*g/avg
// centered and momentum are literals in each of the four specialisations, folded away.
@inline function rmspropAt<T>(
  o: usize, p: usize, g: usize, v: usize, gavg: usize, buf: usize,
  nlr: v128, alpha: v128, c: v128, eps: v128, wd: v128, mu: v128, sign: v128,
  centered: bool, momentum: bool, vec: bool,
): void {
  const x = ld<T>(p + o, vec);
  const d = decayedGrad<T>(ld<T>(g + o, vec), x, sign, wd);
  const vt = emaSquare<T>(v + o, d, alpha, c, vec);
  let avg = vt;
  if (centered) {
    const ga = ema<T>(gavg + o, d, alpha, c, vec);
    avg = sub<T>(vt, mul<T>(ga, ga));
  }
  avg = add<T>(sqrt<T>(avg), eps);
  let step = div<T>(d, avg);
  if (momentum) {
    step = madd<T>(ld<T>(buf + o, vec), mu, step);
    st<T>(buf + o, step, vec);
  }
  st<T>(p + o, madd<T>(nlr, step, x), vec);
}

@inline function rmsprop<T>(
  p: usize, g: usize, v: usize, gavg: usize, buf: usize, n: usize,
  lr: f64, alpha: f64, eps: f64, weightDecay: f64, momentum: f64, sign: f64,
  centered: bool, withMomentum: bool,
): void {
  const nlr = splat<T>(-lr), a = splat<T>(alpha), c = splat<T>(1 - alpha), e = splat<T>(eps);
  const wd = splat<T>(weightDecay), mu = splat<T>(momentum), sg = splat<T>(sign);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    rmspropAt<T>(o, p, g, v, gavg, buf, nlr, a, c, e, wd, mu, sg, centered, withMomentum, true);
    rmspropAt<T>(o + 16, p, g, v, gavg, buf, nlr, a, c, e, wd, mu, sg, centered, withMomentum, true);
  }
  for (; o < end16(bytes); o += 16) rmspropAt<T>(o, p, g, v, gavg, buf, nlr, a, c, e, wd, mu, sg, centered, withMomentum, true);
  for (; o < bytes; o += sizeof<T>()) rmspropAt<T>(o, p, g, v, gavg, buf, nlr, a, c, e, wd, mu, sg, centered, withMomentum, false);
}

// The flags as literals: one specialised loop per combination.
@inline function rmspropVariant<T>(p: usize, g: usize, v: usize, gavg: usize, buf: usize, n: usize, lr: f64, alpha: f64, eps: f64, wd: f64, mu: f64, sign: f64, centered: bool, momentum: bool): void {
  if (centered) {
    if (momentum) rmsprop<T>(p, g, v, gavg, buf, n, lr, alpha, eps, wd, mu, sign, true, true);
    else rmsprop<T>(p, g, v, gavg, buf, n, lr, alpha, eps, wd, mu, sign, true, false);
  } else if (momentum) rmsprop<T>(p, g, v, gavg, buf, n, lr, alpha, eps, wd, mu, sign, false, true);
  else rmsprop<T>(p, g, v, gavg, buf, n, lr, alpha, eps, wd, mu, sign, false, false);
}

// gavg is used when centered, buf when momentum (each may be 0 otherwise).
export function rmsprop_f32(p: usize, g: usize, v: usize, gavg: usize, buf: usize, n: usize, lr: f64, alpha: f64, eps: f64, wd: f64, mu: f64, sign: f64, centered: bool, momentum: bool): void {
  rmspropVariant<f32>(p, g, v, gavg, buf, n, lr, alpha, eps, wd, mu, sign, centered, momentum);
}
export function rmsprop_f64(p: usize, g: usize, v: usize, gavg: usize, buf: usize, n: usize, lr: f64, alpha: f64, eps: f64, wd: f64, mu: f64, sign: f64, centered: bool, momentum: bool): void {
  rmspropVariant<f64>(p, g, v, gavg, buf, n, lr, alpha, eps, wd, mu, sign, centered, momentum);
}
