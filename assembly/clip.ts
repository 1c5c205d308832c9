import { ld, st, splat, add, sub, mul, max, abs, bytesOf, end32, end16 } from "./simd";

// Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_) and the finite
// check of the training toolkit. Reductions return f64; sums accumulate in f64. A sum of
// squares (or of |x|^p, or a max of |x|) is non-finite whenever an element is: a finite
// result therefore proves every element finite, and the norm pass doubles as the NaN/Inf
// check (only float64 sums can also overflow; src/clip.ts then asks clip_allfinite).

/** The squares of the 16-byte chunk at `ptr` in f64 lanes: f32 lanes (0,1) + (2,3), f64 as is. */
@inline function squares64<T>(ptr: usize): v128 {
  const x = v128.load(ptr);
  if (sizeof<T>() == 8) return v128.mul<f64>(x, x);
  const lo = f64x2.promote_low_f32x4(x);
  const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1));
  return v128.add<f64>(v128.mul<f64>(lo, lo), v128.mul<f64>(hi, hi));
}

// sumsq: s = Σ x² in f64. Even 16-byte chunks of each 32-byte step go to accumulator a0, odd
// ones to a1 (a leftover 16-byte chunk to a0), the scalar tail to t in order;
// result = (lane0(a0 + a1) + lane1(a0 + a1)) + t. test/reference/clip.ts follows this order.
@inline function sumsq<T>(x: usize, n: usize): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    a0 = v128.add<f64>(a0, squares64<T>(x + o));
    a1 = v128.add<f64>(a1, squares64<T>(x + o + 16));
  }
  for (; o < end16(bytes); o += 16) a0 = v128.add<f64>(a0, squares64<T>(x + o));
  let t: f64 = 0;
  for (; o < bytes; o += sizeof<T>()) {
    const v = <f64>load<T>(x + o);
    t += v * v;
  }
  const s = v128.add<f64>(a0, a1);
  return (f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1)) + t;
}

// powsum: s = Σ |x|^p in f64, in element order (general p-norms; scalar: there is no SIMD pow).
@inline function powsum<T>(x: usize, n: usize, p: f64): f64 {
  let s: f64 = 0;
  for (let o: usize = 0; o < bytesOf<T>(n); o += sizeof<T>()) s += Math.pow(Math.abs(<f64>load<T>(x + o)), p);
  return s;
}

// maxabs: m = max |x| (NaN if any x is NaN: wasm's max propagates it); 0 for n = 0.
@inline function maxabsAt<T>(o: usize, x: usize, m: v128, vec: bool): v128 {
  return max<T>(m, abs<T>(ld<T>(x + o, vec)));
}

// allfinite: bad = Σ (x - x), which is 0 while every x is finite and NaN from the first NaN/Inf.
@inline function badAt<T>(o: usize, x: usize, bad: v128, vec: bool): v128 {
  const v = ld<T>(x + o, vec);
  return add<T>(bad, sub<T>(v, v));
}

// One reduction over x with two accumulators (even and odd 16-byte chunks); kind 0: maxabs,
// 1: allfinite (a literal, folded). Returns the accumulators combined lane-wise.
@inline function reduce<T>(x: usize, n: usize, kind: i32): v128 {
  let a0 = splat<T>(0), a1 = splat<T>(0);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    a0 = kind == 0 ? maxabsAt<T>(o, x, a0, true) : badAt<T>(o, x, a0, true);
    a1 = kind == 0 ? maxabsAt<T>(o + 16, x, a1, true) : badAt<T>(o + 16, x, a1, true);
  }
  for (; o < end16(bytes); o += 16) a0 = kind == 0 ? maxabsAt<T>(o, x, a0, true) : badAt<T>(o, x, a0, true);
  for (; o < bytes; o += sizeof<T>()) a1 = kind == 0 ? maxabsAt<T>(o, x, a1, false) : badAt<T>(o, x, a1, false);
  return kind == 0 ? max<T>(a0, a1) : add<T>(a0, a1);
}

@inline function maxabs<T>(x: usize, n: usize): f64 {
  const m = reduce<T>(x, n, 0);
  let r = <f64>v128.extract_lane<T>(m, 0);
  r = Math.max(r, <f64>v128.extract_lane<T>(m, 1));
  if (sizeof<T>() == 4) {
    r = Math.max(r, <f64>v128.extract_lane<T>(m, 2));
    r = Math.max(r, <f64>v128.extract_lane<T>(m, 3));
  }
  return r;
}

@inline function allfinite<T>(x: usize, n: usize): bool {
  const bad = reduce<T>(x, n, 1);
  return !v128.any_true(v128.ne<T>(bad, bad));
}

// scale: x = c*x (clip_grad_norm_'s coefficient). clamp: x = min(max(x, lo), hi) (NaN stays NaN).
@inline function scaleAt<T>(o: usize, x: usize, c: v128, vec: bool): void {
  st<T>(x + o, mul<T>(ld<T>(x + o, vec), c), vec);
}
@inline function clampAt<T>(o: usize, x: usize, lo: v128, hi: v128, vec: bool): void {
  st<T>(x + o, v128.min<T>(max<T>(ld<T>(x + o, vec), lo), hi), vec);
}

// kind 0: scale by a, 1: clamp to [a, b] (a literal, folded).
@inline function apply<T>(x: usize, n: usize, a: f64, b: f64, kind: i32): void {
  const va = splat<T>(a), vb = splat<T>(b);
  const bytes = bytesOf<T>(n);
  let o: usize = 0;
  for (; o < end32(bytes); o += 32) {
    if (kind == 0) { scaleAt<T>(o, x, va, true); scaleAt<T>(o + 16, x, va, true); }
    else { clampAt<T>(o, x, va, vb, true); clampAt<T>(o + 16, x, va, vb, true); }
  }
  for (; o < end16(bytes); o += 16) {
    if (kind == 0) scaleAt<T>(o, x, va, true);
    else clampAt<T>(o, x, va, vb, true);
  }
  for (; o < bytes; o += sizeof<T>()) {
    if (kind == 0) scaleAt<T>(o, x, va, false);
    else clampAt<T>(o, x, va, vb, false);
  }
}

export function clip_sumsq_f32(x: usize, n: usize): f64 { return sumsq<f32>(x, n); }
export function clip_sumsq_f64(x: usize, n: usize): f64 { return sumsq<f64>(x, n); }
export function clip_powsum_f32(x: usize, n: usize, p: f64): f64 { return powsum<f32>(x, n, p); }
export function clip_powsum_f64(x: usize, n: usize, p: f64): f64 { return powsum<f64>(x, n, p); }
export function clip_maxabs_f32(x: usize, n: usize): f64 { return maxabs<f32>(x, n); }
export function clip_maxabs_f64(x: usize, n: usize): f64 { return maxabs<f64>(x, n); }
export function clip_allfinite_f32(x: usize, n: usize): bool { return allfinite<f32>(x, n); }
export function clip_allfinite_f64(x: usize, n: usize): bool { return allfinite<f64>(x, n); }
export function clip_scale_f32(x: usize, n: usize, c: f64): void { apply<f32>(x, n, c, 0, 0); }
export function clip_scale_f64(x: usize, n: usize, c: f64): void { apply<f64>(x, n, c, 0, 0); }
export function clip_clamp_f32(x: usize, n: usize, lo: f64, hi: f64): void { apply<f32>(x, n, lo, hi, 1); }
export function clip_clamp_f64(x: usize, n: usize, lo: f64, hi: f64): void { apply<f64>(x, n, lo, hi, 1); }
