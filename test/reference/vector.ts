// Readable scalar references for the vector kernels (assembly/vector.ts). Elementwise
// kernels: rounded after each operation in the kernel's order (`r` = the dtype's rounding),
// so a correct kernel agrees to the bit. Sums: the exact sum (error-free products and
// compensated summation), with the rounding-error bound a float64 summation of the same
// terms may have. max |x| and the finite check: exact.

/** Elementwise: out = a*x + b*y, rounded as fl(fl(b*y) + fl(a*x)). */
export function axpbyRef(r: (v: number) => number, x: ArrayLike<number>, y: ArrayLike<number>, a: number, b: number): number[] {
  const ra = r(a),
    rb = r(b);
  return Array.from(x, (xi, i) => r(r(rb * y[i]!) + r(ra * xi)));
}
/** x + b*y, rounded as fl(fl(b*y) + x). */
export const axpyRef = (r: (v: number) => number, x: ArrayLike<number>, y: ArrayLike<number>, b: number): number[] =>
  Array.from(x, (xi, i) => r(r(r(b) * y[i]!) + xi));
/** a*x */
export const scaleRef = (r: (v: number) => number, x: ArrayLike<number>, a: number): number[] => Array.from(x, (xi) => r(r(a) * xi));
/** min(max(x, lo), hi) with lo and hi rounded to the dtype; NaN stays NaN (IEEE max/min, as wasm's and Math's). */
export const clampRef = (r: (v: number) => number, x: ArrayLike<number>, lo: number, hi: number): number[] =>
  Array.from(x, (xi) => Math.min(Math.max(xi, r(lo)), r(hi)));

/** max |x| (NaN if any element is NaN); 0 for no elements. */
export const maxabsRef = (x: ArrayLike<number>): number => Array.from(x).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
/** No element is +-Infinity or NaN. */
export const allFiniteRef = (x: ArrayLike<number>): boolean => Array.from(x).every(Number.isFinite);

/** Dekker's error-free product: a*b = p + e exactly (float64). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const split = (v: number): [number, number] => {
    const c = 134217729 * v;
    const hi = c - (c - v);
    return [hi, v - hi];
  };
  const [ah, al] = split(a),
    [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** sum x_i to nearly full precision, with the sum of |x_i| (`magnitude`). */
export const exactSum = (x: ArrayLike<number>): { value: number; magnitude: number } =>
  exactDot(
    x,
    Array.from(x, () => 1),
  );

/** sum x_i*y_i to nearly full precision (Neumaier summation of the exact products). */
export function exactDot(x: ArrayLike<number>, y: ArrayLike<number>): { value: number; magnitude: number } {
  let s = 0,
    c = 0,
    mag = 0;
  const add = (v: number) => {
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  };
  for (let i = 0; i < x.length; i++) {
    const [p, e] = twoProduct(x[i]!, y[i]!);
    add(p);
    add(e);
    mag += Math.abs(p);
  }
  return { value: s + c, magnitude: mag };
}

/**
 * The largest error a float64 summation of n terms of total magnitude `magnitude` may make
 * (n * 2^-52 * magnitude: a loose bound, but a dropped or doubled term shows far above it).
 */
export const sumBound = (n: number, magnitude: number): number => n * 2 ** -52 * magnitude + Number.MIN_VALUE;
