// Readable scalar gradient accumulation (assembly/rules/accumulate.ts), rounded after each op.

/** acc = acc + g (mean = false) or g = (acc + g) / k (mean = true). */
export function accumulateReference(r: (x: number) => number, acc: Float64Array, g: Float64Array, k: number, mean: boolean): void {
  for (let i = 0; i < g.length; i++) {
    const s = r(acc[i]! + g[i]!);
    if (mean) g[i] = r(s / r(k));
    else acc[i] = s;
  }
}
