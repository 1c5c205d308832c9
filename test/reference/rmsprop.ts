// Readable scalar RMSprop step (the kernel's order; `r` rounds after every operation). `plain`
// is the kernel's specialisation for no weight decay, not maximizing: the gradient as it is.
import { decayedGrad } from "./decayed-grad.js";
export interface RMSpropScalars {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  sign: number;
}

export function rmspropReference(
  r: (x: number) => number,
  p: Float64Array,
  g: ArrayLike<number>,
  v: Float64Array,
  gavg: Float64Array | null,
  buf: Float64Array | null,
  k: RMSpropScalars,
  plain = false,
): void {
  const [nlr, a, c, eps, wd, mu, sign] = [-k.lr, k.alpha, 1 - k.alpha, k.eps, k.weightDecay, k.momentum, k.sign].map(r) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  for (let i = 0; i < p.length; i++) {
    const x = p[i]!;
    const d = plain ? g[i]! : decayedGrad(r, g[i]!, x, sign, wd);
    v[i] = r(r(r(c * d) * d) + r(v[i]! * a));
    let avg = v[i]!;
    if (gavg) {
      gavg[i] = r(r(c * d) + r(gavg[i]! * a));
      avg = r(avg - r(gavg[i]! * gavg[i]!));
    }
    avg = r(r(Math.sqrt(avg)) + eps);
    let step = r(d / avg);
    if (buf) step = buf[i] = r(r(buf[i]! * mu) + step);
    p[i] = r(r(nlr * step) + x);
  }
}
