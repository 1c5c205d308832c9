import { ld, st, mul, sub, max, min, sgn } from "../simd";

// Rprop (Riedmiller & Braun 1993), as torch.optim.Rprop in torch 1.13 (no weight decay):
//   g = sign*g                                   (-1 under maximize)
//   s = g*prev                                   (torch takes sign(s): sign(NaN) = 0)
//   f = etaplus where s > 0, etaminus where s < 0, else 1 (s = 0 or NaN)
//   stepSize = min(max(stepSize*f, stepSizeMin), stepSizeMax)
//   g = 0 where s < 0                            (a sign flip: shrink the step, do not move)
//   p = p - sgn(g)*stepSize                      (sgn(+-0) = sgn(NaN) = +0, as torch.sign)
//   prev = g

@inline export function rpropAt<T>(
  o: usize, p: usize, g: usize, prev: usize, stepSize: usize,
  etaminus: v128, etaplus: v128, stepSizeMin: v128, stepSizeMax: v128, sign: v128,
  zero: v128, one: v128, signBit: v128, vec: bool,
): void {
  const d = mul<T>(ld<T>(g + o, vec), sign);
  const s = mul<T>(d, ld<T>(prev + o, vec));
  const neg = v128.lt<T>(s, zero);
  const f = v128.bitselect(etaplus, v128.bitselect(etaminus, one, neg), v128.gt<T>(s, zero));
  const size = min<T>(max<T>(mul<T>(ld<T>(stepSize + o, vec), f), stepSizeMin), stepSizeMax);
  const kept = v128.andnot(d, neg); // +0 where the sign flipped
  st<T>(stepSize + o, size, vec);
  st<T>(p + o, sub<T>(ld<T>(p + o, vec), mul<T>(sgn<T>(kept, zero, one, signBit), size)), vec);
  st<T>(prev + o, kept, vec);
}
