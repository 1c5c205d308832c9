// The package in a real browser, with no bundler: Debian's Chromium (headless, driven by
// playwright-core; no browser is downloaded) opens pages served on localhost by
// scripts/playground-server.mjs that import the built dist/index.js through an import map.
//
// - golden.html replays PyTorch golden cases (first-order and L-BFGS) in the page, once
//   cross-origin isolated (COOP/COEP: SharedArrayBuffer, shared wasm memory) and once not
//   (no SharedArrayBuffer: the unshared build), with a memory growth under a held view each time.
// - the playground animates its race; the finished picture is saved as docs/playground.png.
//
// Skipped only where /usr/bin/chromium is missing outside CI; .ci/run installs it (apt) before the tests.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { build } from "rolldown";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../scripts/playground-server.mjs";
import { PLAYGROUND_MOUNTS } from "../../scripts/playground.mjs";
import { race, type Trajectory } from "../../demo/src/race.js";
import { RACERS } from "../../demo/src/racers.js";
import { SURFACES } from "../../demo/src/surfaces.js";
import { Adam, Param } from "../../src/index.js";
import { loadCase } from "../helpers/golden.js";
import type { CaseReport } from "./golden-page.js";

const CHROMIUM = "/usr/bin/chromium";
/** As root on a machine with no network: no sandbox, no GPU, no background connections (they are refused, many at a time). */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const root = join(import.meta.dirname, "..", "..");
/** Golden cases replayed in the page: [folder, id]. */
const GOLDENS = [
  ["optimizers", "sgd_momentum_closed"],
  ["optimizers", "sgd_nesterov_wd_closed"],
  ["optimizers", "adam_closed"],
  ["optimizers", "adam_default_open"],
  ["optimizers", "adamw_wd_closed_n1000"],
  ["optimizers", "rmsprop_centered_momentum_closed"],
  ["lbfgs", "lbfgs_quad12_wolfe_f32"],
  ["lbfgs", "lbfgs_rosen10_wolfe_f64"],
] as const;

/** A race run as the page reports it. */
type Outcome = Pick<Trajectory, "divergedStep" | "exitStep" | "steps" | "final"> & { name: string };

interface PageRun {
  environment: {
    crossOriginIsolated: boolean;
    sharedArrayBuffer: boolean;
    sharedMemory: boolean;
    bufferIsShared: boolean;
    numThreads: number;
    nodeGlobals: string[];
  };
  cases: CaseReport[];
  growth: {
    pagesBefore: number;
    pagesAfter: number;
    hoistedLength: number;
    hoistedError: string;
    afterHoisted: number[];
    afterStep: number[];
  };
}

// In CI (.ci/run sets up Chromium) a missing browser fails the tests instead of skipping them.
describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== "true")("in headless Chromium, no bundler", () => {
  const scratch = mkdtempSync(join(tmpdir(), "wasm-optim-browser-"));
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    if (!existsSync(join(root, "dist", "index.js"))) throw new Error("dist/index.js is missing: run `npm run build` first");
    // the test page's script: the golden helpers bundled, the package left to the import map
    await build({
      input: join(import.meta.dirname, "golden-page.ts"),
      external: ["wasm-optim", /^node:/],
      treeshake: { moduleSideEffects: false }, // drops the helpers' fs/path imports (used only by the loaders)
      output: { dir: join(scratch, "page"), format: "esm", entryFileNames: "golden-page.js" },
      logLevel: "silent",
    });
    // the playground imports the demo's compiled modules: compiled here into the scratch folder (test/cli.test.ts
    // compiles demo/dist at the same time, and the demo it runs must not read a file being written)
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const demo = spawnSync(process.execPath, [tsc, "-p", join(root, "demo", "tsconfig.json"), "--outDir", join(scratch, "demo")], {
      encoding: "utf8",
    });
    expect(demo.stdout + demo.stderr).toBe("");
    context = await chromium.launchPersistentContext(join(scratch, "profile"), {
      executablePath: CHROMIUM,
      args: ARGS,
      viewport: { width: 1400, height: 880 },
    });
  }, 60_000); // tsc for the demo: 5-10 s on a busy machine
  afterAll(async () => {
    await context?.close(); // undefined when beforeAll failed
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Opens `path` on a fresh server; page errors and console errors are collected. */
  async function open(mounts: Record<string, string>, path: string, isolated: boolean) {
    const server = await startServer({ mounts, isolated });
    const page: Page = await context!.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(server.url + path);
    return {
      page,
      errors,
      close: async () => {
        await page.close();
        await server.close();
      },
    };
  }

  const cases = GOLDENS.map(([folder, id]) => loadCase(folder, id));
  const playgroundMounts = { ...PLAYGROUND_MOUNTS, "/demo/": join(scratch, "demo") };
  const goldenMounts = { "/": import.meta.dirname, "/dist/": join(root, "dist"), "/page/": join(scratch, "page") };

  for (const isolated of [true, false]) {
    it(`golden cases ${isolated ? "cross-origin isolated: shared memory" : "not isolated: unshared memory"}`, async () => {
      const { page, errors, close } = await open(goldenMounts, "golden.html", isolated);
      await page.waitForFunction(() => "wasmOptimTest" in globalThis);
      const run = await page.evaluate(async (cs) => {
        const t = (globalThis as unknown as { wasmOptimTest: { run(c: unknown): Promise<unknown> } }).wasmOptimTest;
        return t.run(cs);
      }, cases);
      await close();
      const { environment, cases: reports, growth } = run as PageRun;
      expect(errors).toEqual([]);
      expect(environment).toEqual({
        crossOriginIsolated: isolated,
        sharedArrayBuffer: isolated,
        sharedMemory: isolated,
        bufferIsShared: isolated,
        numThreads: 1, // no worker_threads in a page
        nodeGlobals: [],
      });
      expect(reports.map((r) => r.id)).toEqual(cases.map((c) => c.id));
      for (const r of reports) {
        expect(r.params, `${r.id}: params, share of tolerance used`).toBeLessThanOrEqual(1);
        expect(r.losses, `${r.id}: losses, share of tolerance used`).toBeLessThanOrEqual(1);
        expect(r.closureEvalsMatch, `${r.id}: closure calls per step`).toBe(true);
        expect(r.maxAbsError).toBeLessThan(1e-3);
      }
      expect(growth.pagesAfter).toBeGreaterThan(growth.pagesBefore);
      if (isolated) {
        // shared memory: a view read before the growth stays live; both steps count
        expect(growth).toMatchObject({
          hoistedLength: 4,
          hoistedError: "",
          afterHoisted: [0.5, 1.5, 2.5, 3.5],
          afterStep: [-0.5, 0.5, 1.5, 2.5],
        });
      } else {
        // unshared: the old view is detached, step() says so and steps nothing; the Param's views read again are live
        expect(growth).toMatchObject({ hoistedLength: 0, hoistedError: "StateError", afterHoisted: [1, 2, 3, 4], afterStep: [0, 1, 2, 3] });
      }
    });
  }

  it("the README's page snippet runs verbatim, without isolation, and agrees with the same loop in Node", async () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const html = /```html\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("## In the browser")))![1]!;
    mkdirSync(join(scratch, "readme"));
    writeFileSync(join(scratch, "readme", "index.html"), `<!doctype html><link rel="icon" href="data:,">${html}`);
    const mounts = { "/": join(scratch, "readme"), "/node_modules/wasm-optim/dist/": join(root, "dist") };
    const { page, errors, close } = await open(mounts, "", false);
    await page.waitForFunction(() => document.body.textContent.startsWith("w = "));
    const text = await page.textContent("body");
    await close();
    expect(errors).toEqual([]);
    const [, values, memory] = /^w = (.*) \((\w+) memory\)$/.exec(text!)!;
    expect(memory).toBe("unshared");
    const w = Param.from(new Float32Array([1, -2, 3]));
    const opt = new Adam([w], { lr: 0.1 });
    for (let step = 0; step < 100; step++) {
      w.grad.set(w.data.map((x) => 2 * x));
      opt.step();
    }
    const got = values!.split(", ").map(Number);
    got.forEach((v, i) => expect(v).toBeCloseTo(w.data[i]!, 6));
    expect(Math.max(...got.map(Math.abs))).toBeLessThan(0.5); // on its way from (1, -2, 3) to 0
    opt.dispose();
    w.dispose();
  });

  it("the playground animates its race; the finished picture is docs/playground.png", async () => {
    const { page, errors, close } = await open(playgroundMounts, "?surface=beale", true);
    await page.waitForSelector("body[data-state=running]");
    const early = await page.locator("#paths").screenshot();
    await page.waitForSelector("body[data-state=done]", { timeout: 30_000 });
    const late = await page.locator("#paths").screenshot();
    expect(early.equals(late), "the paths grew while it animated").toBe(false);
    const status = await page.textContent("#status");
    const legend = await page.locator("#legend li").count();
    const out = join(root, "docs", "playground.png");
    await page.screenshot({ path: out, fullPage: true, style: "#timing { visibility: hidden }" }); // the same picture every run
    await close();
    expect(errors).toEqual([]);
    expect(status).toContain("crossOriginIsolated: true, shared wasm memory");
    expect(legend).toBe(9); // the racers ticked by default
    expect(readFileSync(out).subarray(1, 4).toString()).toBe("PNG");
  }, 120_000); // a page animating for 6 s, on a busy machine

  it("the playground without cross-origin isolation: every racer on every surface, as the demo's race in Node", async () => {
    const { page, errors, close } = await open(playgroundMounts, "", false);
    for (const box of await page.locator("#racers input").all()) await box.check();
    const inPage: Record<string, Outcome[]> = {};
    for (const s of SURFACES) {
      await page.selectOption("#surface", s.id);
      inPage[s.id] = await page.evaluate(() =>
        (globalThis as unknown as { playground: { runs: Trajectory[] } }).playground.runs.map((t) => ({
          name: t.racer.name,
          divergedStep: t.divergedStep,
          exitStep: t.exitStep,
          steps: t.steps,
          final: t.final,
        })),
      );
    }
    // the sliders re-run the race (on Rosenbrock, the last surface): lr 1 sends SGD away; the momentum racer takes the slider's value
    await page.locator("#lr").fill("0");
    await page.locator("#momentum").fill("0.5");
    await page.waitForFunction(() => document.querySelector('#legend li[data-racer="Momentum 0.5"]') !== null);
    const sgd = await page.locator('#legend li[data-racer="SGD"]').evaluate((li) => [li.dataset.diverged, li.textContent]);
    const status = await page.textContent("#status");
    await close();
    expect(errors).toEqual([]);
    expect(status).toContain("crossOriginIsolated: false, unshared wasm memory");
    expect(sgd[0]).toBe("true");
    expect(sgd[1]).toMatch(/DIVERGED at step \d+/);
    for (const s of SURFACES) {
      const inNode = race(s, RACERS, s.steps);
      const got = inPage[s.id]!;
      expect(got.map((o) => o.name)).toEqual(inNode.map((t) => t.racer.name));
      got.forEach((o, i) => {
        const t = inNode[i]!;
        expect({ ...o, final: 0 }, `${s.id}: ${o.name}`).toEqual({
          name: t.racer.name,
          divergedStep: t.divergedStep,
          exitStep: t.exitStep,
          steps: t.steps,
          final: 0,
        });
        // not bit for bit: the kernels are the same wasm, but Math.pow/exp/log of Node 20's V8 and of Chromium's
        // differ in the last bit (664 of 18000 values of x ** k, exp, log checked), and 3000 steps down
        // Rosenbrock's valley grow that to 4e-5 (Schedule-Free AdamW); every other run agrees to 1e-12
        expect(Math.abs(o.final - t.final), `${s.id}: ${o.name}: final f`).toBeLessThanOrEqual(1e-3 * Math.abs(t.final));
      });
    }
  }, 120_000); // 4 surfaces x 12 racers in the page and in Node: 10 s idle, 30 s with the machine loaded
});
