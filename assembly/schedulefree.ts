import { ld, st, splat, add, mul, div, sqrt, madd, emaSquare, bytesOf, end32, end16 } from "./simd";

// Schedule-Free SGD / AdamW (Defazio et al. 2024), one fused pass over y (the param in
// train mode), g, z, x and (AdamW) v:
//   AdamW:  v = b2*v + (1 - b2)*g*g;  u = g / (sqrt(v * (1 / bc2)) + eps)   (variant "paper": bc2 = 1)
//   SGD:    u = g
//   u = u + wd*y
//   z = z - lr*u
//   x = (1 - c)*x + c*z
//   y = beta*x + (1 - beta)*z
// (the reference divides v by bc2; the reciprocal differs by at most an ulp under the sqrt
// and saves one of the two SIMD divisions.)

/** y = beta*x + (1 - beta)*z: the train-mode point (the step and train() share it, bit for bit). */
@inline function interpolate<T>(x: v128, z: v128, beta: v128, cbeta: v128): v128 {
  return add<T>(mul<T>(x, beta), mul<T>(z, cbeta));
}

@inline function scheduleFreeAt<T>(
  o: usize, y: usize, g: usize, z: usize, x: usize, v: usize,
  nlr: v128, wd: v128, b2: v128, c2: v128, invBc2: v128, eps: v128, c: v128, cc: v128, beta: v128, cbeta: v128,
  adam: bool, vec: bool,
): void {
  let u = ld<T>(g + o, vec);
  if (adam) {
    const vt = emaSquare<T>(v + o, u, b2, c2, vec);
    u = div<T>(u, add<T>(sqrt<T>(mul<T>(vt, invBc2)), eps));
  }
  u = madd<T>(wd, ld<T>(y + o, vec), u);
  const zt = madd<T>(nlr, u, ld<T>(z + o, vec));
  const xt = madd<T>(c, zt, mul<T>(ld<T>(x + o, vec), cc));
  st<T>(z + o, zt, vec);
  st<T>(x + o, xt, vec);
  st<T>(y + o, interpolate<T>(xt, zt, beta, cbeta), vec);
}

@inline function scheduleFree<T>(
  y: usize, g: usize, z: usize, x: usize, v: usize, n: usize,
  lr: f64, weightDecay: f64, beta2: f64, bc2: f64, eps: f64, ckpt: f64, beta: f64, adam: bool,
): void {
  const nlr = splat<T>(-lr), wd = splat<T>(weightDecay), b2 = splat<T>(beta2), c2 = splat<T>(1 - beta2);
  const bc = splat<T>(1 / bc2), e = splat<T>(eps), c = splat<T>(ckpt), cc = splat<T>(1 - ckpt);
  const b = splat<T>(beta), cb = splat<T>(1 - beta);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    scheduleFreeAt<T>(o, y, g, z, x, v, nlr, wd, b2, c2, bc, e, c, cc, b, cb, adam, true);
    scheduleFreeAt<T>(o + 16, y, g, z, x, v, nlr, wd, b2, c2, bc, e, c, cc, b, cb, adam, true);
  }
  for (; o < end16(bytes); o += 16) scheduleFreeAt<T>(o, y, g, z, x, v, nlr, wd, b2, c2, bc, e, c, cc, b, cb, adam, true);
  for (; o < bytes; o += sizeof<T>()) scheduleFreeAt<T>(o, y, g, z, x, v, nlr, wd, b2, c2, bc, e, c, cc, b, cb, adam, false);
}

// train(): y = beta*x + (1 - beta)*z over n elements (back from x to y).
@inline function yAt<T>(o: usize, y: usize, z: usize, x: usize, beta: v128, cbeta: v128, vec: bool): void {
  st<T>(y + o, interpolate<T>(ld<T>(x + o, vec), ld<T>(z + o, vec), beta, cbeta), vec);
}

@inline function scheduleFreeY<T>(y: usize, z: usize, x: usize, n: usize, beta: f64): void {
  const b = splat<T>(beta), cb = splat<T>(1 - beta);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    yAt<T>(o, y, z, x, b, cb, true);
    yAt<T>(o + 16, y, z, x, b, cb, true);
  }
  for (; o < end16(bytes); o += 16) yAt<T>(o, y, z, x, b, cb, true);
  for (; o < bytes; o += sizeof<T>()) yAt<T>(o, y, z, x, b, cb, false);
}

// adam: the AdamW step (v is used; SGD ignores v, beta2, bc2, eps, which may be 0).
export function scheduleFree_f32(y: usize, g: usize, z: usize, x: usize, v: usize, n: usize, lr: f64, wd: f64, beta2: f64, bc2: f64, eps: f64, c: f64, beta: f64, adam: bool): void {
  if (adam) scheduleFree<f32>(y, g, z, x, v, n, lr, wd, beta2, bc2, eps, c, beta, true);
  else scheduleFree<f32>(y, g, z, x, v, n, lr, wd, beta2, bc2, eps, c, beta, false);
}
export function scheduleFree_f64(y: usize, g: usize, z: usize, x: usize, v: usize, n: usize, lr: f64, wd: f64, beta2: f64, bc2: f64, eps: f64, c: f64, beta: f64, adam: bool): void {
  if (adam) scheduleFree<f64>(y, g, z, x, v, n, lr, wd, beta2, bc2, eps, c, beta, true);
  else scheduleFree<f64>(y, g, z, x, v, n, lr, wd, beta2, bc2, eps, c, beta, false);
}
export function scheduleFreeY_f32(y: usize, z: usize, x: usize, n: usize, beta: f64): void {
  scheduleFreeY<f32>(y, z, x, n, beta);
}
export function scheduleFreeY_f64(y: usize, z: usize, x: usize, n: usize, beta: f64): void {
  scheduleFreeY<f64>(y, z, x, n, beta);
}
