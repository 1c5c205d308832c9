import { ld, st, splat, widen, add, sub, mul, div, sqrt, max, madd, bytesOf, endOf } from "./simd";

// Adafactor (torch.optim.Adafactor, torch >= 2.5), in the operation order of torch's
// single-tensor code. A step is several passes, each a kernel below (the caller computes the
// per-step scalars in float64):
//
//   factored (a batch of `n` matrices of rows x cols, row-major; the param's last two dims):
//     adafactorFactors         row_var = lerp(row_var, mean_c g^2, w), col_var = lerp(col_var, mean_r g^2, w)
//     adafactorFactoredSumsq   sum U^2,  U = g / sqrt(max(row_var*col_var / max(mean(row_var), eps1), eps1^2))
//     adafactorFactoredStep    p = decay*p + s*U
//   unfactored (vectors):
//     adafactorVector          variance = lerp(variance, g^2, w); returns sum U^2, U = g / sqrt(max(variance, eps1^2))
//     adafactorVectorStep      p = decay*p + s*U
//
// U is computed twice (for its norm, then for the step) rather than stored: it needs no
// scratch memory, and both passes compute it with the same operations, so identically.
// Every elementwise operation rounds once to T, as torch's; the reductions (sums of g^2 per
// row and per column, the mean of row_var, the sum of U^2) add up in float64 (float32 data
// widened exactly), the means rounded once to T. A row or column mean is formed as torch's
// code forms it: the 2-norm rounded to T, squared in T, divided by the count in T.
//
// lerp(a, b, w) is torch's CPU formula with the weight rounded to T: a + w*(b - a) when
// w < 0.5, else b - (b - a)*(1 - w) (so w = 1, the first step, copies b exactly).

/** torch's lerp on a chunk: `high` (w >= 0.5) picks the second branch (a literal after inlining). */
@inline function lerp<T>(a: v128, b: v128, w: v128, oneMinusW: v128, high: bool): v128 {
  const diff = sub<T>(b, a);
  return high ? sub<T>(b, mul<T>(diff, oneMinusW)) : add<T>(a, mul<T>(w, diff));
}

/** x*x of two float64 lanes (a float32 square, widened first, is exact). */
@inline function sq(x: v128): v128 {
  return f64x2.mul(x, x);
}

/** sum x^2 over `n` elements at `x`, in float64. */
@inline function sumSq<T>(x: usize, n: usize): f64 {
  const bytes = bytesOf<T>(n);
  let a = f64x2.splat(0), b = f64x2.splat(0);
  let o: usize = 0;
  for (; o < endOf(bytes, 16); o += 16) {
    const v = v128.load(x + o);
    a = f64x2.add(a, sq(widen<T>(v, false)));
    if (sizeof<T>() == 4) b = f64x2.add(b, sq(widen<T>(v, true)));
  }
  const s = f64x2.add(a, b);
  let r = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; o < bytes; o += sizeof<T>()) {
    const e = <f64>load<T>(x + o);
    r += e * e;
  }
  return r;
}

/** The mean of count squares whose float64 sum is s, as torch forms it: (‖x‖ in T)^2 / count, in T. */
@inline function meanOfSquares<T>(s: f64, count: usize): T {
  const norm = <T>Math.sqrt(s);
  return <T>(norm * norm) / <T>count;
}

/** state[i] = lerp(state[i], mean, w), one element at `ptr`. */
@inline function lerpAt<T>(ptr: usize, mean: T, w: v128, oneMinusW: v128, high: bool): void {
  st<T>(ptr, lerp<T>(ld<T>(ptr, false), v128.splat<T>(mean), w, oneMinusW, high), false);
}

/** Column statistics of a strip of `chunks` 16-byte chunks (1 or 4) at byte offset o of each row. */
@inline function columnStrip<T>(
  g: usize, colVar: usize, rows: usize, rowBytes: usize, o: usize, chunks: i32, w: v128, oneMinusW: v128, high: bool,
): void {
  // one f64x2 accumulator per half chunk: a (lanes 0-1) and b (float32 lanes 2-3) of chunks 0..3
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let b0 = f64x2.splat(0), b1 = f64x2.splat(0), b2 = f64x2.splat(0), b3 = f64x2.splat(0);
  let at = g + o;
  for (let r: usize = 0; r < rows; r++, at += rowBytes) {
    const v0 = v128.load(at);
    a0 = f64x2.add(a0, sq(widen<T>(v0, false)));
    if (sizeof<T>() == 4) b0 = f64x2.add(b0, sq(widen<T>(v0, true)));
    if (chunks == 4) {
      const v1 = v128.load(at, 16), v2 = v128.load(at, 32), v3 = v128.load(at, 48);
      a1 = f64x2.add(a1, sq(widen<T>(v1, false)));
      a2 = f64x2.add(a2, sq(widen<T>(v2, false)));
      a3 = f64x2.add(a3, sq(widen<T>(v3, false)));
      if (sizeof<T>() == 4) {
        b1 = f64x2.add(b1, sq(widen<T>(v1, true)));
        b2 = f64x2.add(b2, sq(widen<T>(v2, true)));
        b3 = f64x2.add(b3, sq(widen<T>(v3, true)));
      }
    }
  }
  finishChunk<T>(colVar + o, a0, b0, rows, w, oneMinusW, high);
  if (chunks == 4) {
    finishChunk<T>(colVar + o + 16, a1, b1, rows, w, oneMinusW, high);
    finishChunk<T>(colVar + o + 32, a2, b2, rows, w, oneMinusW, high);
    finishChunk<T>(colVar + o + 48, a3, b3, rows, w, oneMinusW, high);
  }
}

/** The lerps of one chunk of col_var at `ptr` from its columns' float64 sums (lo: lanes 0-1; hi: 2-3 of f32). */
@inline function finishChunk<T>(ptr: usize, lo: v128, hi: v128, rows: usize, w: v128, oneMinusW: v128, high: bool): void {
  lerpAt<T>(ptr, meanOfSquares<T>(f64x2.extract_lane(lo, 0), rows), w, oneMinusW, high);
  lerpAt<T>(ptr + sizeof<T>(), meanOfSquares<T>(f64x2.extract_lane(lo, 1), rows), w, oneMinusW, high);
  if (sizeof<T>() == 4) {
    lerpAt<T>(ptr + 8, meanOfSquares<T>(f64x2.extract_lane(hi, 0), rows), w, oneMinusW, high);
    lerpAt<T>(ptr + 12, meanOfSquares<T>(f64x2.extract_lane(hi, 1), rows), w, oneMinusW, high);
  }
}

@inline function factors<T>(g: usize, rowVar: usize, colVar: usize, batch: usize, rows: usize, cols: usize, w: v128, oneMinusW: v128, high: bool): void {
  const rowBytes = bytesOf<T>(cols);
  for (let b: usize = 0; b < batch; b++) {
    const gb = g + b * rows * rowBytes;
    const rv = rowVar + bytesOf<T>(b * rows), cv = colVar + b * rowBytes;
    // rows: contiguous
    for (let r: usize = 0; r < rows; r++) lerpAt<T>(rv + bytesOf<T>(r), meanOfSquares<T>(sumSq<T>(gb + r * rowBytes, cols), cols), w, oneMinusW, high);
    // columns: strips of 64 bytes (one cache line of each row), then of 16, then single columns
    let o: usize = 0;
    for (; o + 64 <= endOf(rowBytes, 16); o += 64) columnStrip<T>(gb, cv, rows, rowBytes, o, 4, w, oneMinusW, high);
    for (; o < endOf(rowBytes, 16); o += 16) columnStrip<T>(gb, cv, rows, rowBytes, o, 1, w, oneMinusW, high);
    for (; o < rowBytes; o += sizeof<T>()) {
      let s: f64 = 0;
      for (let r: usize = 0; r < rows; r++) {
        const e = <f64>load<T>(gb + r * rowBytes + o);
        s += e * e;
      }
      lerpAt<T>(cv + o, meanOfSquares<T>(s, rows), w, oneMinusW, high);
    }
  }
}

/** Dispatches on the weight: w rounded to T, torch's branch chosen once per call. */
@inline function factorsOf<T>(g: usize, rowVar: usize, colVar: usize, batch: usize, rows: usize, cols: usize, weight: f64): void {
  const wT = <T>weight;
  const w = v128.splat<T>(wT), oneMinusW = v128.splat<T>(<T>1 - wT);
  if (wT >= <T>0.5) factors<T>(g, rowVar, colVar, batch, rows, cols, w, oneMinusW, true);
  else factors<T>(g, rowVar, colVar, batch, rows, cols, w, oneMinusW, false);
}

/** U for a chunk (vec) or one element: g / sqrt(max(rv*cv / rmean, eps1sq)), each op rounded. */
@inline function factoredU<T>(gv: v128, rv: v128, cv: v128, rmean: v128, eps1sq: v128): v128 {
  const v = max<T>(div<T>(mul<T>(rv, cv), rmean), eps1sq);
  return mul<T>(div<T>(splat<T>(1), sqrt<T>(v)), gv);
}

/** max(mean of the `rows` values at rowVar, eps1), the mean in float64 rounded once to T. */
@inline function rowMean<T>(rowVar: usize, rows: usize, eps1: f64): v128 {
  let s: f64 = 0;
  for (let r: usize = 0; r < rows; r++) s += <f64>load<T>(rowVar + bytesOf<T>(r));
  return max<T>(v128.splat<T>(<T>(s / <f64>rows)), splat<T>(eps1));
}

/** One pass over U: apply = false returns sum U^2 (float64); apply = true writes p = decay*p + s*U. */
@inline function factoredPass<T>(
  p: usize, g: usize, rowVar: usize, colVar: usize, batch: usize, rows: usize, cols: usize,
  eps1: f64, eps1sqF: f64, decayF: f64, sF: f64, apply: bool,
): f64 {
  const eps1sq = splat<T>(eps1sqF), decay = splat<T>(decayF), s = splat<T>(sF);
  const rowBytes = bytesOf<T>(cols), vecBytes = endOf(rowBytes, 16);
  let acc = f64x2.splat(0);
  let tail: f64 = 0;
  for (let b: usize = 0; b < batch; b++) {
    const rvb = rowVar + bytesOf<T>(b * rows), cv = colVar + b * rowBytes;
    const rmean = rowMean<T>(rvb, rows, eps1);
    for (let r: usize = 0; r < rows; r++) {
      const base = (b * rows + r) * rowBytes;
      const rv = v128.splat<T>(load<T>(rvb + bytesOf<T>(r)));
      let o: usize = 0;
      for (; o < vecBytes; o += 16) {
        const u = factoredU<T>(v128.load(g + base + o), rv, v128.load(cv + o), rmean, eps1sq);
        if (apply) v128.store(p + base + o, madd<T>(s, u, mul<T>(v128.load(p + base + o), decay)));
        else {
          acc = f64x2.add(acc, sq(widen<T>(u, false)));
          if (sizeof<T>() == 4) acc = f64x2.add(acc, sq(widen<T>(u, true)));
        }
      }
      for (; o < rowBytes; o += sizeof<T>()) {
        const u = factoredU<T>(ld<T>(g + base + o, false), rv, ld<T>(cv + o, false), rmean, eps1sq);
        if (apply) st<T>(p + base + o, madd<T>(s, u, mul<T>(ld<T>(p + base + o, false), decay)), false);
        else tail += f64x2.extract_lane(sq(widen<T>(u, false)), 0);
      }
    }
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1) + tail;
}

/** The unfactored chunk: variance updated (update = true) or read, and U = g / sqrt(max(variance, eps1sq)). */
@inline function vectorU<T>(o: usize, g: usize, v: usize, w: v128, oneMinusW: v128, eps1sq: v128, update: bool, high: bool, vec: bool): v128 {
  const gv = ld<T>(g + o, vec);
  let vt = ld<T>(v + o, vec);
  if (update) {
    vt = lerp<T>(vt, mul<T>(gv, gv), w, oneMinusW, high);
    st<T>(v + o, vt, vec);
  }
  return mul<T>(div<T>(splat<T>(1), sqrt<T>(max<T>(vt, eps1sq))), gv);
}

@inline function vectorSumsq<T>(g: usize, v: usize, n: usize, w: v128, oneMinusW: v128, eps1sq: v128, high: bool): f64 {
  const bytes = bytesOf<T>(n);
  let acc = f64x2.splat(0);
  let o: usize = 0;
  for (; o < endOf(bytes, 16); o += 16) {
    const u = vectorU<T>(o, g, v, w, oneMinusW, eps1sq, true, high, true);
    acc = f64x2.add(acc, sq(widen<T>(u, false)));
    if (sizeof<T>() == 4) acc = f64x2.add(acc, sq(widen<T>(u, true)));
  }
  let r = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; o < bytes; o += sizeof<T>()) r += f64x2.extract_lane(sq(widen<T>(vectorU<T>(o, g, v, w, oneMinusW, eps1sq, true, high, false), false)), 0);
  return r;
}

@inline function vectorOf<T>(g: usize, v: usize, n: usize, weight: f64, eps1sqF: f64): f64 {
  const wT = <T>weight;
  const w = v128.splat<T>(wT), oneMinusW = v128.splat<T>(<T>1 - wT), eps1sq = splat<T>(eps1sqF);
  return wT >= <T>0.5 ? vectorSumsq<T>(g, v, n, w, oneMinusW, eps1sq, true) : vectorSumsq<T>(g, v, n, w, oneMinusW, eps1sq, false);
}

@inline function vectorStep<T>(p: usize, g: usize, v: usize, n: usize, eps1sqF: f64, decayF: f64, sF: f64): void {
  const eps1sq = splat<T>(eps1sqF), decay = splat<T>(decayF), s = splat<T>(sF), none = splat<T>(0);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < endOf(bytes, 16); o += 16) {
    const u = vectorU<T>(o, g, v, none, none, eps1sq, false, false, true);
    v128.store(p + o, madd<T>(s, u, mul<T>(v128.load(p + o), decay)));
  }
  for (; o < bytes; o += sizeof<T>()) {
    const u = vectorU<T>(o, g, v, none, none, eps1sq, false, false, false);
    st<T>(p + o, madd<T>(s, u, mul<T>(ld<T>(p + o, false), decay)), false);
  }
}

// ---- exports (listed in assembly/kernels.mjs): n = the number of matrices (factored) or elements
export function adafactorFactors_f32(g: usize, rowVar: usize, colVar: usize, n: usize, rows: f64, cols: f64, w: f64): void {
  factorsOf<f32>(g, rowVar, colVar, n, <usize>rows, <usize>cols, w);
}
export function adafactorFactors_f64(g: usize, rowVar: usize, colVar: usize, n: usize, rows: f64, cols: f64, w: f64): void {
  factorsOf<f64>(g, rowVar, colVar, n, <usize>rows, <usize>cols, w);
}
export function adafactorFactoredSumsq_f32(g: usize, rowVar: usize, colVar: usize, n: usize, rows: f64, cols: f64, eps1: f64, eps1sq: f64): f64 {
  return factoredPass<f32>(0, g, rowVar, colVar, n, <usize>rows, <usize>cols, eps1, eps1sq, 0, 0, false);
}
export function adafactorFactoredSumsq_f64(g: usize, rowVar: usize, colVar: usize, n: usize, rows: f64, cols: f64, eps1: f64, eps1sq: f64): f64 {
  return factoredPass<f64>(0, g, rowVar, colVar, n, <usize>rows, <usize>cols, eps1, eps1sq, 0, 0, false);
}
export function adafactorFactoredStep_f32(
  p: usize, g: usize, rowVar: usize, colVar: usize, n: usize, rows: f64, cols: f64, eps1: f64, eps1sq: f64, decay: f64, s: f64,
): void {
  factoredPass<f32>(p, g, rowVar, colVar, n, <usize>rows, <usize>cols, eps1, eps1sq, decay, s, true);
}
export function adafactorFactoredStep_f64(
  p: usize, g: usize, rowVar: usize, colVar: usize, n: usize, rows: f64, cols: f64, eps1: f64, eps1sq: f64, decay: f64, s: f64,
): void {
  factoredPass<f64>(p, g, rowVar, colVar, n, <usize>rows, <usize>cols, eps1, eps1sq, decay, s, true);
}
export function adafactorVector_f32(g: usize, variance: usize, n: usize, w: f64, eps1sq: f64): f64 {
  return vectorOf<f32>(g, variance, n, w, eps1sq);
}
export function adafactorVector_f64(g: usize, variance: usize, n: usize, w: f64, eps1sq: f64): f64 {
  return vectorOf<f64>(g, variance, n, w, eps1sq);
}
export function adafactorVectorStep_f32(p: usize, g: usize, variance: usize, n: usize, eps1sq: f64, decay: f64, s: f64): void {
  vectorStep<f32>(p, g, variance, n, eps1sq, decay, s);
}
export function adafactorVectorStep_f64(p: usize, g: usize, variance: usize, n: usize, eps1sq: f64, decay: f64, s: f64): void {
  vectorStep<f64>(p, g, variance, n, eps1sq, decay, s);
}
