import { ld, st, splat, add, div, sqrt, madd, decayedGrad, bytesOf, end32, end16 } from "./simd";

// Adagrad (torch.optim.Adagrad):
//   g = sign*g + wd*p
//   sum = sum + g*g
//   p = p - clr * g / (sqrt(sum) + eps),   clr = lr / (1 + (t - 1)*lrDecay)
@inline function adagradAt<T>(
  o: usize, p: usize, g: usize, sum: usize,
  nclr: v128, eps: v128, wd: v128, sign: v128, vec: bool,
): void {
  const x = ld<T>(p + o, vec);
  const d = decayedGrad<T>(ld<T>(g + o, vec), x, sign, wd);
  const s = madd<T>(d, d, ld<T>(sum + o, vec));
  st<T>(sum + o, s, vec);
  st<T>(p + o, madd<T>(nclr, div<T>(d, add<T>(sqrt<T>(s), eps)), x), vec);
}

@inline function adagrad<T>(p: usize, g: usize, sum: usize, n: usize, clr: f64, eps: f64, weightDecay: f64, sign: f64): void {
  const nc = splat<T>(-clr), e = splat<T>(eps), wd = splat<T>(weightDecay), sg = splat<T>(sign);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    adagradAt<T>(o, p, g, sum, nc, e, wd, sg, true);
    adagradAt<T>(o + 16, p, g, sum, nc, e, wd, sg, true);
  }
  for (; o < end16(bytes); o += 16) adagradAt<T>(o, p, g, sum, nc, e, wd, sg, true);
  for (; o < bytes; o += sizeof<T>()) adagradAt<T>(o, p, g, sum, nc, e, wd, sg, false);
}

export function adagrad_f32(p: usize, g: usize, sum: usize, n: usize, clr: f64, eps: f64, wd: f64, sign: f64): void {
  adagrad<f32>(p, g, sum, n, clr, eps, wd, sign);
}
export function adagrad_f64(p: usize, g: usize, sum: usize, n: usize, clr: f64, eps: f64, wd: f64, sign: f64): void {
  adagrad<f64>(p, g, sum, n, clr, eps, wd, sign);
}
