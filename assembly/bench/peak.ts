// The 128-bit SIMD peak of this machine under V8, FMA-free (WebAssembly SIMD has no fused
// multiply-add, so the matrix kernels issue one f32x4.mul and one f32x4.add per 4 lanes):
// 12 independent chains a = a*m + c, enough to cover the latency of mul and add, all in
// registers, no memory traffic. 12 chains x 4 lanes x 2 flops = 96 flops per iteration.
// Not part of the module (assembly/index.ts does not import it): compiled on its own by
// bench/matmul.bench.mjs with the project's AssemblyScript.
export function peak(iters: i32): f32 {
  const m = f32x4.splat(0.999999);
  const c = f32x4.splat(1e-7);
  let a0 = f32x4.splat(0.1), a1 = f32x4.splat(0.2), a2 = f32x4.splat(0.3), a3 = f32x4.splat(0.4);
  let a4 = f32x4.splat(0.5), a5 = f32x4.splat(0.6), a6 = f32x4.splat(0.7), a7 = f32x4.splat(0.8);
  let a8 = f32x4.splat(0.9), a9 = f32x4.splat(1.0), a10 = f32x4.splat(1.1), a11 = f32x4.splat(1.2);
  for (let i = 0; i < iters; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c); a1 = f32x4.add(f32x4.mul(a1, m), c);
    a2 = f32x4.add(f32x4.mul(a2, m), c); a3 = f32x4.add(f32x4.mul(a3, m), c);
    a4 = f32x4.add(f32x4.mul(a4, m), c); a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c); a7 = f32x4.add(f32x4.mul(a7, m), c);
    a8 = f32x4.add(f32x4.mul(a8, m), c); a9 = f32x4.add(f32x4.mul(a9, m), c);
    a10 = f32x4.add(f32x4.mul(a10, m), c); a11 = f32x4.add(f32x4.mul(a11, m), c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11));
  const u = f32x4.add(s, t);
  return f32x4.extract_lane(u, 0) + f32x4.extract_lane(u, 1) + f32x4.extract_lane(u, 2) + f32x4.extract_lane(u, 3);
}
