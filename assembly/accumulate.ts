import { ld, st, splat, add, div, bytesOf, end32, end16 } from "./simd";

// Gradient accumulation over k micro-batches (the first micro-batch is copied into acc):
//   accumulate:      acc = acc + g                  (micro-batches 2 .. k-1)
//   accumulateMean:  g = (acc + g) / k              (micro-batch k: the mean lands in g)
// mean is a literal, folded at compile time.
@inline function accumulateAt<T>(o: usize, acc: usize, g: usize, k: v128, mean: bool, vec: bool): void {
  const s = add<T>(ld<T>(acc + o, vec), ld<T>(g + o, vec));
  if (mean) st<T>(g + o, div<T>(s, k), vec);
  else st<T>(acc + o, s, vec);
}

@inline function accumulate<T>(acc: usize, g: usize, n: usize, k: f64, mean: bool): void {
  const vk = splat<T>(k);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    accumulateAt<T>(o, acc, g, vk, mean, true);
    accumulateAt<T>(o + 16, acc, g, vk, mean, true);
  }
  for (; o < end16(bytes); o += 16) accumulateAt<T>(o, acc, g, vk, mean, true);
  for (; o < bytes; o += sizeof<T>()) accumulateAt<T>(o, acc, g, vk, mean, false);
}

export function accumulate_f32(acc: usize, g: usize, n: usize): void { accumulate<f32>(acc, g, n, 1, false); }
export function accumulate_f64(acc: usize, g: usize, n: usize): void { accumulate<f64>(acc, g, n, 1, false); }
export function accumulateMean_f32(acc: usize, g: usize, n: usize, k: f64): void { accumulate<f32>(acc, g, n, k, true); }
export function accumulateMean_f64(acc: usize, g: usize, n: usize, k: f64): void { accumulate<f64>(acc, g, n, k, true); }
