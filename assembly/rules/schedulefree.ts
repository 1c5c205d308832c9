import { ld, st, add, mul, div, sqrt, madd, emaSquare } from "../simd";

// Schedule-Free SGD / AdamW (Defazio et al. 2024), one fused pass over y (the param in
// train mode), g, z, x and (AdamW) v:
//   AdamW:  v = b2*v + (1 - b2)*g*g;  u = g / (sqrt(v * (1 / bc2)) + eps)   (variant "paper": bc2 = 1)
//   SGD:    u = g
//   u = u + wd*y                                 (l2: only when wd != 0, as the reference)
//   z = z - lr*u
//   x = (1 - c)*x + c*z
//   y = beta*x + (1 - beta)*z
// (the reference divides v by bc2; the reciprocal differs by at most an ulp under the sqrt
// and saves one of the two SIMD divisions.)

/** y = beta*x + (1 - beta)*z: the train-mode point (the step and train() share it, bit for bit). */
@inline function interpolate<T>(x: v128, z: v128, beta: v128, oneMinusBeta: v128): v128 {
  return add<T>(mul<T>(x, beta), mul<T>(z, oneMinusBeta));
}

@inline export function scheduleFreeAt<T>(
  o: usize, y: usize, g: usize, z: usize, x: usize, v: usize,
  negLr: v128, weightDecay: v128, beta2: v128, oneMinusBeta2: v128, invBc2: v128, eps: v128,
  c: v128, oneMinusC: v128, beta: v128, oneMinusBeta: v128,
  adam: bool, l2: bool, vec: bool,
): void {
  let u = ld<T>(g + o, vec);
  if (adam) {
    const vt = emaSquare<T>(v + o, u, beta2, oneMinusBeta2, vec);
    u = div<T>(u, add<T>(sqrt<T>(mul<T>(vt, invBc2)), eps));
  }
  if (l2) u = madd<T>(weightDecay, ld<T>(y + o, vec), u);
  const zt = madd<T>(negLr, u, ld<T>(z + o, vec));
  const xt = madd<T>(c, zt, mul<T>(ld<T>(x + o, vec), oneMinusC));
  st<T>(z + o, zt, vec);
  st<T>(x + o, xt, vec);
  st<T>(y + o, interpolate<T>(xt, zt, beta, oneMinusBeta), vec);
}

// train(): y = beta*x + (1 - beta)*z (back from x to y).
@inline export function scheduleFreeYAt<T>(o: usize, y: usize, z: usize, x: usize, beta: v128, oneMinusBeta: v128, vec: bool): void {
  st<T>(y + o, interpolate<T>(ld<T>(x + o, vec), ld<T>(z + o, vec), beta, oneMinusBeta), vec);
}
