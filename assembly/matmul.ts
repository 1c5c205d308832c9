// Dense float32 matrix kernels for Muon's Newton-Schulz iteration (row-major, byte pointers).
//
//   addmm_f32:     out[m x n] = beta*C + alpha*(A[m x k] . B[k x n])     (torch.addmm)
//   transpose_f32: out[cols x rows] = X[rows x cols]^T
//
// addmm is blocked for the cache: k in panels of KC, rows in blocks of MC (an MC x KC block
// of A, 64 KiB, stays in L2 while every 8-column panel of B, KC x 8 = 8 KiB, sits in L1),
// and a register tile of 4 rows x 8 columns (8 f32x4 accumulators; per k: 2 loads of B, 4
// broadcasts of A, 8 mul + 8 add). Each output element is a sum over k in order 0..k-1,
// rounded to float32 after every multiply and add (WebAssembly SIMD has no FMA): partial
// sums cross the KC panels through `out`, exactly, so the result equals the scalar loop
//   acc = 0; for p in 0..k-1: acc = f32(acc + f32(a[i,p]*b[p,j]))
//   out[i,j] = f32(f32(beta*c[i,j]) + f32(alpha*acc))   (beta = 0: C is not read)
// bit for bit, whatever the blocking. out must not overlap A, B or C.

const KC: usize = 256; // k per panel
const MC: usize = 64; // rows per block

@inline function get(ptr: usize, w: i32): v128 {
  return w == 1 ? f32x4.splat(load<f32>(ptr)) : v128.load(ptr);
}

@inline function put(ptr: usize, cptr: usize, acc: v128, w: i32, last: bool, av: v128, bv: v128, useC: bool): void {
  let v = acc;
  if (last) {
    v = f32x4.mul(av, acc);
    if (useC) v = f32x4.add(f32x4.mul(bv, get(cptr, w)), v);
  }
  if (w == 1) store<f32>(ptr, f32x4.extract_lane(v, 0));
  else v128.store(ptr, v);
}

/**
 * One register tile: rows i .. i+R-1 (R = 4 or 1) and columns j .. j+W-1 (W = 8, 4, or 1:
 * one element splat to every lane, lane 0 kept), over k in [p0, p1). R and W are literals.
 */
@inline function tile(
  out: usize, c: usize, a: usize, b: usize, i: usize, j: usize, p0: usize, p1: usize, k: usize, n: usize,
  av: v128, bv: v128, useC: bool, first: bool, last: bool, R: i32, W: i32,
): void {
  const rowA = k << 2, rowO = n << 2;
  const o0 = out + ((i * n + j) << 2), c0 = c + ((i * n + j) << 2);
  const zero = f32x4.splat(0);
  let x0 = zero, x1 = zero, y0 = zero, y1 = zero, z0 = zero, z1 = zero, w0 = zero, w1 = zero;
  if (!first) {
    x0 = get(o0, W);
    if (W == 8) x1 = v128.load(o0 + 16);
    if (R == 4) {
      y0 = get(o0 + rowO, W); z0 = get(o0 + 2 * rowO, W); w0 = get(o0 + 3 * rowO, W);
      if (W == 8) { y1 = v128.load(o0 + rowO + 16); z1 = v128.load(o0 + 2 * rowO + 16); w1 = v128.load(o0 + 3 * rowO + 16); }
    }
  }
  let pa = a + ((i * k + p0) << 2);
  let pb = b + ((p0 * n + j) << 2);
  for (let p = p0; p < p1; p++, pa += 4, pb += rowO) {
    const b0 = get(pb, W);
    const b1 = W == 8 ? v128.load(pb + 16) : zero;
    const a0 = f32x4.splat(load<f32>(pa));
    x0 = f32x4.add(x0, f32x4.mul(a0, b0));
    if (W == 8) x1 = f32x4.add(x1, f32x4.mul(a0, b1));
    if (R == 4) {
      const a1 = f32x4.splat(load<f32>(pa + rowA));
      const a2 = f32x4.splat(load<f32>(pa + 2 * rowA));
      const a3 = f32x4.splat(load<f32>(pa + 3 * rowA));
      y0 = f32x4.add(y0, f32x4.mul(a1, b0));
      z0 = f32x4.add(z0, f32x4.mul(a2, b0));
      w0 = f32x4.add(w0, f32x4.mul(a3, b0));
      if (W == 8) {
        y1 = f32x4.add(y1, f32x4.mul(a1, b1));
        z1 = f32x4.add(z1, f32x4.mul(a2, b1));
        w1 = f32x4.add(w1, f32x4.mul(a3, b1));
      }
    }
  }
  put(o0, c0, x0, W, last, av, bv, useC);
  if (W == 8) put(o0 + 16, c0 + 16, x1, W, last, av, bv, useC);
  if (R == 4) {
    put(o0 + rowO, c0 + rowO, y0, W, last, av, bv, useC);
    put(o0 + 2 * rowO, c0 + 2 * rowO, z0, W, last, av, bv, useC);
    put(o0 + 3 * rowO, c0 + 3 * rowO, w0, W, last, av, bv, useC);
    if (W == 8) {
      put(o0 + rowO + 16, c0 + rowO + 16, y1, W, last, av, bv, useC);
      put(o0 + 2 * rowO + 16, c0 + 2 * rowO + 16, z1, W, last, av, bv, useC);
      put(o0 + 3 * rowO + 16, c0 + 3 * rowO + 16, w1, W, last, av, bv, useC);
    }
  }
}

/** Every row of the block [i0, i1) at columns j .. j+W-1: 4-row tiles, then single rows. */
@inline function rows(
  out: usize, c: usize, a: usize, b: usize, i0: usize, i1: usize, j: usize, p0: usize, p1: usize, k: usize, n: usize,
  av: v128, bv: v128, useC: bool, first: bool, last: bool, W: i32,
): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) tile(out, c, a, b, i, j, p0, p1, k, n, av, bv, useC, first, last, 4, W);
  for (; i < i1; i++) tile(out, c, a, b, i, j, p0, p1, k, n, av, bv, useC, first, last, 1, W);
}

export function addmm_f32(out: usize, c: usize, a: usize, b: usize, m: usize, k: usize, n: usize, beta: f64, alpha: f64): void {
  const av = f32x4.splat(<f32>alpha), bv = f32x4.splat(<f32>beta);
  const useC = beta != 0;
  const n8 = n & ~(<usize>7), n4 = n & ~(<usize>3);
  let p0: usize = 0;
  while (true) {
    const p1 = min(p0 + KC, k);
    const first = p0 == 0, last = p1 == k;
    for (let i0: usize = 0; i0 < m; i0 += MC) {
      const i1 = min(i0 + MC, m);
      let j: usize = 0;
      for (; j < n8; j += 8) rows(out, c, a, b, i0, i1, j, p0, p1, k, n, av, bv, useC, first, last, 8);
      for (; j < n4; j += 4) rows(out, c, a, b, i0, i1, j, p0, p1, k, n, av, bv, useC, first, last, 4);
      for (; j < n; j++) rows(out, c, a, b, i0, i1, j, p0, p1, k, n, av, bv, useC, first, last, 1);
    }
    if (last) break;
    p0 = p1;
  }
}

const TB: usize = 32; // transpose block (32 x 32 floats: 4 KiB read, 4 KiB written)

export function transpose_f32(out: usize, x: usize, rows: usize, cols: usize): void {
  for (let i0: usize = 0; i0 < rows; i0 += TB) {
    const i1 = min(i0 + TB, rows);
    for (let j0: usize = 0; j0 < cols; j0 += TB) {
      const j1 = min(j0 + TB, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) store<f32>(out + ((j * rows + i) << 2), load<f32>(x + ((i * cols + j) << 2)));
      }
    }
  }
}
