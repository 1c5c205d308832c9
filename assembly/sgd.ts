import { ld, st, splat, madd, decayedGrad, ema, bytesOf, end32, end16 } from "./simd";

// SGD (torch.optim.SGD):
//   d = sign*g + wd*p
//   buf = bufMu*buf + (1 - dampening)*d       (first step: bufMu = 0, damp = 1, buf = 0 -> buf = d)
//   d = nesterov ? d + mu*buf : buf           (no momentum: d as is)
//   p = p - lr*d
// kind: 0 plain, 1 momentum, 2 nesterov (a literal in each specialisation, folded away).
@inline function sgdAt<T>(
  o: usize, p: usize, g: usize, buf: usize,
  nlr: v128, sign: v128, wd: v128, bufMu: v128, damp: v128, mu: v128,
  kind: i32, vec: bool,
): void {
  const x = ld<T>(p + o, vec);
  let d = decayedGrad<T>(ld<T>(g + o, vec), x, sign, wd);
  if (kind != 0) {
    const b = ema<T>(buf + o, d, bufMu, damp, vec);
    d = kind == 2 ? madd<T>(mu, b, d) : b;
  }
  st<T>(p + o, madd<T>(nlr, d, x), vec);
}

@inline function sgd<T>(
  p: usize, g: usize, buf: usize, n: usize,
  lr: f64, sign: f64, weightDecay: f64, bufMomentum: f64, oneMinusDampening: f64, momentum: f64,
  kind: i32,
): void {
  const nlr = splat<T>(-lr), sg = splat<T>(sign), wd = splat<T>(weightDecay);
  const bm = splat<T>(bufMomentum), dp = splat<T>(oneMinusDampening), mu = splat<T>(momentum);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    sgdAt<T>(o, p, g, buf, nlr, sg, wd, bm, dp, mu, kind, true);
    sgdAt<T>(o + 16, p, g, buf, nlr, sg, wd, bm, dp, mu, kind, true);
  }
  for (; o < end16(bytes); o += 16) sgdAt<T>(o, p, g, buf, nlr, sg, wd, bm, dp, mu, kind, true);
  for (; o < bytes; o += sizeof<T>()) sgdAt<T>(o, p, g, buf, nlr, sg, wd, bm, dp, mu, kind, false);
}

// kind: 0 plain (buf unused, may be 0), 1 momentum, 2 nesterov.
export function sgd_f32(p: usize, g: usize, buf: usize, n: usize, lr: f64, sign: f64, wd: f64, bufMu: f64, damp: f64, mu: f64, kind: i32): void {
  if (kind == 0) sgd<f32>(p, g, buf, n, lr, sign, wd, bufMu, damp, mu, 0);
  else if (kind == 1) sgd<f32>(p, g, buf, n, lr, sign, wd, bufMu, damp, mu, 1);
  else sgd<f32>(p, g, buf, n, lr, sign, wd, bufMu, damp, mu, 2);
}
export function sgd_f64(p: usize, g: usize, buf: usize, n: usize, lr: f64, sign: f64, wd: f64, bufMu: f64, damp: f64, mu: f64, kind: i32): void {
  if (kind == 0) sgd<f64>(p, g, buf, n, lr, sign, wd, bufMu, damp, mu, 0);
  else if (kind == 1) sgd<f64>(p, g, buf, n, lr, sign, wd, bufMu, damp, mu, 1);
  else sgd<f64>(p, g, buf, n, lr, sign, wd, bufMu, damp, mu, 2);
}
