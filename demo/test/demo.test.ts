// The demo at reduced size: every SVG well-formed with one path per racer, the model
// trained on Iris generalises, and the pieces it is built from (surfaces, contours, the
// MLP's backward pass, the data) checked against independent numbers.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidOptionError } from "wasm-optim";
import { main, USAGE } from "../src/cli.js";
import { chain, contour, sample } from "../src/contour.js";
import { IRIS } from "../src/iris.js";
import { EARLY_EPOCH, runDemo, type DemoResult } from "../src/main.js";
import { irisSplit, Mlp } from "../src/mlp.js";
import { mulberry32 } from "../src/prng.js";
import { hiddenRuns, logAxis, surfaceSvg } from "../src/plot.js";
import { exitPoint, race, winner } from "../src/race.js";
import { RACERS, type Racer } from "../src/racers.js";
import { SURFACES } from "../src/surfaces.js";
import { descendants, parseXml } from "./xml.js";

const quiet = { write: () => true, isTTY: false };

type Xml = ReturnType<typeof parseXml>;
/** The grey note lines under a racer's name in a picture's legend. */
function legendNotes(svg: Xml, racer: string): string[] {
  const legend = descendants(svg).find((e) => e.attrs.class === "legend")!;
  const entry = legend.children.find((g) =>
    g.children.some((c) => c.name === "text" && c.attrs["font-weight"] === "bold" && c.text === racer),
  )!;
  return entry.children.filter((c) => c.name === "text" && c.attrs["font-weight"] !== "bold").map((c) => c.text);
}

const names = RACERS.map((r) => r.name).sort();
/** The racers that train the MLP (the second-order ones race on the surfaces only). */
const trainers = RACERS.filter((r) => !r.surfacesOnly)
  .map((r) => r.name)
  .sort();

describe("npm run demo (reduced: 40 steps, 60 epochs)", () => {
  let dir: string;
  let result: DemoResult;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "wasm-optim-demo-"));
    result = runDemo({ out: dir, steps: 40, epochs: 60, output: quiet });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the pictures, the index and the summary", () => {
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      [
        "README.md",
        "beale.svg",
        "index.html",
        "iris-loss.svg",
        "race-beale.svg",
        "race-saddle.svg",
        "ravine.svg",
        "results.json",
        "rosenbrock.svg",
        "saddle.svg",
      ].sort(),
    );
    expect(result.files.sort()).toEqual(files);
    const html = readFileSync(join(dir, "index.html"), "utf8");
    for (const svg of files.filter((f) => f.endsWith(".svg"))) expect(html).toContain(`src="${svg}"`);
    const md = readFileSync(join(dir, "README.md"), "utf8");
    for (const f of files.filter((f) => f !== "README.md")) expect(md).toContain(`](${f})`);
  });

  it("every SVG is well-formed XML with an <svg> root", () => {
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".svg"))) {
      const root = parseXml(readFileSync(join(dir, f), "utf8"));
      expect(root.name, f).toBe("svg");
      expect(root.attrs.xmlns, f).toBe("http://www.w3.org/2000/svg");
    }
  });

  it("each surface picture has exactly one path per racer, starting at the start", () => {
    for (const s of SURFACES) {
      for (const f of [`${s.id}.svg`, ...(s.id === "beale" || s.id === "saddle" ? [`race-${s.id}.svg`] : [])]) {
        const paths = descendants(parseXml(readFileSync(join(dir, f), "utf8"))).filter(
          (e) => e.name === "path" && e.attrs.class === "trajectory",
        );
        expect(paths.map((p) => p.attrs["data-racer"]).sort(), f).toEqual(names);
        const starts = new Set(paths.map((p) => /^M(\S+ \S+)L/.exec(p.attrs.d ?? "")?.[1]));
        expect(starts.size, `${f}: all paths start at one point`).toBe(1);
      }
    }
  });

  it("the animated race uses SMIL only: an <animate> per path and an <animateMotion> per racer, no script", () => {
    const all = descendants(parseXml(readFileSync(join(dir, "race-beale.svg"), "utf8")));
    expect(all.some((e) => e.name === "script")).toBe(false);
    const paths = all.filter((e) => e.name === "path" && e.attrs.class === "trajectory");
    for (const p of paths) {
      const a = p.children.find((c) => c.name === "animate");
      expect(a?.attrs.attributeName).toBe("stroke-dashoffset");
      expect(a!.attrs.values!.split(";").length).toBe(a!.attrs.keyTimes!.split(";").length);
    }
    const motions = all.filter((e) => e.name === "animateMotion");
    expect(motions).toHaveLength(RACERS.length);
    for (const m of motions) {
      const keyPoints = m.attrs.keyPoints!.split(";").map(Number);
      expect(keyPoints.length).toBe(m.attrs.keyTimes!.split(";").length);
      expect(keyPoints.every((k, i) => k >= 0 && k <= 1 && (i === 0 || k >= keyPoints[i - 1]!))).toBe(true);
    }
  });

  it("the loss chart has one curve per racer", () => {
    const curves = descendants(parseXml(readFileSync(join(dir, "iris-loss.svg"), "utf8"))).filter(
      (e) => e.name === "path" && e.attrs.class === "curve",
    );
    expect(curves.map((c) => c.attrs["data-racer"]).sort()).toEqual(trainers);
  });

  it("every optimizer trains the MLP to at least 0.9 accuracy on the 30 held-out rows", () => {
    expect(result.training.map((t) => t.name).sort()).toEqual(trainers);
    for (const t of result.training) {
      expect(t.testAccuracy, t.name).toBeGreaterThanOrEqual(0.9);
      expect(t.finalLoss, t.name).toBeLessThan(Math.log(3)); // better than guessing
    }
  });

  it("the Iris table separates the optimizers where final held-out accuracy ties: loss and held-out accuracy at an early epoch", () => {
    const early = result.training.map((t) => t.earlyLoss.toFixed(4));
    expect(new Set(early).size, early.join(" ")).toBe(result.training.length);
    const acc = result.training.map((t) => t.earlyTestAccuracy);
    expect(Math.max(...acc) - Math.min(...acc)).toBeGreaterThanOrEqual(0.1); // at least 3 of 30 rows apart
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    expect(readme).toContain(`| optimizer | loss @${EARLY_EPOCH} | test acc @${EARLY_EPOCH} | final loss | test loss |`);
  });

  it("every surface's summary names a finite winner that did not diverge", () => {
    for (const s of result.surfaces) {
      expect(s.winner, s.id).not.toBeNull();
      expect(Number.isFinite(s.winner!.f), s.id).toBe(true);
      expect(s.runs.find((r) => r.name === s.winner!.name)!.divergedStep, s.id).toBeNull();
    }
  });

  it("results.json holds the returned numbers", () => {
    const json = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    expect(json.training).toEqual(JSON.parse(JSON.stringify(result.training)));
    expect(json.surfaces.map((s: { id: string }) => s.id)).toEqual(SURFACES.map((s) => s.id));
  });
});

describe("demo options", () => {
  it("rejects bad options with InvalidOptionError before writing anything", () => {
    const dir = join(tmpdir(), `wasm-optim-demo-never-${process.pid}`);
    expect(() => runDemo({ out: dir, steps: 0, output: quiet })).toThrow(InvalidOptionError);
    expect(() => runDemo({ out: dir, epochs: 1.5, output: quiet })).toThrow(/epochs/);
    expect(() => runDemo({ out: dir, animate: ["himmelblau"], output: quiet })).toThrow(/animate/);
    expect(() => readdirSync(dir)).toThrow();
  });

  it("the demo's command line (cli.ts) runs it, prints its usage, and rejects bad arguments with 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "wasm-optim-demo-cli-"));
    const buffers = () => {
      const out: string[] = [],
        err: string[] = [];
      return {
        out,
        err,
        streams: { stdout: { write: (s: string) => out.push(s), isTTY: false }, stderr: { write: (s: string) => err.push(s) } },
      };
    };
    try {
      const ok = buffers();
      expect(main(["--out", dir, "--steps", "5", "--epochs", "2", "--animate", "ravine"], ok.streams)).toBe(0);
      expect(ok.out.join("")).toMatch(/wrote 9 files/);
      expect(readdirSync(dir)).toContain("race-ravine.svg");
      const help = buffers();
      expect(main(["-h"], help.streams)).toBe(0);
      expect(help.out.join("")).toBe(`${USAGE}\n`);
      for (const [args, message] of [
        [["--steps", "0"], /--steps must be a positive integer, not "0"/],
        [["--epochs", "x"], /--epochs must be a positive integer/],
        [["--animate", "himmelblau"], /animate/],
        [["--speed", "2"], /Unknown option '--speed'/],
        [["extra"], /unexpected argument: extra/],
      ] as const) {
        const bad = buffers();
        expect(main(args, bad.streams), args.join(" ")).toBe(2);
        expect(bad.err.join("")).toMatch(message);
        expect(bad.err.join("")).toContain(USAGE);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the race", () => {
  it("SGD on the ravine follows the closed form x (1 - 0.1 lr)^t, y (1 - 4 lr)^t: it zig-zags", () => {
    const ravine = SURFACES.find((s) => s.id === "ravine")!;
    const [run] = race(
      ravine,
      RACERS.filter((r) => r.name === "SGD"),
      30,
    );
    const { lr } = ravine.tuning;
    run!.points.forEach(([x, y], t) => {
      expect(x).toBeCloseTo(ravine.start[0] * (1 - 0.1 * lr) ** t, 12);
      expect(y).toBeCloseTo(ravine.start[1] * (1 - 4 * lr) ** t, 12);
    });
    expect(1 - 4 * lr).toBeLessThan(-0.5); // each step flips y and keeps most of it
  });

  it("a racer that overflows is stopped and reported as diverged, not drawn with NaN", () => {
    const ravine = SURFACES.find((s) => s.id === "ravine")!;
    const [run] = race(
      { ...ravine, tuning: { ...ravine.tuning, lr: 10 } },
      RACERS.filter((r) => r.name === "SGD"),
      1000,
    );
    expect(run!.divergedStep).toBe(1); // y: 2 -> 2 (1 - 40) = -78, 15 heights below the picture
    expect(run!.exitStep).toBe(1);
    expect(run!.points.length).toBeLessThan(1000);
    expect(run!.points.flat().every(Number.isFinite)).toBe(true);
  });

  it("a diverging racer is never the winner, even with the lowest f; its path stops on the frame under a cross", () => {
    const saddle = SURFACES.find((s) => s.id === "saddle")!;
    // a racer that jumps far out along y, where f = x² − y² is hugely negative, and one that turns NaN
    const jumper: Racer = { name: "Jumper", colour: "#000000", make: ([p]) => ({ step: () => p!.data.set([0.5, 1e20]) }) };
    const nan: Racer = { name: "NaN", colour: "#000001", make: ([p]) => ({ step: () => p!.data.set([NaN, 0]) }) };
    const racers = [jumper, nan, ...RACERS.filter((r) => r.name === "Adagrad")];
    const runs = race(saddle, racers, 30);
    expect(runs.map((r) => r.divergedStep)).toEqual([1, 1, null]);
    expect(runs[0]!.final).toBeLessThan(-1e39);
    expect(winner(saddle, runs)!.run.racer.name).toBe("Adagrad");
    expect(Number.isFinite(winner(saddle, runs)!.f)).toBe(true);
    // the jumper's drawn path ends where the segment (-1.9, 0.001) -> (0.5, 1e20) crosses y = 2
    const e = exitPoint(saddle, runs[0]!)!;
    expect(e[1]).toBeCloseTo(2, 12);
    expect(e[0]).toBeCloseTo(-1.9, 9);
    const svg = parseXml(surfaceSvg(saddle, runs));
    const all = descendants(svg);
    const crosses = all.filter((x) => x.name === "path" && x.attrs.class === "diverged").map((x) => x.attrs["data-racer"]);
    expect(crosses.sort()).toEqual(["Jumper", "NaN"]);
    const jumperPath = all.find((x) => x.attrs.class === "trajectory" && x.attrs["data-racer"] === "Jumper")!;
    const ys = [...jumperPath.attrs.d!.matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)].map((m) => Number(m[2]));
    expect(Math.min(...ys)).toBe(52); // the frame's top edge in px (MARGIN.top): clipped there, not beyond
    expect(legendNotes(svg, "Jumper")[0]).toMatch(/^DIVERGED at step 1/);
    expect(legendNotes(svg, "Adagrad")).toContain("★ lowest f in the picture, not diverged");
  });

  it("legends give the real step counts: Newton on the ravine (a quadratic) is at rest after 1 step", () => {
    const ravine = SURFACES.find((s) => s.id === "ravine")!;
    const runs = race(ravine, RACERS, 150);
    const svg = parseXml(surfaceSvg(ravine, runs));
    const newton = runs.find((r) => r.racer.name === "Newton")!;
    expect(newton.points[1]).toEqual([0, 0]);
    expect(newton.steps).toBe(1);
    expect(legendNotes(svg, "Newton")[0]).toMatch(/^1 step \(then at rest\), f = 0\.00e\+0$/);
    for (const r of runs) {
      // the steps that moved it, counted here from the points themselves
      let moved = 0;
      r.points.forEach((p, i) => i > 0 && (p[0] !== r.points[i - 1]![0] || p[1] !== r.points[i - 1]![1]) && (moved = i));
      expect(r.steps, r.racer.name).toBe(moved);
      const note = legendNotes(svg, r.racer.name)[0]!;
      if (r.exitStep === null) expect(note, r.racer.name).toMatch(new RegExp(`^${moved} steps?[ ,]`));
    }
  });

  it("lines that coincide are told apart: Adam under AdamW on the ravine carries markers and the legend says so", () => {
    const ravine = SURFACES.find((s) => s.id === "ravine")!;
    const runs = race(ravine, RACERS, 150);
    const hidden = hiddenRuns(ravine, runs);
    const adam = runs.findIndex((r) => r.racer.name === "Adam");
    expect(hidden[adam]).not.toBeNull(); // AdamW (weight decay 1e-2) runs on Adam's path
    const svg = parseXml(surfaceSvg(ravine, runs));
    const all = descendants(svg);
    const marked = new Set(all.filter((x) => x.attrs.class === "marker").map((x) => x.attrs["data-racer"]));
    runs.forEach((r, i) => {
      expect(marked.has(r.racer.name), r.racer.name).toBe(hidden[i] !== null);
      if (hidden[i]) expect(legendNotes(svg, r.racer.name).at(-1)).toMatch(new RegExp(`^drawn under ${hidden[i].by} \\(\\d+%\\): marked$`));
    });
    // the last racer drawn is on top of everything: never hidden
    expect(hidden.at(-1)).toBeNull();
  });
});

describe("the Iris loss axis and table", () => {
  it("the log axis is fitted to the data: within a factor 1.5 of the lowest and highest values, with ticks inside", () => {
    for (const values of [
      [0.0087, 1.1],
      [0.02, 0.03],
      [3, 3000],
    ]) {
      const { lo, hi, ticks } = logAxis(values);
      const [min, max] = [Math.min(...values), Math.max(...values)];
      expect(lo).toBeLessThanOrEqual(min);
      expect(lo).toBeGreaterThan(min / 1.5);
      expect(hi).toBeGreaterThanOrEqual(max);
      expect(hi).toBeLessThan(max * 1.5);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      for (const t of ticks) expect(t >= lo && t <= hi).toBe(true);
    }
  });
});

describe("surfaces", () => {
  for (const s of SURFACES) {
    it(`${s.id}: gradient and Hessian match central differences; f is smallest at the marked point among its neighbours`, () => {
      const random = mulberry32(7);
      for (let k = 0; k < 20; k++) {
        const x = s.xRange[0] + random() * (s.xRange[1] - s.xRange[0]);
        const y = s.yRange[0] + random() * (s.yRange[1] - s.yRange[0]);
        const h = 1e-5;
        const [gx, gy] = s.grad(x, y);
        const scale = 1 + Math.abs(s.f(x, y));
        expect(Math.abs(gx - (s.f(x + h, y) - s.f(x - h, y)) / (2 * h)) / scale).toBeLessThan(1e-6);
        expect(Math.abs(gy - (s.f(x, y + h) - s.f(x, y - h)) / (2 * h)) / scale).toBeLessThan(1e-6);
        const [hxx, hxy, hyy] = s.hessian(x, y);
        const gs = (a: number, b: number) => s.grad(a, b);
        const gscale = 1 + Math.hypot(gx, gy);
        expect(Math.abs(hxx - (gs(x + h, y)[0] - gs(x - h, y)[0]) / (2 * h)) / gscale).toBeLessThan(1e-5);
        expect(Math.abs(hxy - (gs(x, y + h)[0] - gs(x, y - h)[0]) / (2 * h)) / gscale).toBeLessThan(1e-5);
        expect(Math.abs(hyy - (gs(x, y + h)[1] - gs(x, y - h)[1]) / (2 * h)) / gscale).toBeLessThan(1e-5);
      }
      const [mx, my] = s.minimum;
      const [gx, gy] = s.grad(mx, my);
      expect(Math.hypot(gx, gy)).toBeLessThan(1e-12); // a stationary point
    });
  }
});

describe("contours (marching squares)", () => {
  it("the level set x² + y² = r² of a sampled bowl lies on the circle of radius r", () => {
    const g = sample((x, y) => x * x + y * y, -2, 2, -2, 2, 80, 80);
    for (const r of [0.53, 1.07, 1.71]) {
      const segs = contour(g, r * r);
      expect(segs.length).toBeGreaterThan(20);
      for (const [a, b] of segs) for (const [x, y] of [a, b]) expect(Math.abs(Math.hypot(x, y) - r)).toBeLessThan(0.01);
      // one closed curve: chained, the segments make a single polyline ending where it began
      const lines = chain(segs);
      expect(lines).toHaveLength(1);
      expect(lines[0]!).toHaveLength(segs.length + 1);
      expect(lines[0]![0]).toEqual(lines[0]![segs.length]);
    }
    expect(contour(g, 100)).toEqual([]);
  });

  it("at a saddle cell the two segments are separated according to the centre value", () => {
    // corners a (0,0) = 1, b (1,0) = 0, c (1,1) = 1, d (0,1) = 0: level 0.5 crosses all four edges
    const g = { x0: 0, x1: 1, y0: 0, y1: 1, nx: 1, ny: 1, values: Float64Array.of(1, 0, 0, 1) };
    const segs = contour(g, 0.5); // centre 0.5 is not above 0.5: a and c are cut off separately
    expect(segs).toHaveLength(2);
    const keyed = segs
      .map((s) =>
        s
          .map((p) => p.join(","))
          .sort()
          .join(" "),
      )
      .sort();
    expect(keyed).toEqual(["0,0.5 0.5,0", "0.5,1 1,0.5"]);
  });
});

describe("Iris and the MLP", () => {
  it("the typed-in data has Fisher's well-known rows and per-species means", () => {
    expect(IRIS).toHaveLength(150);
    expect(IRIS[0]).toEqual({ features: [5.1, 3.5, 1.4, 0.2], label: 0 });
    expect(IRIS[50]).toEqual({ features: [7.0, 3.2, 4.7, 1.4], label: 1 });
    expect(IRIS[100]).toEqual({ features: [6.3, 3.3, 6.0, 2.5], label: 2 });
    expect(IRIS[149]).toEqual({ features: [5.9, 3.0, 5.1, 1.8], label: 2 });
    // species means as published (e.g. R's summary of `iris`)
    const published = [
      [5.006, 3.428, 1.462, 0.246],
      [5.936, 2.77, 4.26, 1.326],
      [6.588, 2.974, 5.552, 2.026],
    ];
    for (let c = 0; c < 3; c++) {
      const rows = IRIS.filter((r) => r.label === c);
      expect(rows).toHaveLength(50);
      for (let k = 0; k < 4; k++) expect(rows.reduce((s, r) => s + r.features[k]!, 0) / 50).toBeCloseTo(published[c]![k]!, 9);
    }
  });

  it("the split is stratified, disjoint and standardised on the training rows", () => {
    const { train, test } = irisSplit(42);
    expect([train.rows, test.rows]).toEqual([120, 30]);
    for (let c = 0; c < 3; c++) expect(test.y.filter((y) => y === c)).toHaveLength(10);
    for (let k = 0; k < 4; k++) {
      let m = 0,
        v = 0;
      for (let r = 0; r < train.rows; r++) m += train.x[r * 4 + k]! / train.rows;
      for (let r = 0; r < train.rows; r++) v += (train.x[r * 4 + k]! - m) ** 2 / train.rows;
      expect(m).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 12);
    }
    expect(irisSplit(42).test.x).toEqual(test.x); // seeded: the same every run
  });

  it("the hand-written backward pass matches central differences of the loss", () => {
    const { train } = irisSplit(1);
    const model = new Mlp(mulberry32(3));
    try {
      const rows = [0, 5, 17, 40, 77, 101, 119];
      model.lossAndGrad(train, rows);
      const grads = model.params.map((p) => Float64Array.from(p.grad));
      // float32 params: step by a representable amount and difference in float64
      model.params.forEach((p, pi) => {
        for (const i of [0, 1, Math.floor(p.size / 2), p.size - 1]) {
          const v = p.data[i]!;
          const h = 2 ** -8;
          p.data[i] = v + h;
          const up = model.lossAndGrad(train, rows);
          p.data[i] = v - h;
          const down = model.lossAndGrad(train, rows);
          p.data[i] = v;
          expect(grads[pi]![i]!).toBeCloseTo((up - down) / (2 * h), 4);
        }
      });
    } finally {
      model.dispose();
    }
  });
});

describe("the XML checker used above", () => {
  it("rejects documents that are not well-formed", () => {
    expect(parseXml('<a x="1"><b/></a>').children[0]!.name).toBe("b");
    for (const bad of [
      "<a><b></a></b>",
      "<a x=1/>",
      '<a x="1" x="2"/>',
      "<a>&nbsp;</a>",
      "<a/><b/>",
      "<a>",
      "text<a/>",
      '<a x="<"/>',
      "<a><!-- x -- y --></a>",
    ]) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });
});
