import { ld, st, mul, sub, madd } from "../simd";

// Muon's momentum (torch.optim.Muon, torch >= 2.9), before the Newton-Schulz step
// (assembly/matmul.ts):
//   buf = lerp(buf, g, 1 - momentum)             (an EMA)
//   u = nesterov ? lerp(g, buf, momentum) : buf
// lerp is torch's CPU formula with the weight w rounded to the dtype:
//   lerp(a, b, w) = a + w*(b - a)  if |w| < 0.5 (low), else b - (b - a)*(1 - w)

@inline function lerp<T>(a: v128, b: v128, w: v128, one: v128, low: bool): v128 {
  const diff = sub<T>(b, a);
  return low ? madd<T>(w, diff, a) : sub<T>(b, mul<T>(diff, sub<T>(one, w)));
}

@inline export function muonMomentumAt<T>(
  o: usize, g: usize, buf: usize, u: usize,
  w: v128, mu: v128, one: v128,
  nesterov: bool, bufLow: bool, nesterovLow: bool, vec: bool,
): void {
  const x = ld<T>(g + o, vec);
  const b = lerp<T>(ld<T>(buf + o, vec), x, w, one, bufLow);
  st<T>(buf + o, b, vec);
  st<T>(u + o, nesterov ? lerp<T>(x, b, mu, one, nesterovLow) : b, vec);
}
