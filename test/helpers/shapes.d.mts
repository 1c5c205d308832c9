// Types of shapes.mjs.

/** `size` elements as `rank` dims (default 1): each leading dim the smallest prime factor of what is left (1 when none is), the last the rest. */
export function shapeOf(size: number, rank?: number): number[];
