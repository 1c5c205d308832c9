// Readable scalar Rprop step (torch.optim.Rprop, torch 1.13), rounded after every operation
// in the kernel's order: the ground truth the SIMD kernel must match bit for bit.
import { sign } from "./lion.js";

export interface RpropScalars {
  etaminus: number;
  etaplus: number;
  stepSizeMin: number;
  stepSizeMax: number;
  sign: number; // -1 when maximizing
}

export function rpropReference(
  r: (x: number) => number,
  p: Float64Array,
  g: ArrayLike<number>,
  prev: Float64Array,
  stepSize: Float64Array,
  k: RpropScalars,
): void {
  const [minus, plus, lo, hi, s] = [k.etaminus, k.etaplus, k.stepSizeMin, k.stepSizeMax, k.sign].map(r) as [
    number,
    number,
    number,
    number,
    number,
  ];
  for (let i = 0; i < p.length; i++) {
    const d = r(g[i]! * s);
    const prod = r(d * prev[i]!);
    const f = prod > 0 ? plus : prod < 0 ? minus : 1; // 0 or NaN: torch.sign gives 0 for both
    const size = Math.min(Math.max(r(stepSize[i]! * f), lo), hi);
    const kept = prod < 0 ? 0 : d;
    stepSize[i] = size;
    p[i] = r(p[i]! - r(sign(kept) * size));
    prev[i] = kept;
  }
}
