// Types of shapes.mjs.

/** [n], or [n/d, d] (d the largest divisor of n up to sqrt(n)) when `matrices`. */
export function paramShape(n: number, matrices?: boolean): number[];
