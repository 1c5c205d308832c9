import { ld, st, add, div, sqrt, madd, decayedGrad } from "../simd";

// Adagrad (torch.optim.Adagrad):
//   g = sign*g + wd*p
//   sum = sum + g*g
//   p = p - clr * g / (sqrt(sum) + eps),   clr = lr / (1 + (t - 1)*lrDecay)
@inline export function adagradAt<T>(
  o: usize, p: usize, g: usize, sum: usize,
  negClr: v128, eps: v128, weightDecay: v128, sign: v128, l2: bool, vec: bool,
): void {
  const x = ld<T>(p + o, vec);
  const d = decayedGrad<T>(ld<T>(g + o, vec), x, sign, weightDecay, l2);
  const s = madd<T>(d, d, ld<T>(sum + o, vec));
  st<T>(sum + o, s, vec);
  st<T>(p + o, madd<T>(negClr, div<T>(d, add<T>(sqrt<T>(s), eps)), x), vec);
}
