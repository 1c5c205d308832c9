// Helpers every kernel shares. A kernel walks its buffers by byte offset: a v128 main
// loop (16 bytes, 4 x f32 or 2 x f64), and a scalar tail that runs the *same* vector
// code on one lane (splat-load, store lane 0). Each update formula is therefore written
// once, and the tail rounds exactly like the main loop.
//
// `vec` is always a literal at the call site; after inlining, binaryen folds it away.

/** Loads 16 bytes at `ptr` (vec) or one element splatted to every lane (tail). */
@inline export function ld<T>(ptr: usize, vec: bool): v128 {
  return vec ? v128.load(ptr) : v128.splat<T>(load<T>(ptr));
}

/** Stores 16 bytes at `ptr` (vec) or lane 0 as one element (tail). */
@inline export function st<T>(ptr: usize, x: v128, vec: bool): void {
  if (vec) v128.store(ptr, x);
  else store<T>(ptr, v128.extract_lane<T>(x, 0));
}

/** A float64 scalar from TypeScript, rounded once to T and broadcast. */
@inline export function splat<T>(x: f64): v128 {
  return v128.splat<T>(<T>x);
}

@inline export function add<T>(a: v128, b: v128): v128 { return v128.add<T>(a, b); }
@inline export function sub<T>(a: v128, b: v128): v128 { return v128.sub<T>(a, b); }
@inline export function mul<T>(a: v128, b: v128): v128 { return v128.mul<T>(a, b); }
@inline export function div<T>(a: v128, b: v128): v128 { return v128.div<T>(a, b); }
@inline export function sqrt<T>(a: v128): v128 { return v128.sqrt<T>(a); }
@inline export function max<T>(a: v128, b: v128): v128 { return v128.max<T>(a, b); }
@inline export function min<T>(a: v128, b: v128): v128 { return v128.min<T>(a, b); }
@inline export function abs<T>(a: v128): v128 { return v128.abs<T>(a); }

/** a*b + c, two roundings (WebAssembly SIMD on Node 20 has no fused multiply-add). */
@inline export function madd<T>(a: v128, b: v128, c: v128): v128 {
  return v128.add<T>(v128.mul<T>(a, b), c);
}

/** torch.sign lanewise (torch 1.13): +-1 with a's sign bit, and +0 where a is +-0 or NaN. */
@inline export function sgn<T>(a: v128, zero: v128, one: v128, signBit: v128): v128 {
  const nonzero = v128.or(v128.gt<T>(a, zero), v128.lt<T>(a, zero));
  return v128.and(v128.or(v128.and(a, signBit), one), nonzero);
}

/**
 * The gradient as the update rules see it: sign * g + wd * p, where sign = -1 under
 * `maximize` (exact) and wd is the L2 weight decay. `l2` (a literal: the kernel's flag,
 * weightDecay != 0) adds the term at all: as torch, wd = 0 adds nothing, so a +-Infinity
 * param does not turn the gradient into NaN (0 * Infinity).
 */
@inline export function decayedGrad<T>(g: v128, p: v128, sign: v128, wd: v128, l2: bool): v128 {
  const d = mul<T>(g, sign);
  return l2 ? madd<T>(wd, p, d) : d;
}

/**
 * The running average at `ptr` updated with x, stored, and returned: a = beta*a + c*x
 * (c = 1 - beta; SGD's momentum buffer passes 1 - dampening).
 */
@inline export function ema<T>(ptr: usize, x: v128, beta: v128, c: v128, vec: bool): v128 {
  const a = madd<T>(c, x, mul<T>(ld<T>(ptr, vec), beta));
  st<T>(ptr, a, vec);
  return a;
}

/** The running average of squares at `ptr`, updated, stored, and returned: a = beta*a + (c*x)*x. */
@inline export function emaSquare<T>(ptr: usize, x: v128, beta: v128, c: v128, vec: bool): v128 {
  const a = madd<T>(mul<T>(c, x), x, mul<T>(ld<T>(ptr, vec), beta));
  st<T>(ptr, a, vec);
  return a;
}

/**
 * Half of a chunk as f64x2, for reductions that add up in float64: float32 lanes 0-1
 * (hi = false) or 2-3 (hi = true) widened (exactly); a float64 chunk as it is.
 */
@inline export function widen<T>(v: v128, hi: bool): v128 {
  if (sizeof<T>() == 8) return v;
  return f64x2.promote_low_f32x4(hi ? v128.shuffle<f32>(v, v, 2, 3, 2, 3) : v);
}

/** Byte length of n elements of T. */
@inline export function bytesOf<T>(n: usize): usize {
  return n * sizeof<T>();
}

/** The largest multiple of `block` bytes (a power of two) not above `bytes`: where a loop over blocks ends. */
@inline export function endOf(bytes: usize, block: usize): usize { return bytes & ~(block - 1); }
