import { ld, st, mul, sub, madd, decayedGrad } from "../simd";

// ASGD (Polyak & Juditsky 1992; Bottou 2010), as torch.optim.ASGD in torch 1.13:
//   g = sign*g + wd*p                            (-1 under maximize; L2 weight decay)
//   p = p*decay                                  (decay = 1 - lambd*eta, eta of the previous step)
//   p = p + (-eta)*g
//   ax = ax + (p - ax)*mu   if mu != 1 (average), else ax = p
// eta and mu for the next step are computed by the caller.

@inline export function asgdAt<T>(
  o: usize, p: usize, g: usize, ax: usize,
  negEta: v128, decay: v128, mu: v128, weightDecay: v128, sign: v128,
  average: bool, l2: bool, vec: bool,
): void {
  const x = ld<T>(p + o, vec);
  const d = decayedGrad<T>(ld<T>(g + o, vec), x, sign, weightDecay, l2);
  const y = madd<T>(negEta, d, mul<T>(x, decay));
  st<T>(p + o, y, vec);
  if (average) {
    const a = ld<T>(ax + o, vec);
    st<T>(ax + o, madd<T>(sub<T>(y, a), mu, a), vec);
  } else st<T>(ax + o, y, vec);
}
