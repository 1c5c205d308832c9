import { ld, st, splat, widen, madd, mul, max as vmax, min as vmin, abs as vabs, add, bytesOf, endOf } from "./simd";

// Vector kernels for L-BFGS, Newton and gradient clipping, float32 and float64.
//
// Reductions return f64 and add up in f64: float32 data is widened first (a product of two
// float32 is exact in f64), and sums are blocked (partial sums of BLOCK bytes, then a sum
// of the partials), so the rounding error grows with BLOCK/4 + n/BLOCK, not with n.
// A sum of squares (of |x|, of |x|^p; a max of |x|) is non-finite whenever an element is:
// gradient clipping's norm pass is therefore also its NaN/Inf check.

// What a reduction adds up (a literal at every call site, folded at compile time).
const DOT: i32 = 0; //        sum x*y
const SUMSQ: i32 = 1; //      sum x*x
const SUMABS: i32 = 2; //     sum |x|
const POWSUM: i32 = 3; //     sum |x|^p
const AXPBY_DOT: i32 = 4; //  x = a*x + b*y, then sum z*x (the new x)

const BLOCK: usize = 8192; // bytes per partial sum: 1024 float64 / 2048 float32

/** The terms of two elements (f64x2). POWSUM calls Math.pow per lane: there is no SIMD pow. */
@inline function term(u: v128, w: v128, p: f64, kind: i32): v128 {
  if (kind == SUMSQ) return f64x2.mul(u, u);
  if (kind == SUMABS) return f64x2.abs(u);
  if (kind == POWSUM) {
    const a = f64x2.abs(u);
    return f64x2.replace_lane(f64x2.splat(Math.pow(f64x2.extract_lane(a, 0), p)), 1, Math.pow(f64x2.extract_lane(a, 1), p));
  }
  return f64x2.mul(u, w);
}

/**
 * The terms of one 16-byte chunk (vec) as f64x2 partial sums, or of one element (tail:
 * the element is splatted, lane 0 holds its term). AXPBY_DOT stores the new x first.
 */
@inline function reduceAt<T>(o: usize, x: usize, y: usize, z: usize, a: v128, b: v128, p: f64, kind: i32, vec: bool): v128 {
  let u: v128, w: v128;
  if (kind == AXPBY_DOT) {
    u = madd<T>(b, ld<T>(y + o, vec), mul<T>(a, ld<T>(x + o, vec)));
    st<T>(x + o, u, vec);
    w = ld<T>(z + o, vec);
  } else {
    u = ld<T>(x + o, vec);
    w = kind == DOT ? ld<T>(y + o, vec) : u;
  }
  let s = term(widen<T>(u, false), widen<T>(w, false), p, kind);
  if (sizeof<T>() == 4 && vec) s = f64x2.add(s, term(widen<T>(u, true), widen<T>(w, true), p, kind));
  return s;
}

// alpha and beta are rounded once to T (AXPBY_DOT's a and b); POWSUM takes p = alpha as f64.
@inline function reduce<T>(x: usize, y: usize, z: usize, n: usize, alpha: f64, beta: f64, kind: i32): f64 {
  const a = splat<T>(alpha), b = splat<T>(beta);
  const bytes = bytesOf<T>(n), main = endOf(bytes, 32);
  let total = f64x2.splat(0);
  let o: usize = 0;
  while (o < main) {
    const stop = min(o + BLOCK, main);
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    for (; o < stop; o += 32) {
      s0 = f64x2.add(s0, reduceAt<T>(o, x, y, z, a, b, alpha, kind, true));
      s1 = f64x2.add(s1, reduceAt<T>(o + 16, x, y, z, a, b, alpha, kind, true));
    }
    total = f64x2.add(total, f64x2.add(s0, s1));
  }
  if (o < endOf(bytes, 16)) {
    total = f64x2.add(total, reduceAt<T>(o, x, y, z, a, b, alpha, kind, true));
    o += 16;
  }
  let r = f64x2.extract_lane(total, 0) + f64x2.extract_lane(total, 1);
  for (; o < bytes; o += sizeof<T>()) r += f64x2.extract_lane(reduceAt<T>(o, x, y, z, a, b, alpha, kind, false), 0);
  return r;
}

// dot = sum x*y
export function dot_f32(x: usize, y: usize, n: usize): f64 { return reduce<f32>(x, y, 0, n, 0, 0, DOT); }
export function dot_f64(x: usize, y: usize, n: usize): f64 { return reduce<f64>(x, y, 0, n, 0, 0, DOT); }
// sumsq = sum x*x (the squared 2-norm)
export function sumsq_f32(x: usize, n: usize): f64 { return reduce<f32>(x, 0, 0, n, 0, 0, SUMSQ); }
export function sumsq_f64(x: usize, n: usize): f64 { return reduce<f64>(x, 0, 0, n, 0, 0, SUMSQ); }
// sumabs = sum |x| (the 1-norm)
export function sumabs_f32(x: usize, n: usize): f64 { return reduce<f32>(x, 0, 0, n, 0, 0, SUMABS); }
export function sumabs_f64(x: usize, n: usize): f64 { return reduce<f64>(x, 0, 0, n, 0, 0, SUMABS); }
// powsum = sum |x|^p (the p-th power of the p-norm, for clipping by a general p-norm)
export function powsum_f32(x: usize, n: usize, p: f64): f64 { return reduce<f32>(x, 0, 0, n, p, 0, POWSUM); }
export function powsum_f64(x: usize, n: usize, p: f64): f64 { return reduce<f64>(x, 0, 0, n, p, 0, POWSUM); }
// Fused step of the L-BFGS two-loop recursion:  x = a*x + b*y;  return sum z*x (new x; z may be x)
export function axpbyDot_f32(x: usize, y: usize, z: usize, n: usize, a: f64, b: f64): f64 { return reduce<f32>(x, y, z, n, a, b, AXPBY_DOT); }
export function axpbyDot_f64(x: usize, y: usize, z: usize, n: usize, a: f64, b: f64): f64 { return reduce<f64>(x, y, z, n, a, b, AXPBY_DOT); }

// max |x| (the inf-norm), and the all-finite test. Both reduce lane-wise in T and never
// round: a tail element is splatted to every lane, which max and a sum of zeros absorb.
//   maxabs: m = max(m, |x|)      NaN anywhere -> NaN (wasm max propagates NaN)
//   allfinite: s = s + x*0       stays 0 unless some x is +-Inf or NaN (then NaN)
@inline function laneAt<T>(o: usize, x: usize, acc: v128, finite: bool, vec: bool): v128 {
  const v = ld<T>(x + o, vec);
  return finite ? add<T>(acc, mul<T>(v, splat<T>(0))) : vmax<T>(acc, vabs<T>(v));
}

@inline function lanes<T>(x: usize, n: usize, finite: bool): v128 {
  const bytes = bytesOf<T>(n);
  let m0 = splat<T>(0), m1 = splat<T>(0);
  let o: usize = 0;
  for (; o < endOf(bytes, 32); o += 32) {
    m0 = laneAt<T>(o, x, m0, finite, true);
    m1 = laneAt<T>(o + 16, x, m1, finite, true);
  }
  for (; o < endOf(bytes, 16); o += 16) m0 = laneAt<T>(o, x, m0, finite, true);
  for (; o < bytes; o += sizeof<T>()) m1 = laneAt<T>(o, x, m1, finite, false);
  return finite ? add<T>(m0, m1) : vmax<T>(m0, m1);
}

/** The largest lane (NaN if any lane is NaN). */
@inline function laneMax<T>(v: v128): f64 {
  if (sizeof<T>() == 8) return max<f64>(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
  return <f64>max<f32>(max<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

export function maxabs_f32(x: usize, n: usize): f64 { return laneMax<f32>(lanes<f32>(x, n, false)); }
export function maxabs_f64(x: usize, n: usize): f64 { return laneMax<f64>(lanes<f64>(x, n, false)); }
/** 1 when every element is finite, 0 when one is +-Infinity or NaN. */
export function allfinite_f32(x: usize, n: usize): i32 { return i32(laneMax<f32>(lanes<f32>(x, n, true)) == 0); }
export function allfinite_f64(x: usize, n: usize): i32 { return i32(laneMax<f64>(lanes<f64>(x, n, true)) == 0); }

// Elementwise (form literals drop the unused terms):
//   axpby: out = a*x + b*y;   axpy: x = x + b*y;   scale: out = a*x;   copy: out = x;
//   clamp: out = min(max(x, a), b)   (NaN stays NaN: wasm min and max propagate it)
const AXPBY: i32 = 0;
const AXPY: i32 = 1;
const SCALE: i32 = 2;
const COPY: i32 = 3;
const CLAMP: i32 = 4;

// inPlace (a literal): out is x, and the store goes to the address the load came from.
@inline function linAt<T>(o: usize, out: usize, x: usize, y: usize, a: v128, b: v128, form: i32, inPlace: bool, vec: bool): void {
  const px = x + o;
  const u = ld<T>(px, vec);
  let r: v128;
  if (form == AXPBY) r = madd<T>(b, ld<T>(y + o, vec), mul<T>(a, u));
  else if (form == AXPY) r = madd<T>(b, ld<T>(y + o, vec), u);
  else if (form == SCALE) r = mul<T>(a, u);
  else if (form == CLAMP) r = vmin<T>(vmax<T>(u, a), b);
  else r = u;
  st<T>(inPlace ? px : out + o, r, vec);
}

@inline function lin<T>(out: usize, x: usize, y: usize, n: usize, alpha: f64, beta: f64, form: i32, inPlace: bool): void {
  const a = splat<T>(alpha), b = splat<T>(beta);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < endOf(bytes, 32); o += 32) {
    linAt<T>(o, out, x, y, a, b, form, inPlace, true);
    linAt<T>(o + 16, out, x, y, a, b, form, inPlace, true);
  }
  for (; o < endOf(bytes, 16); o += 16) linAt<T>(o, out, x, y, a, b, form, inPlace, true);
  for (; o < bytes; o += sizeof<T>()) linAt<T>(o, out, x, y, a, b, form, inPlace, false);
}

// out = f(x) with out == x (clipping scales and clamps gradients in place, L-BFGS scales d)
// gets a loop of its own: one address for the load and the store is about 1.5x faster at
// n = 1e6 under V8 (bench/RESULTS.md, section 5). Same operations, same results. (A plain
// `if (out == x) lin(x, x, ...)` is merged back into one loop by binaryen: hence inPlace.)
@inline function map<T>(out: usize, x: usize, n: usize, alpha: f64, beta: f64, form: i32): void {
  if (out == x) lin<T>(x, x, 0, n, alpha, beta, form, true);
  else lin<T>(out, x, 0, n, alpha, beta, form, false);
}

export function axpby_f32(out: usize, x: usize, y: usize, n: usize, a: f64, b: f64): void { lin<f32>(out, x, y, n, a, b, AXPBY, false); }
export function axpby_f64(out: usize, x: usize, y: usize, n: usize, a: f64, b: f64): void { lin<f64>(out, x, y, n, a, b, AXPBY, false); }
export function axpy_f32(x: usize, y: usize, n: usize, b: f64): void { lin<f32>(x, x, y, n, 0, b, AXPY, true); }
export function axpy_f64(x: usize, y: usize, n: usize, b: f64): void { lin<f64>(x, x, y, n, 0, b, AXPY, true); }
export function scale_f32(out: usize, x: usize, n: usize, a: f64): void { map<f32>(out, x, n, a, 0, SCALE); }
export function scale_f64(out: usize, x: usize, n: usize, a: f64): void { map<f64>(out, x, n, a, 0, SCALE); }
export function copy_f32(out: usize, x: usize, n: usize): void { lin<f32>(out, x, 0, n, 0, 0, COPY, false); }
export function copy_f64(out: usize, x: usize, n: usize): void { lin<f64>(out, x, 0, n, 0, 0, COPY, false); }
export function clamp_f32(out: usize, x: usize, n: usize, lo: f64, hi: f64): void { map<f32>(out, x, n, lo, hi, CLAMP); }
export function clamp_f64(out: usize, x: usize, n: usize, lo: f64, hi: f64): void { map<f64>(out, x, n, lo, hi, CLAMP); }
