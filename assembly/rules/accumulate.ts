import { ld, st, add, div } from "../simd";

// Gradient accumulation over k micro-batches (the first micro-batch is copied into acc):
//   accumulate:      acc = acc + g                  (micro-batches 2 .. k-1)
//   accumulateMean:  g = (acc + g) / k              (micro-batch k: the mean lands in g)
@inline export function accumulateAt<T>(o: usize, acc: usize, g: usize, vec: bool): void {
  st<T>(acc + o, add<T>(ld<T>(acc + o, vec), ld<T>(g + o, vec)), vec);
}

@inline export function accumulateMeanAt<T>(o: usize, acc: usize, g: usize, k: v128, vec: bool): void {
  st<T>(g + o, div<T>(add<T>(ld<T>(acc + o, vec), ld<T>(g + o, vec)), k), vec);
}
