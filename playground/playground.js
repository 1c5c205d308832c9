// The playground: the demo's race (its surfaces, racers, race runner and legend notes, from
// demo/dist) run live in the page through the package, drawn on two canvases: the paths over
// the surface's contours, and f along each path. A change of surface or optimizers replays the
// race from the start; a slider re-runs it and keeps the animation where it was.
import * as wasm from "wasm-optim";
import { chain, contour, sample } from "/demo/contour.js";
import { MARKERS, hiddenRuns, logAxis, runNotes, ticks } from "/demo/plot.js";
import { clipSegment, exitPoint, inside, race, winner } from "/demo/race.js";
import { RACERS } from "/demo/racers.js";
import { SURFACES } from "/demo/surfaces.js";

const { Adam, AdamW, SGD } = wasm;
if (typeof wasm.ready === "function") await wasm.ready(); // where the package compiles asynchronously

/** How long the paths take to draw, whatever the number of steps. */
const ANIMATION_MS = 6000;
/** Racers ticked when the page opens. */
const DEFAULT_RACERS = ["SGD", "Momentum 0.9", "Nesterov", "Adagrad", "RMSprop", "Adam", "AdamW", "Lion", "L-BFGS"];
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

// ---- controls
const surfaceSelect = $("surface");
for (const s of SURFACES) surfaceSelect.add(new Option(s.title, s.id));
surfaceSelect.value = SURFACES.some((s) => s.id === params.get("surface")) ? params.get("surface") : "rosenbrock";

const ticked = new Set(DEFAULT_RACERS);
for (const r of RACERS) {
  const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: ticked.has(r.name) });
  box.addEventListener("change", () => {
    if (box.checked) ticked.add(r.name);
    else ticked.delete(r.name);
    restart();
  });
  const label = document.createElement("label");
  label.append(box, " ", r.name);
  label.style.color = r.colour;
  $("racers").append(label);
}

/** The sliders whose position is log10 of the value (the learning rates, one per kind of step of the demo's Tuning). */
const LOG_SLIDERS = ["lr", "momentumLr", "stepSize"];
/** The learning rates in use: the surface's own tuning (exactly) until a slider moves. */
let rates;
const value = (id) => (LOG_SLIDERS.includes(id) ? rates[id] : Number($(id).value));
const show = (id) => {
  const v = value(id);
  document.querySelector(`output[for=${id}]`).value = LOG_SLIDERS.includes(id) ? v.toPrecision(2) : String(v);
};
/** Puts the learning-rate sliders at the surface's own tuning (the demo's step sizes). */
function tuneFor(surface) {
  rates = { ...surface.tuning };
  for (const id of LOG_SLIDERS) $(id).value = String(Math.log10(rates[id]));
}
for (const id of [...LOG_SLIDERS, "momentum", "beta1", "beta2"]) {
  $(id).addEventListener("input", () => {
    if (LOG_SLIDERS.includes(id)) rates[id] = 10 ** Number($(id).value);
    show(id);
    rerun();
  });
}
surfaceSelect.addEventListener("change", () => {
  tuneFor(currentSurface());
  LOG_SLIDERS.forEach(show);
  background = null;
  restart();
});
$("replay").addEventListener("click", () => restart());

const currentSurface = () => SURFACES.find((s) => s.id === surfaceSelect.value);

/** The ticked racers, with the sliders' momentum and betas where the racer has them. */
function racers() {
  const momentum = value("momentum"),
    betas = [value("beta1"), value("beta2")];
  const withSliders = {
    "Momentum 0.9": { name: `Momentum ${momentum}`, make: (ps, p) => new SGD(ps, { lr: p.momentumLr, momentum }) },
    Nesterov: { make: (ps, p) => new SGD(ps, { lr: p.momentumLr, momentum, nesterov: true }) },
    Adam: { make: (ps, p) => new Adam(ps, { lr: p.stepSize, betas }) },
    AdamW: { make: (ps, p) => new AdamW(ps, { lr: p.stepSize, betas, weightDecay: 1e-2 }) },
  };
  return RACERS.filter((r) => ticked.has(r.name)).map((r) => ({ ...r, ...withSliders[r.name] }));
}

// ---- the race
let runs = [];
let surface = currentSurface();
let raceMs = 0;
let started = performance.now();

function compute() {
  surface = currentSurface();
  const tuned = { ...surface, tuning: { ...rates } };
  const t0 = performance.now();
  runs = race(tuned, racers(), surface.steps);
  raceMs = performance.now() - t0;
  legend();
}
/** Runs the race again and draws it from the first step. */
function restart() {
  compute();
  started = performance.now();
  animate();
}
/** Runs the race again (a slider moved); the animation goes on where it was. */
let pending = false;
function rerun() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    compute();
    animate();
  });
}

// ---- drawing: the paths
const paths = $("paths").getContext("2d");
const PLOT = { left: 44, top: 12, width: 460, height: 380 };
const px = (x) => PLOT.left + ((x - surface.xRange[0]) / (surface.xRange[1] - surface.xRange[0])) * PLOT.width;
const py = (y) => PLOT.top + PLOT.height - ((y - surface.yRange[0]) / (surface.yRange[1] - surface.yRange[0])) * PLOT.height;
let background = null;

/** The surface's contours over a shading by contour band, drawn once per surface. */
function drawBackground() {
  const canvas = new OffscreenCanvas(paths.canvas.width, paths.canvas.height);
  const g = canvas.getContext("2d");
  g.fillStyle = "#fff";
  g.fillRect(0, 0, canvas.width, canvas.height);
  const { levels, xRange, yRange } = surface;
  const img = g.createImageData(PLOT.width, PLOT.height);
  for (let j = 0; j < PLOT.height; j++) {
    for (let i = 0; i < PLOT.width; i++) {
      const x = xRange[0] + ((i + 0.5) / PLOT.width) * (xRange[1] - xRange[0]);
      const y = yRange[1] - ((j + 0.5) / PLOT.height) * (yRange[1] - yRange[0]);
      const f = surface.f(x, y);
      const band = levels.filter((l) => l < f).length / levels.length; // 0 at the bottom, 1 above the top level
      const k = 4 * (j * PLOT.width + i);
      img.data.set([255 - 70 * (1 - band), 255 - 40 * (1 - band), 255, 255], k);
    }
  }
  g.putImageData(img, PLOT.left, PLOT.top);
  const grid = sample(surface.f, xRange[0], xRange[1], yRange[0], yRange[1], 160, 160);
  g.strokeStyle = "rgba(60, 80, 120, 0.45)";
  g.lineWidth = 0.8;
  for (const level of levels) {
    for (const line of chain(contour(grid, level))) {
      g.beginPath();
      line.forEach(([x, y], k) => (k ? g.lineTo(px(x), py(y)) : g.moveTo(px(x), py(y))));
      g.stroke();
    }
  }
  g.fillStyle = "#000";
  g.font = "18px sans-serif";
  g.textAlign = "center";
  g.fillText("★", px(surface.minimum[0]), py(surface.minimum[1]) + 6);
  frame(g, ticks(...xRange), ticks(...yRange), px, py, PLOT, (v) => String(v), "x", "y");
  return canvas;
}

/** The plot's box, its ticks and axis titles. */
function frame(g, xTicks, yTicks, fx, fy, box, fmtY, xTitle, yTitle) {
  g.strokeStyle = "#333";
  g.lineWidth = 1;
  g.setLineDash([]);
  g.strokeRect(box.left, box.top, box.width, box.height);
  g.fillStyle = "#333";
  g.font = "11px sans-serif";
  g.textAlign = "center";
  for (const v of xTicks) g.fillText(String(v), fx(v), box.top + box.height + 14);
  g.fillText(xTitle, box.left + box.width / 2, box.top + box.height + 30);
  g.textAlign = "right";
  for (const v of yTicks) g.fillText(fmtY(v), box.left - 5, fy(v) + 4);
  g.save();
  g.translate(12, box.top + box.height / 2);
  g.rotate(-Math.PI / 2);
  g.textAlign = "center";
  g.fillText(yTitle, 0, 0);
  g.restore();
}

function cross(g, x, y, colour) {
  g.setLineDash([]);
  g.strokeStyle = colour;
  g.lineWidth = 2.5;
  g.beginPath();
  g.moveTo(x - 6, y - 6);
  g.lineTo(x + 6, y + 6);
  g.moveTo(x - 6, y + 6);
  g.lineTo(x + 6, y - 6);
  g.stroke();
}

function shape(g, k, x, y, colour) {
  g.save();
  g.translate(x, y);
  g.fillStyle = colour;
  g.strokeStyle = "#000";
  g.lineWidth = 0.8;
  const p = new Path2D(MARKERS[k % MARKERS.length]);
  g.fill(p);
  g.stroke(p);
  g.restore();
}

/** Each run's path up to step `upTo` (clipped at the frame), its head, and the marks of the runs that left or diverged. */
function drawPaths(upTo, hidden) {
  background ??= drawBackground();
  paths.drawImage(background, 0, 0);
  let nextMarker = 0;
  runs.forEach((run, r) => {
    const { colour, dash } = run.racer;
    const last = Math.min(upTo, run.points.length - 1);
    paths.strokeStyle = colour;
    paths.lineWidth = 2;
    paths.setLineDash(dash ? dash.split(" ").map(Number) : []);
    paths.beginPath();
    for (let i = 1; i <= last; i++) {
      const a = run.points[i - 1],
        b = run.points[i];
      const c = clipSegment(surface, a, b);
      if (!c) continue;
      const at = (t) => [px(a[0] + t * (b[0] - a[0])), py(a[1] + t * (b[1] - a[1]))];
      paths.moveTo(...at(c[0]));
      paths.lineTo(...at(c[1]));
    }
    paths.stroke();
    const head = run.points[last];
    const marker = hidden[r] ? nextMarker++ : null;
    if (marker !== null) {
      // a path mostly under later ones: its marker along it, as in the demo's pictures
      const every = Math.max(1, Math.floor(run.points.length / 8));
      for (let i = every; i <= last; i += every)
        if (inside(surface, run.points[i])) shape(paths, marker, px(run.points[i][0]), py(run.points[i][1]), colour);
    }
    if (run.exitStep !== null && upTo >= run.exitStep) {
      const [x, y] = exitPoint(surface, run);
      if (run.divergedStep !== null) cross(paths, px(x), py(y), colour);
      else {
        paths.setLineDash([]);
        paths.strokeStyle = colour;
        paths.beginPath();
        paths.arc(px(x), py(y), 5, 0, 2 * Math.PI);
        paths.stroke();
      }
    } else if (inside(surface, head)) {
      paths.setLineDash([]);
      paths.fillStyle = colour;
      paths.beginPath();
      paths.arc(px(head[0]), py(head[1]), 4, 0, 2 * Math.PI);
      paths.fill();
    }
  });
}

// ---- drawing: f along each path
const losses = $("losses").getContext("2d");
const LOSS = { left: 60, top: 12, width: 340, height: 380 };

/** f at every point of every run, and a y axis fitted to the values inside the picture (log where f > 0 there). */
function lossAxis() {
  const values = runs.map((run) => run.points.map(([x, y]) => surface.f(x, y)));
  const shown = runs.flatMap((run, r) => values[r].filter((_, i) => inside(surface, run.points[i])));
  if (shown.every((v) => v > 0)) {
    const { lo, hi, ticks: all } = logAxis(shown);
    // many decades: every k-th power of ten, about 8 labels
    const decades = all.filter((v) => Number.isInteger(Math.log10(v)));
    const every = Math.ceil(decades.length / 8);
    const yTicks = all.length <= 10 ? all : decades.filter((v) => Math.round(Math.log10(v)) % every === 0);
    return { values, yTicks, fmt: (v) => v.toExponential(0), y: (v) => Math.log10(v / lo) / Math.log10(hi / lo) };
  }
  const lo = Math.min(...shown),
    hi = Math.max(...shown);
  return { values, yTicks: ticks(lo, hi), fmt: String, y: (v) => (v - lo) / (hi - lo || 1) };
}

function drawLosses(upTo, axis) {
  const g = losses;
  g.fillStyle = "#fff";
  g.fillRect(0, 0, g.canvas.width, g.canvas.height);
  const steps = surface.steps;
  const fx = (t) => LOSS.left + (t / steps) * LOSS.width;
  const fy = (v) => LOSS.top + LOSS.height * (1 - Math.min(1, Math.max(0, axis.y(v)))); // clamped at the frame
  frame(g, ticks(0, steps, 5), axis.yTicks, fx, fy, LOSS, axis.fmt, "step", "f along the path");
  runs.forEach((run, r) => {
    const vs = axis.values[r];
    const last = Math.min(upTo, vs.length - 1);
    g.strokeStyle = run.racer.colour;
    g.lineWidth = 1.6;
    g.setLineDash(run.racer.dash ? run.racer.dash.split(" ").map(Number) : []);
    g.beginPath();
    for (let t = 0; t <= last; t++) (t ? g.lineTo : g.moveTo).call(g, fx(t), fy(vs[t]));
    g.stroke();
    if (run.divergedStep !== null && upTo >= run.divergedStep) cross(g, fx(last), fy(vs[last]), run.racer.colour);
  });
}

// ---- the legend: the demo's notes for every run (real step counts, diverged, winner, hidden)
function legend() {
  const hidden = hiddenRuns(surface, runs);
  const best = winner(surface, runs)?.run;
  $("legend").replaceChildren(
    ...runs.map((run, r) => {
      const li = document.createElement("li");
      li.dataset.racer = run.racer.name;
      li.dataset.diverged = String(run.divergedStep !== null);
      const dash = run.racer.dash ? ` stroke-dasharray="${run.racer.dash}"` : "";
      li.innerHTML = `<svg width="40" height="10"><line x1="0" y1="5" x2="40" y2="5" stroke="${run.racer.colour}" stroke-width="3"${dash}/></svg> <b></b><div class="notes"></div>`;
      li.querySelector("b").textContent = run.racer.name;
      li.querySelector(".notes").textContent = runNotes(surface, run, best, hidden[r], "markers along it").join("; ");
      return li;
    }),
  );
  $("formula").textContent = surface.formula;
  const isolation = `crossOriginIsolated: ${globalThis.crossOriginIsolated === true}, ${wasm.sharedMemory ? "shared" : "unshared"} wasm memory`;
  $("status").textContent = `${runs.length} racers × ${surface.steps} steps computed in the page (${isolation})`;
  $("timing").textContent = ` in ${raceMs.toFixed(0)} ms`;
}

// ---- the animation
let frameRequest = 0;
function animate() {
  cancelAnimationFrame(frameRequest);
  const hidden = hiddenRuns(surface, runs);
  const axis = lossAxis();
  document.body.dataset.state = "running";
  const tick = () => {
    const done = performance.now() - started >= ANIMATION_MS;
    const upTo = done ? surface.steps : Math.round((surface.steps * (performance.now() - started)) / ANIMATION_MS);
    drawPaths(upTo, hidden);
    drawLosses(upTo, axis);
    if (done) document.body.dataset.state = "done";
    else frameRequest = requestAnimationFrame(tick);
  };
  tick();
}

tuneFor(surface);
[...LOG_SLIDERS, "momentum", "beta1", "beta2"].forEach(show);
restart();
/** For the browser test: what the page raced. */
globalThis.playground = {
  get runs() {
    return runs;
  },
  sharedMemory: wasm.sharedMemory,
};
