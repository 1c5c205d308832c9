// The library's SGD-with-momentum kernel with its defaults (its sgd_f32 export, imported as
// repeat.sgd_f32: the same code on the library's buffers), called `reps` times from wasm: no
// JavaScript between two runs, as in the C loop (bench/kernels.bench.mjs, "wasm loop").
// Compiled by bench/native/build.mjs into bench/native/build/repeat.wasm.

declare function sgd_f32(
  p: usize,
  g: usize,
  buf: usize,
  n: usize,
  lr: f64,
  sign: f64,
  weightDecay: f64,
  bufMomentum: f64,
  oneMinusDampening: f64,
  momentum: f64,
  kind: i32,
  plain: bool,
  l2: bool,
): void;

export function sgdMomentum(p: usize, g: usize, buf: usize, n: usize, lr: f64, momentum: f64, reps: i32): void {
  for (let r = 0; r < reps; r++) sgd_f32(p, g, buf, n, lr, 1, 0, momentum, 1, momentum, 1, true, false);
}
