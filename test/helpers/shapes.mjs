// The shape the generic tests give a param of n elements: [n], or for optimizers that take
// only matrices (Muon) [n/d, d] with d the largest divisor of n not above sqrt(n) (tall or
// square; [n, 1] for a prime n). Plain JS: the resume tests' child process imports it too.
export function paramShape(n, matrices) {
  if (!matrices) return [n];
  let d = Math.floor(Math.sqrt(n));
  while (d > 1 && n % d !== 0) d--;
  return [n / Math.max(d, 1), Math.max(d, 1)];
}
