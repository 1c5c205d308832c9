// The pictures: a surface's contours with every racer's path (static or animated with SMIL),
// and a line chart of training curves. Plain SVG strings from svg.ts.
import { chain, contour, sample } from "./contour.js";
import { exitPoint, winner, type Trajectory } from "./race.js";
import type { Surface, Vec2 } from "./surfaces.js";
import { el, num, polyline, svgDocument, text } from "./svg.js";

const MARGIN = { left: 56, top: 52, right: 230, bottom: 44 };

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
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

function axes(fr: Frame, xTicks: readonly number[], yTicks: readonly number[], yLabel: (v: number) => number, fmtY: (v: number) => string, xTitle: string, yTitle: string): string[] {
  const out: string[] = [el("rect", { x: fr.left, y: fr.top, width: fr.width, height: fr.height, fill: "none", stroke: "#333" })];
  for (const v of xTicks) {
    const x = fr.px(v);
    out.push(el("line", { x1: x, x2: x, y1: fr.top + fr.height, y2: fr.top + fr.height + 5, stroke: "#333" }), text(x, fr.top + fr.height + 18, String(v), { "text-anchor": "middle" }));
  }
  for (const v of yTicks) {
    const y = fr.py(yLabel(v));
    out.push(el("line", { x1: fr.left - 5, x2: fr.left, y1: y, y2: y, stroke: "#333" }), text(fr.left - 8, y + 4, fmtY(v), { "text-anchor": "end" }));
  }
  out.push(text(fr.left + fr.width / 2, fr.top + fr.height + 36, xTitle, { "text-anchor": "middle" }));
  out.push(text(14, fr.top + fr.height / 2, yTitle, { "text-anchor": "middle", transform: `rotate(-90 14 ${num(fr.top + fr.height / 2)})` }));
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
export const MARKERS = ["M-4 -4h8v8h-8z", "M0 -5.5L5.5 0L0 5.5L-5.5 0z", "M0 -5L5 4.5h-10z", "M-4.5 -1.5h9v3h-9zM-1.5 -4.5h3v9h-3z"] as const;

function marker(k: number, [x, y]: Vec2, colour: string, cls: string, racer: string): string {
  return el("path", { class: cls, "data-racer": racer, d: MARKERS[k % MARKERS.length]!, transform: `translate(${num(x)} ${num(y)})`, fill: colour, stroke: "#000", "stroke-width": 0.8 });
}

/** A cross (the mark where a diverged run left the picture). */
function cross([x, y]: Vec2, colour: string, racer: string): string {
  return el("path", { class: "diverged", "data-racer": racer, d: "M-6 -6L6 6M-6 6L6 -6", transform: `translate(${num(x)} ${num(y)})`, stroke: colour, "stroke-width": 3.5, fill: "none" });
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
  return `#${[0, 1, 2].map((i) => Math.round(c(a, i) + (c(b, i) - c(a, i)) * t).toString(16).padStart(2, "0")).join("")}`;
}

/** The frame for a surface: equal scale on both axes, the longer side 600 px. */
function surfaceFrame(s: Surface): Frame {
  const w = s.xRange[1] - s.xRange[0], h = s.yRange[1] - s.yRange[0];
  const scale = 600 / Math.max(w, h);
  return new Frame(s.xRange, s.yRange, MARGIN.left, MARGIN.top, w * scale, h * scale);
}

/** Contours, axes, start and minimum markers: everything but the paths. */
function surfaceBackground(s: Surface, fr: Frame): string[] {
  const grid = sample((x, y) => s.f(x, y), s.xRange[0], s.xRange[1], s.yRange[0], s.yRange[1], Math.round(fr.width), Math.round(fr.height));
  const lines = s.levels.map((level, k) => {
    const d = chain(contour(grid, level)).map((line) => polyline(line.map((p) => fr.at(p)))).join("");
    return d ? el("path", { d, fill: "none", stroke: mix("#d5e0ee", "#6f8db3", k / Math.max(1, s.levels.length - 1)), "stroke-width": 1 }) : "";
  });
  const [mx, my] = fr.at(s.minimum);
  const star = Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 === 0 ? 11 : 4.5, a = -Math.PI / 2 + (i * Math.PI) / 5;
    return `${num(mx + r * Math.cos(a))},${num(my + r * Math.sin(a))}`;
  }).join(" ");
  const [sx, sy] = fr.at(s.start);
  return [
    el("g", { class: "contours" }, ...lines.filter(Boolean)),
    ...axes(fr, ticks(...s.xRange), ticks(...s.yRange), (v) => v, String, "x", "y"),
    text(MARGIN.left, 22, `${s.title}`, { "font-size": 17, "font-weight": "bold" }),
    text(MARGIN.left, 40, s.formula, { fill: "#444" }),
    el("polygon", { class: "minimum", points: star, fill: "#ffd700", stroke: "#000", "stroke-width": 1 }),
    text(mx + 13, my - 8, s.minimumLabel, { "font-size": 11 }),
    el("circle", { class: "start", cx: sx, cy: sy, r: 5, fill: "#fff", stroke: "#000", "stroke-width": 1.5 }),
    text(sx + 8, sy + 16, "start", { "font-size": 11 }),
  ];
}

/**
 * A trajectory in pixels with points closer than 0.4 px to the previous one dropped, and for
 * each step the path length (px) up to that step.
 */
function pixelPath(fr: Frame, t: Trajectory): { points: Vec2[]; lengthAt: number[] } {
  const points: Vec2[] = [];
  const lengthAt: number[] = [];
  let length = 0;
  t.points.forEach((p, i) => {
    const q = fr.at(p);
    const last = points[points.length - 1];
    const d = last ? Math.hypot(q[0] - last[0], q[1] - last[1]) : 0;
    if (!last || d >= 0.4 || i === t.points.length - 1) {
      points.push(q);
      length += d;
    }
    lengthAt.push(length);
  });
  return { points, lengthAt };
}

function note(t: Trajectory): string {
  return t.exitStep !== null ? `left the picture at step ${t.exitStep}` : `${t.points.length - 1} steps, f = ${t.final.toExponential(2)}`;
}

function clipDef(fr: Frame): string {
  return el("defs", {}, el("clipPath", { id: "plot" }, el("rect", { x: fr.left, y: fr.top, width: fr.width, height: fr.height })));
}

/** The surface with one coloured path per racer and a legend. */
export function surfaceSvg(s: Surface, runs: readonly Trajectory[]): string {
  const fr = surfaceFrame(s);
  const paths = runs.map((t) =>
    el("path", { class: "trajectory", "data-racer": t.racer.name, d: polyline(pixelPath(fr, t).points), fill: "none", stroke: t.racer.colour, "stroke-width": 2, "stroke-dasharray": t.racer.dash, "stroke-linejoin": "round", "stroke-opacity": 0.9 }),
  );
  const body = [
    clipDef(fr),
    ...surfaceBackground(s, fr),
    el("g", { "clip-path": "url(#plot)" }, ...paths),
    legend(fr, runs.map((t) => ({ colour: t.racer.colour, dash: t.racer.dash, name: t.racer.name, note: note(t) }))),
  ];
  return svgDocument(fr.left + fr.width + MARGIN.right, pageHeight(fr, runs.length), `${s.title}: optimizer paths`, body);
}

/**
 * The same race animated with SMIL (no script): each path draws itself step by step while a
 * dot rides its head, all racers at the same step at the same time; the race takes
 * `seconds`, then the finished picture holds for a moment and it starts again. Viewers
 * without SMIL show the finished paths.
 */
export function animatedSvg(s: Surface, runs: readonly Trajectory[], seconds = 10, frames = 120): string {
  const fr = surfaceFrame(s);
  const steps = Math.max(...runs.map((t) => t.points.length - 1), 1);
  const hold = 0.85; // fraction of the loop spent racing
  const keyTimes = [...Array.from({ length: frames + 1 }, (_, k) => num((hold * k) / frames)), "1"].join(";");
  const anim = { dur: `${seconds}s`, repeatCount: "indefinite", keyTimes, calcMode: "linear" };
  const racersSvg = runs.map((t, i) => {
    const { points, lengthAt } = pixelPath(fr, t);
    const total = Math.max(lengthAt[lengthAt.length - 1] ?? 0, 1e-6);
    const fractions = Array.from({ length: frames + 1 }, (_, k) => (lengthAt[Math.min(Math.round((steps * k) / frames), lengthAt.length - 1)] ?? 0) / total);
    fractions.push(1);
    const id = `trail${i}`;
    return el(
      "g",
      {},
      el(
        "path",
        { id, class: "trajectory", "data-racer": t.racer.name, d: polyline(points), fill: "none", stroke: t.racer.colour, "stroke-width": 2, "stroke-linejoin": "round", "stroke-dasharray": `${num(total + 1)} ${num(total + 1)}`, "stroke-dashoffset": 0 },
        el("animate", { attributeName: "stroke-dashoffset", values: fractions.map((f) => num(total * (1 - f))).join(";"), ...anim }),
      ),
      el(
        "circle",
        { r: 5, fill: t.racer.colour, stroke: "#000", "stroke-width": 1 },
        el("animateMotion", { keyPoints: fractions.map((f) => f.toFixed(4)).join(";"), ...anim }, el("mpath", { href: `#${id}` })),
      ),
    );
  });
  const barY = fr.top + fr.height + 28;
  const progress = el(
    "rect",
    { x: fr.left + fr.width + 16, y: barY - 8, width: 180, height: 6, fill: "#333" },
    el("animate", { attributeName: "width", values: "0;180;180", keyTimes: `0;${hold};1`, dur: `${seconds}s`, repeatCount: "indefinite" }),
  );
  const body = [
    clipDef(fr),
    ...surfaceBackground(s, fr),
    el("g", { "clip-path": "url(#plot)" }, ...racersSvg),
    legend(fr, runs.map((t) => ({ colour: t.racer.colour, dash: undefined, name: t.racer.name, note: note(t) }))),
    text(fr.left + fr.width + 16, barY - 14, `steps 0 → ${steps}`, { "font-size": 11, fill: "#555" }),
    progress,
  ];
  return svgDocument(fr.left + fr.width + MARGIN.right, pageHeight(fr, runs.length), `${s.title}: the race (animated)`, body);
}

export interface Curve {
  readonly name: string;
  readonly colour: string;
  readonly dash?: string | undefined;
  /** y at x = 1, 2, ... */
  readonly values: readonly number[];
  readonly note: string;
}

/** Curves on a log y axis (e.g. training loss per epoch), with a legend. */
export function curvesSvg(title: string, xTitle: string, yTitle: string, curves: readonly Curve[]): string {
  const fr = new Frame([0, Math.max(1, ...curves.map((c) => c.values.length))], [0, 1], MARGIN.left + 10, MARGIN.top, 600, 380);
  const finite = curves.flatMap((c) => c.values.filter((v) => v > 0 && Number.isFinite(v)));
  const lo = Math.floor(Math.log10(Math.min(...finite, 1))), hi = Math.ceil(Math.log10(Math.max(...finite, 10 ** (lo + 1))));
  const ly = (v: number): number => (Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo);
  const decades = Array.from({ length: hi - lo + 1 }, (_, k) => 10 ** (lo + k));
  const grid = decades.map((v) => el("line", { x1: fr.left, x2: fr.left + fr.width, y1: fr.py(ly(v)), y2: fr.py(ly(v)), stroke: "#e3e3e3" }));
  const paths = curves.map((c) =>
    el("path", { class: "curve", "data-racer": c.name, d: polyline(c.values.map((v, i) => [fr.px(i + 1), fr.py(ly(v))] as Vec2)), fill: "none", stroke: c.colour, "stroke-width": 2, "stroke-dasharray": c.dash }),
  );
  const body = [
    ...grid,
    ...axes(fr, ticks(0, fr.xr[1]), decades, ly, (v) => v.toExponential(0).replace("e+", "e"), xTitle, yTitle),
    text(fr.left, 30, title, { "font-size": 17, "font-weight": "bold" }),
    ...paths,
    legend(fr, curves.map((c) => ({ colour: c.colour, dash: c.dash, name: c.name, note: c.note }))),
  ];
  return svgDocument(fr.left + fr.width + MARGIN.right, pageHeight(fr, curves.length), title, body);
}
