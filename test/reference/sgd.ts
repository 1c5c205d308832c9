// Readable scalar SGD step (the kernel's order; `r` rounds after every operation). `plain` is
// the kernel's specialisation for torch's defaults (no weight decay, not maximizing, no
// dampening): the gradient as it is, added to momentum*buf unscaled.
import { decayedGrad } from "./decayed-grad.js";
export interface SGDScalars {
  lr: number;
  sign: number;
  weightDecay: number;
  bufMomentum: number; // 0 on the first momentum step (buffer := d)
  oneMinusDampening: number; // 1 on the first momentum step
  momentum: number;
}

export function sgdReference(
  r: (x: number) => number,
  p: Float64Array,
  g: ArrayLike<number>,
  buf: Float64Array | null,
  nesterov: boolean,
  k: SGDScalars,
  plain = false,
): void {
  const [nlr, sign, wd, bm, damp, mu] = [-k.lr, k.sign, k.weightDecay, k.bufMomentum, k.oneMinusDampening, k.momentum].map(r) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  for (let i = 0; i < p.length; i++) {
    const x = p[i]!;
    let d = plain ? g[i]! : decayedGrad(r, g[i]!, x, sign, wd);
    if (buf) {
      buf[i] = r((plain ? d : r(damp * d)) + r(buf[i]! * bm));
      d = nesterov ? r(r(mu * buf[i]!) + d) : buf[i]!;
    }
    p[i] = r(r(nlr * d) + x);
  }
}
