import { ld, st, splat, add, mul, div, sqrt, madd, decayedGrad, ema, emaSquare, bytesOf, end32, end16 } from "./simd";

// RAdam (torch.optim.RAdam), one fused pass:
//   p = decay*p                                  (decoupled weight decay: 1 - lr*wd; else 1)
//   g = sign*g + wd*p                            (L2 term; 0 when decoupled)
//   m = b1*m + (1 - b1)*g
//   v = b2*v + (1 - b2)*g*g
//   rectified (rho_t > 5):  p = p + step * m / (sqrt(v) + eps),  step = -lr*r_t*sqrt(bc2)/bc1
//   else:                   p = p + step * m,                    step = -lr/bc1
// rectified is a literal in each specialisation, folded away.
@inline function radamAt<T>(
  o: usize, p: usize, g: usize, m: usize, v: usize,
  step: v128, b1: v128, c1: v128, b2: v128, c2: v128, eps: v128, wd: v128, decay: v128, sign: v128,
  rectified: bool, vec: bool,
): void {
  const x = mul<T>(ld<T>(p + o, vec), decay);
  const d = decayedGrad<T>(ld<T>(g + o, vec), x, sign, wd);
  const mt = ema<T>(m + o, d, b1, c1, vec);
  const vt = emaSquare<T>(v + o, d, b2, c2, vec);
  const dir = rectified ? div<T>(mt, add<T>(sqrt<T>(vt), eps)) : mt;
  st<T>(p + o, madd<T>(step, dir, x), vec);
}

@inline function radam<T>(
  p: usize, g: usize, m: usize, v: usize, n: usize,
  step: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, decay: f64, sign: f64,
  rectified: bool,
): void {
  const s = splat<T>(step), b1 = splat<T>(beta1), c1 = splat<T>(1 - beta1), b2 = splat<T>(beta2), c2 = splat<T>(1 - beta2);
  const e = splat<T>(eps), wd = splat<T>(weightDecay), dc = splat<T>(decay), sg = splat<T>(sign);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    radamAt<T>(o, p, g, m, v, s, b1, c1, b2, c2, e, wd, dc, sg, rectified, true);
    radamAt<T>(o + 16, p, g, m, v, s, b1, c1, b2, c2, e, wd, dc, sg, rectified, true);
  }
  for (; o < end16(bytes); o += 16) radamAt<T>(o, p, g, m, v, s, b1, c1, b2, c2, e, wd, dc, sg, rectified, true);
  for (; o < bytes; o += sizeof<T>()) radamAt<T>(o, p, g, m, v, s, b1, c1, b2, c2, e, wd, dc, sg, rectified, false);
}

// rectified: the rho_t > 5 step (eps is unused by the other).
export function radam_f32(p: usize, g: usize, m: usize, v: usize, n: usize, step: f64, beta1: f64, beta2: f64, eps: f64, wd: f64, decay: f64, sign: f64, rectified: bool): void {
  if (rectified) radam<f32>(p, g, m, v, n, step, beta1, beta2, eps, wd, decay, sign, true);
  else radam<f32>(p, g, m, v, n, step, beta1, beta2, eps, wd, decay, sign, false);
}
export function radam_f64(p: usize, g: usize, m: usize, v: usize, n: usize, step: f64, beta1: f64, beta2: f64, eps: f64, wd: f64, decay: f64, sign: f64, rectified: bool): void {
  if (rectified) radam<f64>(p, g, m, v, n, step, beta1, beta2, eps, wd, decay, sign, true);
  else radam<f64>(p, g, m, v, n, step, beta1, beta2, eps, wd, decay, sign, false);
}
