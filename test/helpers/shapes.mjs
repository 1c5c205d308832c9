// The shapes the generic registry tests give their params (test/registry.ts: Config.rank), in
// plain JS so that the resume runner (also run on dist/ in a child process) shares it.

/**
 * `size` elements as `rank` dims (row-major, as torch): each leading dim takes the smallest
 * prime factor of what is left (1 when none is), the last dim the rest. 130 -> [2, 5, 13]
 * (rank 3), 33 -> [3, 11] (rank 2), 37 -> [1, 37]; rank 1 -> [size].
 * @param {number} size
 * @param {number} [rank]
 * @returns {number[]}
 */
export function shapeOf(size, rank = 1) {
  const dims = [];
  let rest = size;
  for (let i = 1; i < rank; i++) {
    let f = 2;
    while (f * f <= rest && rest % f !== 0) f++;
    const d = f * f <= rest ? f : 1;
    dims.push(d);
    rest /= d;
  }
  return [...dims, rest];
}
