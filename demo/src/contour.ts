// Contour lines by marching squares: the function sampled on a grid, each cell's corners
// classified above/below the level, and a segment drawn where the level crosses its edges
// (linear interpolation; the saddle cases are split by the cell's centre value).

export type Point = readonly [number, number];
export type Segment = readonly [Point, Point];

export interface Grid {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
  /** Cells across and down. */
  readonly nx: number;
  readonly ny: number;
  /** f at the (nx + 1) * (ny + 1) corners, row by row from y0. */
  readonly values: Float64Array;
}

/** Samples f on a grid of nx * ny cells over [x0, x1] x [y0, y1]. */
export function sample(f: (x: number, y: number) => number, x0: number, x1: number, y0: number, y1: number, nx: number, ny: number): Grid {
  const values = new Float64Array((nx + 1) * (ny + 1));
  for (let j = 0; j <= ny; j++) {
    for (let i = 0; i <= nx; i++) values[j * (nx + 1) + i] = f(x0 + ((x1 - x0) * i) / nx, y0 + ((y1 - y0) * j) / ny);
  }
  return { x0, x1, y0, y1, nx, ny, values };
}

/** The segments of the level set f = level, in the grid's coordinates. */
export function contour(g: Grid, level: number): Segment[] {
  const out: Segment[] = [];
  const w = g.nx + 1;
  // grid lines computed from their index, so neighbouring cells share crossings exactly
  const gx = (i: number): number => g.x0 + ((g.x1 - g.x0) * i) / g.nx;
  const gy = (j: number): number => g.y0 + ((g.y1 - g.y0) * j) / g.ny;
  const at = (i: number, j: number): number => g.values[j * w + i]!;
  for (let j = 0; j < g.ny; j++) {
    for (let i = 0; i < g.nx; i++) {
      // corners counter-clockwise from bottom-left: a (i,j), b (i+1,j), c (i+1,j+1), d (i,j+1)
      const a = at(i, j),
        b = at(i + 1, j),
        c = at(i + 1, j + 1),
        d = at(i, j + 1);
      const idx = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0);
      if (idx === 0 || idx === 15) continue;
      const xl = gx(i),
        xr = gx(i + 1),
        yb = gy(j),
        yt = gy(j + 1);
      const cross = (u: number, v: number, lo: number, hi: number): number => lo + ((level - u) / (v - u)) * (hi - lo);
      // the crossing on each edge: bottom a-b, right b-c, top d-c, left a-d
      const bottom: Point = [cross(a, b, xl, xr), yb];
      const right: Point = [xr, cross(b, c, yb, yt)];
      const top: Point = [cross(d, c, xl, xr), yt];
      const left: Point = [xl, cross(a, d, yb, yt)];
      const centreAbove = (a + b + c + d) / 4 > level;
      switch (idx) {
        case 1:
        case 14:
          out.push([left, bottom]);
          break;
        case 2:
        case 13:
          out.push([bottom, right]);
          break;
        case 3:
        case 12:
          out.push([left, right]);
          break;
        case 4:
        case 11:
          out.push([right, top]);
          break;
        case 6:
        case 9:
          out.push([bottom, top]);
          break;
        case 7:
        case 8:
          out.push([left, top]);
          break;
        case 5: // a and c above
          if (centreAbove) out.push([left, top], [bottom, right]);
          else out.push([left, bottom], [right, top]);
          break;
        case 10: // b and d above
          if (centreAbove) out.push([left, bottom], [right, top]);
          else out.push([left, top], [bottom, right]);
          break;
      }
    }
  }
  return out;
}

/**
 * Joins segments that share endpoints (exactly, as contour() makes them) into polylines: the
 * same picture in far fewer path commands.
 */
export function chain(segments: readonly Segment[]): Point[][] {
  const key = (p: Point): string => `${p[0]},${p[1]}`;
  const ends = new Map<string, number[]>();
  segments.forEach(([a, b], i) => {
    for (const p of [a, b]) {
      const k = key(p);
      const list = ends.get(k);
      if (list) list.push(i);
      else ends.set(k, [i]);
    }
  });
  const used = new Uint8Array(segments.length);
  // the segment at `end` other than the one just used, if it is free
  const next = (end: Point): number | undefined => ends.get(key(end))!.find((j) => !used[j]);
  const lines: Point[][] = [];
  segments.forEach(([a, b], i) => {
    if (used[i]) return;
    used[i] = 1;
    const line: Point[] = [a, b];
    for (const forward of [true, false]) {
      for (;;) {
        const end = forward ? line[line.length - 1]! : line[0]!;
        const j = next(end);
        if (j === undefined) break;
        used[j] = 1;
        const [c, d] = segments[j]!;
        const far = key(c) === key(end) ? d : c;
        if (forward) line.push(far);
        else line.unshift(far);
      }
    }
    lines.push(line);
  });
  return lines;
}

/** n levels spaced evenly in log between lo and hi (both > 0). */
export function logLevels(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => lo * (hi / lo) ** (n === 1 ? 0 : k / (n - 1)));
}
