import { ld, st, mul, madd, sgn } from "../simd";

// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), one fused pass:
//   g = sign*g                                   (-1 under maximize)
//   u = sgn(b1*m + (1 - b1)*g)                   (sgn(+-0) = sgn(NaN) = +0, as torch.sign)
//   p = p*decay - lr*u                           (decay = 1 - lr*wd, as lion-pytorch: wd = 0 keeps +-Infinity)
//   m = b2*m + (1 - b2)*g

@inline export function lionAt<T>(
  o: usize, p: usize, g: usize, m: usize,
  negLr: v128, beta1: v128, oneMinusBeta1: v128, beta2: v128, oneMinusBeta2: v128, decay: v128, sign: v128,
  zero: v128, one: v128, signBit: v128, vec: bool,
): void {
  const d = mul<T>(ld<T>(g + o, vec), sign);
  const mo = ld<T>(m + o, vec);
  const u = sgn<T>(madd<T>(oneMinusBeta1, d, mul<T>(mo, beta1)), zero, one, signBit);
  st<T>(p + o, madd<T>(negLr, u, mul<T>(ld<T>(p + o, vec), decay)), vec);
  st<T>(m + o, madd<T>(oneMinusBeta2, d, mul<T>(mo, beta2)), vec);
}
