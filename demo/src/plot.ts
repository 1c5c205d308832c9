// The pictures: a surface's contours with every racer's path (static or animated with SMIL),
// and a line chart of training curves. Plain SVG strings from svg.ts.
import { chain, contour, sample } from "./contour.js";
import { exitPoint, winner, type Trajectory } from "./race.js";
import type { Surface, Vec2 } from "./surfaces.js";
import { el, num, polyline, svgDocument, text } from "./svg.js";

const MARGIN = { left: 56, top: 52, right: 360, bottom: 44 };

/** Maps data coordinates into a pixel rectangle (y up). */
class Frame {
  constructor(
    readonly xr: Vec2,
    readonly yr: Vec2,
    readonly left: number,
    readonly top: number,
    readonly width: number,
    readonly height: number,
  ) {}
  px(x: number): number {
    return this.left + ((x - this.xr[0]) / (this.xr[1] - this.xr[0])) * this.width;
  }
  py(y: number): number {
    return this.top + this.height - ((y - this.yr[0]) / (this.yr[1] - this.yr[0])) * this.height;
  }
  at([x, y]: Vec2): Vec2 {
    return [this.px(x), this.py(y)];
  }
}

/** About n round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, n = 6): number[] {
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

function axes(
  fr: Frame,
  xTicks: readonly number[],
  yTicks: readonly number[],
  yLabel: (v: number) => number,
  fmtY: (v: number) => string,
  xTitle: string,
  yTitle: string,
): string[] {
  const out: string[] = [el("rect", { x: fr.left, y: fr.top, width: fr.width, height: fr.height, fill: "none", stroke: "#333" })];
  for (const v of xTicks) {
    const x = fr.px(v);
    out.push(
      el("line", { x1: x, x2: x, y1: fr.top + fr.height, y2: fr.top + fr.height + 5, stroke: "#333" }),
      text(x, fr.top + fr.height + 18, String(v), { "text-anchor": "middle" }),
    );
  }
  for (const v of yTicks) {
    const y = fr.py(yLabel(v));
    out.push(
      el("line", { x1: fr.left - 5, x2: fr.left, y1: y, y2: y, stroke: "#333" }),
      text(fr.left - 8, y + 4, fmtY(v), { "text-anchor": "end" }),
    );
  }
  out.push(text(fr.left + fr.width / 2, fr.top + fr.height + 36, xTitle, { "text-anchor": "middle" }));
  out.push(
    text(14, fr.top + fr.height / 2, yTitle, { "text-anchor": "middle", transform: `rotate(-90 14 ${num(fr.top + fr.height / 2)})` }),
  );
  return out;
}

const LEGEND_ROW = 34;
const LEGEND_LINE = 14;

/** One legend entry: the line as drawn (colour, dash, marker) and its notes, one line each. */
export interface LegendRow {
  readonly colour: string;
  readonly dash?: string | undefined;
  /** The marker drawn along the line (index into MARKERS), if it has one. */
  readonly marker?: number | undefined;
  readonly name: string;
  readonly notes: readonly string[];
}

const rowHeight = (r: LegendRow): number => LEGEND_ROW + LEGEND_LINE * (r.notes.length - 1);

/** The document height that holds both the frame and the legend. */
function pageHeight(fr: Frame, rows: readonly LegendRow[]): number {
  return Math.max(fr.top + fr.height + MARGIN.bottom, fr.top + 8 + rows.reduce((h, r) => h + rowHeight(r), 0) + 8);
}

/** Marker shapes (SVG path data around 0,0, about 9 px across) for lines that others would hide. */
export const MARKERS = [
  "M-4 -4h8v8h-8z",
  "M0 -5.5L5.5 0L0 5.5L-5.5 0z",
  "M0 -5L5 4.5h-10z",
  "M-4.5 -1.5h9v3h-9zM-1.5 -4.5h3v9h-3z",
] as const;

function marker(k: number, [x, y]: Vec2, colour: string, cls: string, racer: string): string {
  return el("path", {
    class: cls,
    "data-racer": racer,
    d: MARKERS[k % MARKERS.length]!,
    transform: `translate(${num(x)} ${num(y)})`,
    fill: colour,
    stroke: "#000",
    "stroke-width": 0.8,
  });
}

/** A cross (the mark where a diverged run left the picture). */
function cross([x, y]: Vec2, colour: string, racer: string): string {
  return el("path", {
    class: "diverged",
    "data-racer": racer,
    d: "M-6 -6L6 6M-6 6L6 -6",
    transform: `translate(${num(x)} ${num(y)})`,
    stroke: colour,
    "stroke-width": 3.5,
    fill: "none",
  });
}

/** A legend entry per line, to the right of the frame. */
function legend(fr: Frame, rows: readonly LegendRow[]): string {
  const x = fr.left + fr.width + 16;
  let y = fr.top + 8;
  const items = rows.map((r) => {
    const at = y;
    y += rowHeight(r);
    return el(
      "g",
      {},
      el("line", { x1: x, x2: x + 26, y1: at, y2: at, stroke: r.colour, "stroke-width": 3, "stroke-dasharray": r.dash }),
      r.marker === undefined ? "" : marker(r.marker, [x + 13, at], r.colour, "legend-marker", r.name),
      text(x + 34, at + 4, r.name, { "font-weight": "bold" }),
      ...r.notes.map((n, i) => text(x + 34, at + 19 + LEGEND_LINE * i, n, { fill: "#555", "font-size": 11 })),
    );
  });
  return el("g", { class: "legend" }, ...items);
}

function mix(a: string, b: string, t: number): string {
  const c = (s: string, i: number): number => parseInt(s.slice(1 + 2 * i, 3 + 2 * i), 16);
  return `#${[0, 1, 2]
    .map((i) =>
      Math.round(c(a, i) + (c(b, i) - c(a, i)) * t)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

/** The frame for a surface: equal scale on both axes, the longer side 600 px. */
function surfaceFrame(s: Surface): Frame {
  const w = s.xRange[1] - s.xRange[0],
    h = s.yRange[1] - s.yRange[0];
  const scale = 600 / Math.max(w, h);
  return new Frame(s.xRange, s.yRange, MARGIN.left, MARGIN.top, w * scale, h * scale);
}

/** Contours, axes, start and minimum markers: everything but the paths. */
function surfaceBackground(s: Surface, fr: Frame): string[] {
  const grid = sample((x, y) => s.f(x, y), s.xRange[0], s.xRange[1], s.yRange[0], s.yRange[1], Math.round(fr.width), Math.round(fr.height));
  const lines = s.levels.map((level, k) => {
    const d = chain(contour(grid, level))
      .map((line) => polyline(line.map((p) => fr.at(p))))
      .join("");
    return d
      ? el("path", { d, fill: "none", stroke: mix("#d5e0ee", "#6f8db3", k / Math.max(1, s.levels.length - 1)), "stroke-width": 1 })
      : "";
  });
  const [mx, my] = fr.at(s.minimum);
  const star = Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 === 0 ? 11 : 4.5,
      a = -Math.PI / 2 + (i * Math.PI) / 5;
    return `${num(mx + r * Math.cos(a))},${num(my + r * Math.sin(a))}`;
  }).join(" ");
  const [sx, sy] = fr.at(s.start);
  return [
    el("g", { class: "contours" }, ...lines.filter(Boolean)),
    ...axes(fr, ticks(...s.xRange), ticks(...s.yRange), (v) => v, String, "x", "y"),
    text(MARGIN.left, 22, s.title, { "font-size": 17, "font-weight": "bold" }),
    text(MARGIN.left, 40, s.formula, { fill: "#444" }),
    el("polygon", { class: "minimum", points: star, fill: "#ffd700", stroke: "#000", "stroke-width": 1 }),
    text(mx + 13, my - 8, s.minimumLabel, { "font-size": 11 }),
    el("circle", { class: "start", cx: sx, cy: sy, r: 5, fill: "#fff", stroke: "#000", "stroke-width": 1.5 }),
    text(sx + 8, sy + 16, "start", { "font-size": 11 }),
  ];
}

/**
 * The data points to draw: the whole path, or for a diverged run the path up to where it
 * left the picture (the rest is off the page or not finite).
 */
function drawn(s: Surface, t: Trajectory): Vec2[] {
  if (t.divergedStep === null || t.exitStep === null) return t.points;
  return [...t.points.slice(0, t.exitStep), exitPoint(s, t)!];
}

/**
 * A path in pixels with points closer than 0.4 px to the previous one dropped, and for
 * each point given the path length (px) up to it.
 */
function pixelPath(fr: Frame, data: readonly Vec2[]): { points: Vec2[]; lengthAt: number[] } {
  const points: Vec2[] = [];
  const lengthAt: number[] = [];
  let length = 0;
  data.forEach((p, i) => {
    const q = fr.at(p);
    const last = points[points.length - 1];
    const d = last ? Math.hypot(q[0] - last[0], q[1] - last[1]) : 0;
    if (!last || d >= 0.4 || i === data.length - 1) {
      points.push(q);
      length += d;
    }
    lengthAt.push(length);
  });
  return { points, lengthAt };
}

/** Cells (CELL px square) a pixel path passes through inside the frame, sampled every px. */
const CELL = 3;
function cells(fr: Frame, points: readonly Vec2[]): Set<number> {
  const out = new Set<number>();
  const add = ([x, y]: Vec2): void => {
    if (x >= fr.left && x <= fr.left + fr.width && y >= fr.top && y <= fr.top + fr.height)
      out.add(Math.floor(x / CELL) * 100_000 + Math.floor(y / CELL));
  };
  points.forEach((b, i) => {
    const a = points[i - 1] ?? b;
    // a long jump is sampled only across the frame's size: the rest is outside it
    const n = Math.min(Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1])), 4 * (fr.width + fr.height));
    for (let k = 0; k <= n; k++) add([a[0] + ((b[0] - a[0]) * k) / Math.max(n, 1), a[1] + ((b[1] - a[1]) * k) / Math.max(n, 1)]);
  });
  return out;
}

/** A run whose drawn path is mostly painted over by the paths drawn after it. */
export interface Hidden {
  /** The racer that covers most of it. */
  readonly by: string;
  /** The fraction of its path (in CELL px cells) under later paths, 0 to 1. */
  readonly fraction: number;
}

/** Paths are hidden when at least this fraction of them lies under later ones. */
export const HIDDEN_FRACTION = 0.5;

/**
 * For each run (in drawing order), whether later paths cover at least HIDDEN_FRACTION of
 * it, within CELL px: those get markers along the path and say so in the legend.
 */
export function hiddenRuns(s: Surface, runs: readonly Trajectory[]): (Hidden | null)[] {
  const fr = surfaceFrame(s);
  const sets = runs.map((t) => cells(fr, pixelPath(fr, drawn(s, t)).points));
  return sets.map((mine, j) => {
    if (mine.size === 0) return null;
    let under = 0;
    const by = new Array<number>(runs.length).fill(0);
    for (const c of mine) {
      let covered = false;
      for (let k = j + 1; k < runs.length; k++) {
        if (sets[k]!.has(c)) {
          by[k]!++;
          covered = true;
        }
      }
      if (covered) under++;
    }
    const fraction = under / mine.size;
    if (fraction < HIDDEN_FRACTION) return null;
    const top = by.indexOf(Math.max(...by));
    return { by: runs[top]!.racer.name, fraction };
  });
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** What the legend says about a run: its real step count, where it went, and how it is drawn. */
export function runNotes(s: Surface, t: Trajectory, best: Trajectory | undefined, hidden: Hidden | null, shown = "marked"): string[] {
  const taken = t.points.length - 1;
  const notes: string[] = [];
  if (t.divergedStep !== null) notes.push(`DIVERGED at step ${t.divergedStep} (✕ where it left)`);
  else if (t.exitStep !== null) notes.push(`left the picture at step ${t.exitStep}`);
  else notes.push(`${plural(t.steps, "step")}${t.steps < taken ? " (then at rest)" : ""}, f = ${t.final.toExponential(2)}`);
  if (t === best) notes.push("★ lowest f in the picture, not diverged");
  if (hidden) notes.push(`drawn under ${hidden.by} (${Math.round(hidden.fraction * 100)}%): ${shown}`);
  return notes;
}

function clipDef(fr: Frame): string {
  return el("defs", {}, el("clipPath", { id: "plot" }, el("rect", { x: fr.left, y: fr.top, width: fr.width, height: fr.height })));
}

/** Points every `spacing` px along a pixel path (for markers). */
function along(points: readonly Vec2[], spacing: number): Vec2[] {
  const out: Vec2[] = [];
  let next = spacing / 2;
  let length = 0;
  points.forEach((b, i) => {
    const a = points[i - 1];
    if (!a) return;
    const d = Math.hypot(b[0] - a[0], b[1] - a[1]);
    while (next <= length + d && d > 0) {
      const u = (next - length) / d;
      out.push([a[0] + u * (b[0] - a[0]), a[1] + u * (b[1] - a[1])]);
      next += spacing;
    }
    length += d;
  });
  return out;
}

/**
 * The surface with one coloured path per racer and a legend: a diverged run's path stops
 * where it left the picture, with a cross there; a path mostly under later ones carries
 * markers; the legend gives each run's real step count and names the lowest f in the picture.
 */
export function surfaceSvg(s: Surface, runs: readonly Trajectory[]): string {
  const fr = surfaceFrame(s);
  const hidden = hiddenRuns(s, runs);
  const best = winner(s, runs)?.run;
  let nextMarker = 0;
  const markerOf = hidden.map((h) => (h ? nextMarker++ : undefined));
  const rows = runs.map((t, i) => ({
    colour: t.racer.colour,
    dash: t.racer.dash,
    marker: markerOf[i],
    name: t.racer.name,
    notes: runNotes(s, t, best, hidden[i]!),
  }));
  const paths: string[] = [],
    marks: string[] = [],
    crosses: string[] = [];
  runs.forEach((t, i) => {
    const { points } = pixelPath(fr, drawn(s, t));
    paths.push(
      el("path", {
        class: "trajectory",
        "data-racer": t.racer.name,
        d: polyline(points),
        fill: "none",
        stroke: t.racer.colour,
        "stroke-width": 2,
        "stroke-dasharray": t.racer.dash,
        "stroke-linejoin": "round",
        "stroke-opacity": 0.9,
      }),
    );
    const k = markerOf[i];
    if (k !== undefined) marks.push(...along(points, 60).map((p) => marker(k, p, t.racer.colour, "marker", t.racer.name)));
    if (t.divergedStep !== null && t.exitStep !== null) crosses.push(cross(points[points.length - 1]!, t.racer.colour, t.racer.name));
  });
  const body = [
    clipDef(fr),
    ...surfaceBackground(s, fr),
    el("g", { "clip-path": "url(#plot)" }, ...paths, ...marks),
    ...crosses,
    legend(fr, rows),
  ];
  return svgDocument(fr.left + fr.width + MARGIN.right, pageHeight(fr, rows), `${s.title}: optimizer paths`, body);
}

/**
 * The same race animated with SMIL (no script): each path draws itself step by step while a
 * dot rides its head, all racers at the same step at the same time; the race takes
 * `seconds`, then the finished picture holds for a moment and it starts again. Viewers
 * without SMIL show the finished paths.
 */
export function animatedSvg(s: Surface, runs: readonly Trajectory[], seconds = 10, frames = 120): string {
  const fr = surfaceFrame(s);
  const best = winner(s, runs)?.run;
  const hidden = hiddenRuns(s, runs);
  const steps = Math.max(...runs.map((t) => t.points.length - 1), 1);
  const hold = 0.85; // fraction of the loop spent racing
  const keyTimes = [...Array.from({ length: frames + 1 }, (_, k) => num((hold * k) / frames)), "1"].join(";");
  const anim = { dur: `${seconds}s`, repeatCount: "indefinite", keyTimes, calcMode: "linear" };
  const racersSvg = runs.map((t, i) => {
    const { points, lengthAt } = pixelPath(fr, drawn(s, t));
    const total = Math.max(lengthAt[lengthAt.length - 1] ?? 0, 1e-6);
    const fractions = Array.from(
      { length: frames + 1 },
      (_, k) => (lengthAt[Math.min(Math.round((steps * k) / frames), lengthAt.length - 1)] ?? 0) / total,
    );
    fractions.push(1);
    const id = `trail${i}`;
    return el(
      "g",
      {},
      el(
        "path",
        {
          id,
          class: "trajectory",
          "data-racer": t.racer.name,
          d: polyline(points),
          fill: "none",
          stroke: t.racer.colour,
          "stroke-width": 2,
          "stroke-linejoin": "round",
          "stroke-dasharray": `${num(total + 1)} ${num(total + 1)}`,
          "stroke-dashoffset": 0,
        },
        el("animate", { attributeName: "stroke-dashoffset", values: fractions.map((f) => num(total * (1 - f))).join(";"), ...anim }),
      ),
      el(
        "circle",
        { r: 5, fill: t.racer.colour, stroke: "#000", "stroke-width": 1 },
        el("animateMotion", { keyPoints: fractions.map((f) => f.toFixed(4)).join(";"), ...anim }, el("mpath", { href: `#${id}` })),
      ),
      t.divergedStep !== null && t.exitStep !== null ? cross(points[points.length - 1]!, t.racer.colour, t.racer.name) : "",
    );
  });
  const barY = fr.top + fr.height + 28;
  const progress = el(
    "rect",
    { x: fr.left + fr.width + 16, y: barY - 8, width: 180, height: 6, fill: "#333" },
    el("animate", { attributeName: "width", values: "0;180;180", keyTimes: `0;${hold};1`, dur: `${seconds}s`, repeatCount: "indefinite" }),
  );
  const rows = runs.map((t, i) => ({
    colour: t.racer.colour,
    name: t.racer.name,
    notes: runNotes(s, t, best, hidden[i]!, "follow its dot"),
  }));
  const body = [
    clipDef(fr),
    ...surfaceBackground(s, fr),
    el("g", { "clip-path": "url(#plot)" }, ...racersSvg),
    legend(fr, rows),
    text(fr.left + fr.width + 16, barY - 14, `steps 0 → ${steps}`, { "font-size": 11, fill: "#555" }),
    progress,
  ];
  return svgDocument(fr.left + fr.width + MARGIN.right, pageHeight(fr, rows), `${s.title}: the race (animated)`, body);
}

export interface Curve {
  readonly name: string;
  readonly colour: string;
  readonly dash?: string | undefined;
  /** y at x = 1, 2, ... */
  readonly values: readonly number[];
  /** The legend's lines under the name. */
  readonly notes: readonly string[];
}

/**
 * A log axis fitted to positive values: [lo, hi] a little (5% of the span in log) beyond
 * the smallest and largest (at least 0.02 decades), and ticks at 1, 2 and 5 times the powers of ten inside it
 * (every integer multiple when that gives fewer than 3).
 */
export function logAxis(values: readonly number[]): { lo: number; hi: number; ticks: number[] } {
  const finite = values.filter((v) => v > 0 && Number.isFinite(v));
  const min = finite.length ? Math.min(...finite) : 0.1,
    max = finite.length ? Math.max(...finite) : 1;
  const pad = Math.max(0.05 * Math.log10(max / min), 0.02);
  const lo = 10 ** (Math.log10(min) - pad),
    hi = 10 ** (Math.log10(max) + pad);
  const within = (ms: readonly number[]): number[] => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of ms) {
        const v = Number((m * 10 ** e).toPrecision(6));
        if (v >= lo && v <= hi) out.push(v);
      }
    }
    return out;
  };
  const ticks = within([1, 2, 5]);
  return { lo, hi, ticks: ticks.length >= 3 ? ticks : within([1, 2, 3, 4, 5, 6, 7, 8, 9]) };
}

/** Curves on a log y axis fitted to them (e.g. training loss per epoch), with a legend. */
export function curvesSvg(title: string, xTitle: string, yTitle: string, curves: readonly Curve[]): string {
  const fr = new Frame([0, Math.max(1, ...curves.map((c) => c.values.length))], [0, 1], MARGIN.left + 10, MARGIN.top, 600, 380);
  const axis = logAxis(curves.flatMap((c) => c.values));
  const ly = (v: number): number => Math.log10(Math.min(Math.max(v, axis.lo), axis.hi) / axis.lo) / Math.log10(axis.hi / axis.lo);
  const grid = axis.ticks.map((v) =>
    el("line", { x1: fr.left, x2: fr.left + fr.width, y1: fr.py(ly(v)), y2: fr.py(ly(v)), stroke: "#e3e3e3" }),
  );
  const paths = curves.map((c) =>
    el("path", {
      class: "curve",
      "data-racer": c.name,
      d: polyline(c.values.map((v, i) => [fr.px(i + 1), fr.py(ly(v))] as Vec2)),
      fill: "none",
      stroke: c.colour,
      "stroke-width": 2,
      "stroke-dasharray": c.dash,
    }),
  );
  const rows = curves.map((c) => ({ colour: c.colour, dash: c.dash, name: c.name, notes: c.notes }));
  const body = [
    ...grid,
    ...axes(fr, ticks(0, fr.xr[1]), axis.ticks, ly, (v) => String(v), xTitle, yTitle),
    text(fr.left, 30, title, { "font-size": 17, "font-weight": "bold" }),
    ...paths,
    legend(fr, rows),
  ];
  return svgDocument(fr.left + fr.width + MARGIN.right, pageHeight(fr, rows), title, body);
}
