// The tests' one pseudo-random generator (no Math.random: every run sees the same numbers).

/** Deterministic numbers in [-1, 1) from a 32-bit linear congruential generator (Numerical Recipes' constants). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31 - 1;
}
