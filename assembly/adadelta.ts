import { ld, st, splat, add, mul, div, sqrt, madd, decayedGrad, emaSquare, bytesOf, end32, end16 } from "./simd";

// Adadelta (torch.optim.Adadelta), one fused pass:
//   g = sign*g + wd*p
//   v = rho*v + (1 - rho)*g*g
//   delta = sqrt((acc + eps) / (v + eps)) * g            (eps inside both roots)
//   acc = rho*acc + (1 - rho)*delta*delta
//   p = p - lr*delta
// (torch takes the two roots and divides, sqrt(acc + eps) / sqrt(v + eps): the same value
// with one rounding more; one root instead of two makes the step ~1.4x faster.)
@inline function adadeltaAt<T>(
  o: usize, p: usize, g: usize, v: usize, acc: usize,
  nlr: v128, rho: v128, c: v128, eps: v128, wd: v128, sign: v128, vec: bool,
): void {
  const x = ld<T>(p + o, vec);
  const d = decayedGrad<T>(ld<T>(g + o, vec), x, sign, wd);
  const vt = emaSquare<T>(v + o, d, rho, c, vec);
  const a = ld<T>(acc + o, vec);
  const delta = mul<T>(sqrt<T>(div<T>(add<T>(a, eps), add<T>(vt, eps))), d);
  st<T>(acc + o, madd<T>(mul<T>(c, delta), delta, mul<T>(a, rho)), vec);
  st<T>(p + o, madd<T>(nlr, delta, x), vec);
}

@inline function adadelta<T>(p: usize, g: usize, v: usize, acc: usize, n: usize, lr: f64, rho: f64, eps: f64, weightDecay: f64, sign: f64): void {
  const nlr = splat<T>(-lr), r = splat<T>(rho), c = splat<T>(1 - rho), e = splat<T>(eps);
  const wd = splat<T>(weightDecay), sg = splat<T>(sign);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    adadeltaAt<T>(o, p, g, v, acc, nlr, r, c, e, wd, sg, true);
    adadeltaAt<T>(o + 16, p, g, v, acc, nlr, r, c, e, wd, sg, true);
  }
  for (; o < end16(bytes); o += 16) adadeltaAt<T>(o, p, g, v, acc, nlr, r, c, e, wd, sg, true);
  for (; o < bytes; o += sizeof<T>()) adadeltaAt<T>(o, p, g, v, acc, nlr, r, c, e, wd, sg, false);
}

export function adadelta_f32(p: usize, g: usize, v: usize, acc: usize, n: usize, lr: f64, rho: f64, eps: f64, wd: f64, sign: f64): void {
  adadelta<f32>(p, g, v, acc, n, lr, rho, eps, wd, sign);
}
export function adadelta_f64(p: usize, g: usize, v: usize, acc: usize, n: usize, lr: f64, rho: f64, eps: f64, wd: f64, sign: f64): void {
  adadelta<f64>(p, g, v, acc, n, lr, rho, eps, wd, sign);
}
