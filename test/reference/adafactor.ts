// Readable scalar Adafactor passes (assembly/adafactor.ts), rounded after every operation in
// the kernels' order (`r` = the dtype's rounding). The float64 reductions are added up in the
// kernels' order too — lane by lane as the SIMD loops accumulate, then the lanes, then the
// scalar tail — so a correct kernel agrees to the bit. `lanes` is 4 for float32, 2 for float64
// (the elements per 16-byte chunk).
type R = (x: number) => number;

/** Elements per 16-byte chunk. */
export const lanesOf = (r: R): 2 | 4 => (r === Math.fround ? 4 : 2);

/** torch's lerp(a, b, w), w already in the dtype: a + w*(b - a) for w < 0.5, else b - (b - a)*(1 - w). */
export function lerpRef(r: R, a: number, b: number, w: number): number {
  const diff = r(b - a);
  return w >= 0.5 ? r(b - r(diff * r(1 - w))) : r(a + r(w * diff));
}

/** (‖x‖ in the dtype)^2 / count, as torch's code forms a mean of squares from a norm. */
export const meanOfSquaresRef = (r: R, sumSq: number, count: number): number => {
  const norm = r(Math.sqrt(sumSq));
  return r(r(norm * norm) / count);
};

/** sum x^2 over a row as the kernel adds it: accumulators for lanes 0-1 and 2-3 of each chunk, then the tail. */
export function rowSumSqRef(x: ArrayLike<number>, lanes: 2 | 4): number {
  const a = [0, 0],
    b = [0, 0];
  const vec = x.length - (x.length % lanes);
  for (let i = 0; i < vec; i += lanes) {
    for (let j = 0; j < 2; j++) a[j]! += x[i + j]! * x[i + j]!;
    if (lanes === 4) for (let j = 0; j < 2; j++) b[j]! += x[i + 2 + j]! * x[i + 2 + j]!;
  }
  let s = a[0]! + b[0]! + (a[1]! + b[1]!);
  for (let i = vec; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}

/** Adds x^2 of one chunk's values to the two interleaved lane accumulators (lanes 0-1, then 2-3). */
function addChunk(acc: number[], u: readonly number[]): void {
  for (let h = 0; h < u.length; h += 2) for (let j = 0; j < 2; j++) acc[j]! += u[h + j]! * u[h + j]!;
}

/** A factored shape: `batch` matrices of rows x cols, row-major. */
export interface Matrices {
  batch: number;
  rows: number;
  cols: number;
}

/** adafactorFactors: row_var, col_var lerped towards the row / column means of g^2 (weight w, rounded here). */
export function factorsRef(r: R, g: ArrayLike<number>, rowVar: Float64Array, colVar: Float64Array, m: Matrices, weight: number): void {
  const w = r(weight);
  const lanes = lanesOf(r);
  for (let b = 0; b < m.batch; b++) {
    const base = b * m.rows * m.cols;
    for (let i = 0; i < m.rows; i++) {
      const row = Array.from({ length: m.cols }, (_, j) => g[base + i * m.cols + j]!);
      const k = b * m.rows + i;
      rowVar[k] = lerpRef(r, rowVar[k]!, meanOfSquaresRef(r, rowSumSqRef(row, lanes), m.cols), w);
    }
    for (let j = 0; j < m.cols; j++) {
      let s = 0;
      for (let i = 0; i < m.rows; i++) s += g[base + i * m.cols + j]! * g[base + i * m.cols + j]!;
      const k = b * m.cols + j;
      colVar[k] = lerpRef(r, colVar[k]!, meanOfSquaresRef(r, s, m.rows), w);
    }
  }
}

/** U of one element: g / sqrt(max(v, eps1^2)), v = row*col / rmean (factored) or the variance. */
const uRef = (r: R, g: number, v: number, eps1sq: number): number => r(r(1 / r(Math.sqrt(Math.max(v, r(eps1sq))))) * g);

/** U of every element of a batch of matrices, by row, with the batch's max(mean(row_var), eps1). */
function factoredURef(
  r: R,
  g: ArrayLike<number>,
  rowVar: ArrayLike<number>,
  colVar: ArrayLike<number>,
  m: Matrices,
  eps1: number,
  eps1sq: number,
): number[][] {
  const rows: number[][] = [];
  for (let b = 0; b < m.batch; b++) {
    let s = 0;
    for (let i = 0; i < m.rows; i++) s += rowVar[b * m.rows + i]!;
    const rmean = Math.max(r(s / m.rows), r(eps1));
    for (let i = 0; i < m.rows; i++) {
      const rv = rowVar[b * m.rows + i]!;
      const at = (b * m.rows + i) * m.cols;
      rows.push(Array.from({ length: m.cols }, (_, j) => uRef(r, g[at + j]!, r(r(rv * colVar[b * m.cols + j]!) / rmean), eps1sq)));
    }
  }
  return rows;
}

/** adafactorFactoredSumsq: sum U^2 — the vector parts of every row in two lane accumulators, the row tails apart. */
export function factoredSumsqRef(
  r: R,
  g: ArrayLike<number>,
  rowVar: ArrayLike<number>,
  colVar: ArrayLike<number>,
  m: Matrices,
  eps1: number,
  eps1sq: number,
): number {
  const lanes = lanesOf(r);
  const acc = [0, 0];
  let tail = 0;
  for (const u of factoredURef(r, g, rowVar, colVar, m, eps1, eps1sq)) {
    const vec = u.length - (u.length % lanes);
    for (let j = 0; j < vec; j += lanes) addChunk(acc, u.slice(j, j + lanes));
    for (let j = vec; j < u.length; j++) tail += u[j]! * u[j]!;
  }
  return acc[0]! + acc[1]! + tail;
}

/** adafactorFactoredStep: p = decay*p + s*U, rounded as fl(fl(s*U) + fl(p*decay)). */
export function factoredStepRef(
  r: R,
  p: Float64Array,
  g: ArrayLike<number>,
  rowVar: ArrayLike<number>,
  colVar: ArrayLike<number>,
  m: Matrices,
  eps1: number,
  eps1sq: number,
  decay: number,
  s: number,
): void {
  factoredURef(r, g, rowVar, colVar, m, eps1, eps1sq)
    .flat()
    .forEach((u, i) => (p[i] = r(r(r(s) * u) + r(p[i]! * r(decay)))));
}

/** adafactorVector: variance = lerp(variance, g^2, w); returns sum U^2 in the kernel's order. */
export function vectorRef(r: R, g: ArrayLike<number>, variance: Float64Array, weight: number, eps1sq: number): number {
  const w = r(weight);
  const lanes = lanesOf(r);
  const u = Array.from(g, (gi, i) => {
    variance[i] = lerpRef(r, variance[i]!, r(gi * gi), w);
    return uRef(r, gi, variance[i], eps1sq);
  });
  const acc = [0, 0];
  const vec = u.length - (u.length % lanes);
  for (let j = 0; j < vec; j += lanes) addChunk(acc, u.slice(j, j + lanes));
  let sum = acc[0]! + acc[1]!;
  for (let j = vec; j < u.length; j++) sum += u[j]! * u[j]!;
  return sum;
}

/** adafactorVectorStep: p = decay*p + s*U with U from the (updated) variance. */
export function vectorStepRef(
  r: R,
  p: Float64Array,
  g: ArrayLike<number>,
  variance: ArrayLike<number>,
  eps1sq: number,
  decay: number,
  s: number,
): void {
  for (let i = 0; i < p.length; i++) p[i] = r(r(r(s) * uRef(r, g[i]!, variance[i]!, eps1sq)) + r(p[i]! * r(decay)));
}
