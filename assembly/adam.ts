import { ld, st, splat, add, mul, div, sqrt, max, madd, decayedGrad, ema, emaSquare, bytesOf, end32, end16 } from "./simd";

// Adam / AdamW (torch.optim.Adam, torch.optim.AdamW), one fused pass:
//   p = decay*p                                  (AdamW: decay = 1 - lr*wd; Adam: 1)
//   g = sign*g + wd*p                            (Adam's L2 term; AdamW passes wd = 0)
//   m = b1*m + (1 - b1)*g
//   v = b2*v + (1 - b2)*g*g
//   vmax = max(vmax, v)                          (amsgrad; the update then uses vmax)
//   p = p - stepSize * m / (sqrt(v) * (1 / sqrt(bc2)) + eps),   stepSize = lr / bc1
// (torch divides by sqrt(bc2); multiplying by its reciprocal differs by at most an ulp in
// the denominator and saves one of the two SIMD divisions, ~20% of the step.)
@inline function adamAt<T>(
  o: usize, p: usize, g: usize, m: usize, v: usize, vmax: usize,
  nstep: v128, b1: v128, c1: v128, b2: v128, c2: v128, invBc2sqrt: v128, eps: v128,
  wd: v128, decay: v128, sign: v128, amsgrad: bool, vec: bool,
): void {
  const x = mul<T>(ld<T>(p + o, vec), decay);
  const d = decayedGrad<T>(ld<T>(g + o, vec), x, sign, wd);
  const mt = ema<T>(m + o, d, b1, c1, vec);
  let vt = emaSquare<T>(v + o, d, b2, c2, vec);
  if (amsgrad) {
    vt = max<T>(ld<T>(vmax + o, vec), vt);
    st<T>(vmax + o, vt, vec);
  }
  const denom = add<T>(mul<T>(sqrt<T>(vt), invBc2sqrt), eps);
  st<T>(p + o, madd<T>(nstep, div<T>(mt, denom), x), vec);
}

@inline function adam<T>(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, n: usize,
  stepSize: f64, beta1: f64, beta2: f64, bc2sqrt: f64, eps: f64,
  weightDecay: f64, decay: f64, sign: f64, amsgrad: bool,
): void {
  const ns = splat<T>(-stepSize), b1 = splat<T>(beta1), c1 = splat<T>(1 - beta1);
  const b2 = splat<T>(beta2), c2 = splat<T>(1 - beta2), bc = splat<T>(1 / bc2sqrt), e = splat<T>(eps);
  const wd = splat<T>(weightDecay), dc = splat<T>(decay), sg = splat<T>(sign);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    adamAt<T>(o, p, g, m, v, vmax, ns, b1, c1, b2, c2, bc, e, wd, dc, sg, amsgrad, true);
    adamAt<T>(o + 16, p, g, m, v, vmax, ns, b1, c1, b2, c2, bc, e, wd, dc, sg, amsgrad, true);
  }
  for (; o < end16(bytes); o += 16) adamAt<T>(o, p, g, m, v, vmax, ns, b1, c1, b2, c2, bc, e, wd, dc, sg, amsgrad, true);
  for (; o < bytes; o += sizeof<T>()) adamAt<T>(o, p, g, m, v, vmax, ns, b1, c1, b2, c2, bc, e, wd, dc, sg, amsgrad, false);
}

// vmax is used (and may be 0 otherwise) when amsgrad is true.
export function adam_f32(p: usize, g: usize, m: usize, v: usize, vmax: usize, n: usize, stepSize: f64, beta1: f64, beta2: f64, bc2sqrt: f64, eps: f64, wd: f64, decay: f64, sign: f64, amsgrad: bool): void {
  if (amsgrad) adam<f32>(p, g, m, v, vmax, n, stepSize, beta1, beta2, bc2sqrt, eps, wd, decay, sign, true);
  else adam<f32>(p, g, m, v, vmax, n, stepSize, beta1, beta2, bc2sqrt, eps, wd, decay, sign, false);
}
export function adam_f64(p: usize, g: usize, m: usize, v: usize, vmax: usize, n: usize, stepSize: f64, beta1: f64, beta2: f64, bc2sqrt: f64, eps: f64, wd: f64, decay: f64, sign: f64, amsgrad: bool): void {
  if (amsgrad) adam<f64>(p, g, m, v, vmax, n, stepSize, beta1, beta2, bc2sqrt, eps, wd, decay, sign, true);
  else adam<f64>(p, g, m, v, vmax, n, stepSize, beta1, beta2, bc2sqrt, eps, wd, decay, sign, false);
}
