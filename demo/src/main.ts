// `npm run demo` / `npx wasm-optim demo`: every optimizer racing on the classic surfaces
// (SVG pictures and one animated race) and a small MLP trained on the Iris data with each
// of them (a table and the loss curves), with an index.html and a README.md to find it all.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InvalidOptionError } from "wasm-optim";
import { irisSplit, train, type TrainingRun } from "./mlp.js";
import { animatedSvg, curvesSvg, surfaceSvg } from "./plot.js";
import { progressOn, type Output } from "./progress.js";
import { race, winner, type Trajectory } from "./race.js";
import { RACERS, type Racer } from "./racers.js";
import { SURFACES, type Surface, type Vec2 } from "./surfaces.js";
import { esc } from "./svg.js";

export interface DemoOptions {
  /** Where the files go (created if missing). Default "demo-out". */
  out?: string;
  /** Race length on every surface. Default: each surface's own (150 to 3000 steps). */
  steps?: number;
  /** Training epochs on Iris. Default 150. */
  epochs?: number;
  /** The surfaces whose race is animated. Default ["beale", "saddle"]. */
  animate?: readonly string[];
  /** Who races and trains. Default: the whole table in racers.ts. */
  racers?: readonly Racer[];
  /** Where progress and the results table go. Default process.stdout. */
  output?: Output;
}

export interface RaceSummary {
  readonly name: string;
  /** The steps that moved it (the last step that changed its position). */
  readonly steps: number;
  readonly end: Vec2;
  readonly final: number;
  /** The step after which it was first outside the picture, or null. */
  readonly exitStep: number | null;
  /** The step after which it was non-finite or far outside the picture (and stopped), or null. */
  readonly divergedStep: number | null;
}

export interface TrainingSummary {
  readonly name: string;
  /** Training loss and held-out accuracy after EARLY_EPOCH epochs (or the last, if fewer): where the optimizers differ. */
  readonly earlyLoss: number;
  readonly earlyTestAccuracy: number;
  readonly finalLoss: number;
  /** Held-out cross-entropy at the end: it ranks the optimizers where held-out accuracy ties. */
  readonly testLoss: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly seconds: number;
  readonly stepsPerSecond: number;
}

export interface DemoResult {
  readonly out: string;
  /** Every file written, relative to `out`. */
  readonly files: string[];
  readonly surfaces: {
    readonly id: string;
    readonly minimum: Vec2;
    readonly runs: RaceSummary[];
    /** The racer with the lowest f on the picture (race.ts scoreInside) among those that did not diverge, and that f. */
    readonly winner: { readonly name: string; readonly f: number } | null;
  }[];
  readonly training: TrainingSummary[];
  readonly seconds: number;
}

const SEED = 42;
const BATCH = 16;
/** The epoch whose loss and held-out accuracy the table shows beside the final ones. */
export const EARLY_EPOCH = 10;

function positiveInteger(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw new InvalidOptionError(name, v, "a positive integer");
  return v as number;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

function trainingRows(runs: readonly TrainingSummary[]): string[][] {
  return runs.map((r) => [
    r.name,
    r.earlyLoss.toFixed(4),
    r.earlyTestAccuracy.toFixed(3),
    r.finalLoss.toFixed(4),
    r.testLoss.toFixed(4),
    r.trainAccuracy.toFixed(3),
    r.testAccuracy.toFixed(3),
    (r.seconds * 1000).toFixed(0),
    Math.round(r.stepsPerSecond).toLocaleString("en-US"),
  ]);
}
const trainingHeader = (early: number): string[] => [
  "optimizer",
  `loss @${early}`,
  `test acc @${early}`,
  "final loss",
  "test loss",
  "train acc",
  "test acc",
  "time ms",
  "steps/s",
];

function summarise(t: Trajectory): RaceSummary {
  return {
    name: t.racer.name,
    steps: t.steps,
    end: t.points[t.points.length - 1]!,
    final: t.final,
    exitStep: t.exitStep,
    divergedStep: t.divergedStep,
  };
}

/** Runs the races and the training, writes every file into `out`, and says what it did. */
export function runDemo(options: DemoOptions = {}): DemoResult {
  const started = performance.now();
  const steps = positiveInteger("steps", options.steps);
  const epochs = positiveInteger("epochs", options.epochs) ?? 150;
  const animated = (options.animate ?? ["beale", "saddle"]).map((id) => {
    const s = SURFACES.find((x) => x.id === id);
    if (!s) throw new InvalidOptionError("animate", id, `one of ${SURFACES.map((x) => x.id).join(", ")}`);
    return s;
  });
  const racers = options.racers ?? RACERS;
  if (racers.length === 0) throw new InvalidOptionError("racers", racers, "at least one racer");
  const output = options.output ?? process.stdout;
  const say = (s: string): void => void output.write(`${s}\n`);
  const out = resolve(options.out ?? "demo-out");
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  const write = (name: string, content: string): void => {
    writeFileSync(join(out, name), content);
    files.push(name);
  };

  say(`wasm-optim demo: ${racers.length} optimizers on ${SURFACES.length} surfaces, then on Iris -> ${out}`);
  const surfaces: DemoResult["surfaces"] = [];
  const raced = new Map<Surface, Trajectory[]>();
  for (const s of SURFACES) {
    const t0 = performance.now();
    const runs = race(s, racers, steps ?? s.steps);
    raced.set(s, runs);
    write(`${s.id}.svg`, surfaceSvg(s, runs));
    const best = winner(s, runs);
    surfaces.push({
      id: s.id,
      minimum: s.minimum,
      runs: runs.map(summarise),
      winner: best ? { name: best.run.racer.name, f: best.f } : null,
    });
    const diverged = runs.filter((r) => r.divergedStep !== null).map((r) => `${r.racer.name} (step ${r.divergedStep})`);
    say(
      `  ${s.title.padEnd(22)} ${steps ?? s.steps} steps  ${((performance.now() - t0) / 1000).toFixed(2)} s  lowest f in the picture: ${best ? `${best.run.racer.name} (${best.f.toExponential(2)})` : "-"}` +
        (diverged.length ? `  diverged: ${diverged.join(", ")}` : ""),
    );
  }
  for (const s of animated) write(`race-${s.id}.svg`, animatedSvg(s, raced.get(s)!));

  const data = irisSplit(SEED);
  const progress = progressOn(output);
  const runs: TrainingRun[] = [];
  // a short run first, so the JIT has warmed up before anything is timed
  train(racers[0]!, data, { epochs: 30, batchSize: BATCH, seed: SEED });
  say(
    `Iris: 4-16-3 MLP (tanh, softmax cross-entropy), ${data.train.rows} training rows, ${data.test.rows} held out, batch ${BATCH}, ${epochs} epochs`,
  );
  for (const racer of racers) {
    progress.start(racer.name, epochs);
    const run = train(racer, data, {
      epochs,
      batchSize: BATCH,
      seed: SEED,
      onEpoch: (e, loss) => progress.update(e, `loss ${loss.toFixed(4)}`),
    });
    if (!run) continue;
    runs.push(run);
    progress.finish(
      `  ${racer.name.padEnd(18)} loss ${run.losses[run.losses.length - 1]!.toFixed(4)}  test accuracy ${run.testAccuracy.toFixed(3)}  ${(run.seconds * 1000).toFixed(0)} ms`,
    );
  }
  const early = Math.min(EARLY_EPOCH, epochs);
  const training: TrainingSummary[] = runs.map((r) => ({
    name: r.racer.name,
    earlyLoss: r.losses[early - 1]!,
    earlyTestAccuracy: r.testAccuracies[early - 1]!,
    finalLoss: r.losses[r.losses.length - 1]!,
    testLoss: r.testLosses[r.testLosses.length - 1]!,
    trainAccuracy: r.trainAccuracy,
    testAccuracy: r.testAccuracy,
    seconds: r.seconds,
    stepsPerSecond: r.steps / r.seconds,
  }));
  write(
    "iris-loss.svg",
    curvesSvg(
      "Iris MLP 4-16-3: training loss",
      "epoch",
      "cross-entropy (training set)",
      runs.map((r, i) => ({
        name: r.racer.name,
        colour: r.racer.colour,
        dash: r.racer.dash,
        values: r.losses,
        notes: [
          `@${early}: loss ${training[i]!.earlyLoss.toFixed(3)}, test acc ${training[i]!.earlyTestAccuracy.toFixed(3)}`,
          `end: loss ${training[i]!.finalLoss.toFixed(4)}, test loss ${training[i]!.testLoss.toFixed(3)}`,
        ],
      })),
    ),
  );
  say("");
  for (const l of table(trainingHeader(early), trainingRows(training))) say(l);

  const result: DemoResult = { out, files, surfaces, training, seconds: (performance.now() - started) / 1000 };
  write("results.json", `${JSON.stringify(result, null, 2)}\n`);
  write("index.html", indexHtml(animated));
  write("README.md", readme(result, epochs, animated));
  files.sort();
  say(`\nwrote ${files.length} files to ${out} in ${result.seconds.toFixed(1)} s — open ${join(out, "index.html")}`);
  return result;
}

function indexHtml(animated: readonly Surface[]): string {
  const fig = (file: string, caption: string): string =>
    `<figure><img src="${file}" alt="${esc(caption)}"><figcaption>${esc(caption)}</figcaption></figure>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>wasm-optim demo</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
figure { margin: 2em 0; } img { max-width: 100%; border: 1px solid #ddd; } figcaption { color: #555; }
</style>
</head>
<body>
<h1>wasm-optim demo</h1>
<p>Every optimizer from the same start, on four classic surfaces, then training a small network on Fisher's Iris data.
Made by <code>npm run demo</code>; the numbers are in <a href="README.md">README.md</a> and <a href="results.json">results.json</a>.</p>
<h2>The race (animated)</h2>
${animated.map((s) => fig(`race-${s.id}.svg`, `${s.title}: all optimizers, step by step`)).join("\n")}
<h2>The surfaces</h2>
${SURFACES.map((s) => fig(`${s.id}.svg`, `${s.title}: ${s.formula}`)).join("\n")}
<h2>A real model</h2>
${fig("iris-loss.svg", "Iris, 4-16-3 MLP: training loss per epoch for each optimizer")}
</body>
</html>
`;
}

function readme(r: DemoResult, epochs: number, animated: readonly Surface[]): string {
  const lines = [
    "# wasm-optim demo output",
    "",
    `Made by \`npm run demo\` in ${r.seconds.toFixed(1)} s. Open [index.html](index.html) in a browser to see everything.`,
    "",
    "| file | what |",
    "| --- | --- |",
    ...SURFACES.map((s) => `| [${s.id}.svg](${s.id}.svg) | ${s.title} (${s.formula}): every optimizer's path from the same start |`),
    ...animated.map(
      (s) => `| [race-${s.id}.svg](race-${s.id}.svg) | the race on ${s.title}, animated (SMIL, no script; plays in a browser) |`,
    ),
    "| [iris-loss.svg](iris-loss.svg) | training loss per epoch of a 4-16-3 MLP on Iris, one curve per optimizer |",
    "| [results.json](results.json) | every number below, and where each racer ended |",
    "",
    `## Iris (${epochs} epochs, batch ${BATCH}, 120 training / 30 held-out rows, seed ${SEED})`,
    "",
    `Training loss and held-out accuracy after ${Math.min(EARLY_EPOCH, epochs)} epochs (\`@${Math.min(EARLY_EPOCH, epochs)}\`), where the optimizers still differ, then at the end; the held-out loss ranks them where held-out accuracy ties.`,
    "",
    ...markdownTable(trainingHeader(Math.min(EARLY_EPOCH, epochs)), trainingRows(r.training)),
    "",
    "## Where the racers ended",
    "",
  ];
  for (const s of r.surfaces) {
    const surface = SURFACES.find((x) => x.id === s.id)!;
    lines.push(`### ${surface.title} — ${surface.minimumLabel}`, "");
    lines.push(
      ...markdownTable(
        ["optimizer", "steps", "in the picture", "end (x, y)", "f at end"],
        s.runs.map((t) => [
          t.name,
          String(t.steps),
          t.divergedStep !== null
            ? `**diverged** at step ${t.divergedStep}`
            : t.exitStep === null
              ? "stayed"
              : `left at step ${t.exitStep}`,
          `(${t.end[0].toPrecision(4)}, ${t.end[1].toPrecision(4)})`,
          t.final.toExponential(2),
        ]),
      ),
      "",
      s.winner
        ? `Lowest f inside the picture, among the runs that did not diverge: **${s.winner.name}** (${s.winner.f.toExponential(2)}).`
        : "No run stayed finite.",
      "",
    );
  }
  return lines.join("\n");
}
