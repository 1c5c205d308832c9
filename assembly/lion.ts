import { ld, st, splat, mul, madd, bytesOf, end32, end16 } from "./simd";

// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), one fused pass:
//   g = sign*g                                   (-1 under maximize)
//   u = sgn(b1*m + (1 - b1)*g)                   (sgn(0) = 0, as torch.sign)
//   p = p - lr*(u + wd*p)
//   m = b2*m + (1 - b2)*g

/** sgn(a) lanewise: +-1 with a's sign bit, and a itself where a is +-0 or NaN. */
@inline function sgn<T>(a: v128, zero: v128, one: v128, signBit: v128): v128 {
  const nonzero = v128.or(v128.gt<T>(a, zero), v128.lt<T>(a, zero));
  return v128.bitselect(v128.or(v128.and(a, signBit), one), a, nonzero);
}

@inline function lionAt<T>(
  o: usize, p: usize, g: usize, m: usize,
  nlr: v128, b1: v128, c1: v128, b2: v128, c2: v128, wd: v128, sign: v128,
  zero: v128, one: v128, signBit: v128, vec: bool,
): void {
  const x = ld<T>(p + o, vec);
  const d = mul<T>(ld<T>(g + o, vec), sign);
  const mo = ld<T>(m + o, vec);
  const u = sgn<T>(madd<T>(c1, d, mul<T>(mo, b1)), zero, one, signBit);
  st<T>(p + o, madd<T>(nlr, madd<T>(wd, x, u), x), vec);
  st<T>(m + o, madd<T>(c2, d, mul<T>(mo, b2)), vec);
}

@inline function lion<T>(p: usize, g: usize, m: usize, n: usize, lr: f64, beta1: f64, beta2: f64, weightDecay: f64, sign: f64): void {
  const nlr = splat<T>(-lr), b1 = splat<T>(beta1), c1 = splat<T>(1 - beta1), b2 = splat<T>(beta2), c2 = splat<T>(1 - beta2);
  const wd = splat<T>(weightDecay), sg = splat<T>(sign), zero = splat<T>(0), one = splat<T>(1), sb = splat<T>(-0.0);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    lionAt<T>(o, p, g, m, nlr, b1, c1, b2, c2, wd, sg, zero, one, sb, true);
    lionAt<T>(o + 16, p, g, m, nlr, b1, c1, b2, c2, wd, sg, zero, one, sb, true);
  }
  for (; o < end16(bytes); o += 16) lionAt<T>(o, p, g, m, nlr, b1, c1, b2, c2, wd, sg, zero, one, sb, true);
  for (; o < bytes; o += sizeof<T>()) lionAt<T>(o, p, g, m, nlr, b1, c1, b2, c2, wd, sg, zero, one, sb, false);
}

export function lion_f32(p: usize, g: usize, m: usize, n: usize, lr: f64, beta1: f64, beta2: f64, wd: f64, sign: f64): void {
  lion<f32>(p, g, m, n, lr, beta1, beta2, wd, sign);
}
export function lion_f64(p: usize, g: usize, m: usize, n: usize, lr: f64, beta1: f64, beta2: f64, wd: f64, sign: f64): void {
  lion<f64>(p, g, m, n, lr, beta1, beta2, wd, sign);
}
