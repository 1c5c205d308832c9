// Muon's Newton-Schulz step, GFLOP/s: the SIMD matrix kernels (assembly/matmul.ts, through
// a Muon step with nsSteps 1) against a plain-JS triple loop, and the machine's 128-bit SIMD
// peak without FMA (assembly/bench/peak.ts: 12 independent f32x4 mul+add chains in registers;
// WebAssembly SIMD has no fused multiply-add, so mul+add is what the kernels can issue).
// One Newton-Schulz step on an m x k iterate (m = min(rows, cols), k = max) is
//   A = X X^T (2 m^2 k), B = b A + c A A (2 m^3), X = a X + B X (2 m^2 k)  flops;
// the Muon step adds O(m k) elementwise work (momentum, norm, decay), counted as nothing.
// Rounds are interleaved (wasm, JS, peak, wasm, ...); the table gives the median over rounds
// of tinybench's median latency. The JS loop at 4096x1024 (19 GFLOP a step) only with --full.
//
//   npm run build && node bench/matmul.bench.mjs [--rounds 3] [--full]
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Bench } from "tinybench";
import { arg, machine, median, randomArray } from "./common.mjs";
import { Muon, Param } from "../dist/index.js";

const ROUNDS = Number(arg("--rounds", "3"));
const FULL = process.argv.includes("--full");
const SHAPES = [
  [256, 256],
  [1024, 1024],
  [4096, 1024],
];
const [A_, B_, C_] = [3.4445, -4.775, 2.0315];

// ---- the peak: compile assembly/bench/peak.ts with the project's AssemblyScript
const asc = createRequire(import.meta.url).resolve("assemblyscript/bin/asc.js");
mkdirSync("build", { recursive: true });
execFileSync(
  process.execPath,
  [asc, "assembly/bench/peak.ts", "--config", "assembly/bench/asconfig.json", "--outFile", "build/peak.wasm"],
  {
    stdio: "inherit",
  },
);
const { peak } = (await WebAssembly.instantiate(readFileSync("build/peak.wasm"))).instance.exports;
const PEAK_ITERS = 2_000_000; // 96 flops each

// ---- the plain-JS Newton-Schulz step: what one writes by hand on Float32Arrays
function jsStep(x, m, k, xt, a, b, next) {
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += x[i * k + p] * x[j * k + p];
      a[i * m + j] = s;
    }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) b[i * m + j] = B_ * a[i * m + j];
    for (let p = 0; p < m; p++) {
      const s = C_ * a[i * m + p];
      for (let j = 0; j < m; j++) b[i * m + j] += s * a[p * m + j];
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) next[i * k + j] = A_ * x[i * k + j];
    for (let p = 0; p < m; p++) {
      const s = b[i * m + p];
      for (let j = 0; j < k; j++) next[i * k + j] += s * x[p * k + j];
    }
  }
}

const rows = [];
for (const [r, c] of SHAPES) {
  const m = Math.min(r, c),
    k = Math.max(r, c);
  const flops = 4 * m * m * k + 2 * m * m * m;
  const p = Param.from(randomArray(r * c, 1, 0.05), { shape: [r, c] });
  p.grad.set(randomArray(r * c, 2, 1e-2));
  const muon = new Muon([p], { nsSteps: 1 });
  muon.step(); // warm: scratch memory made once
  const x = randomArray(m * k, 3, 1 / Math.sqrt(m * k)),
    js = { a: new Float32Array(m * m), b: new Float32Array(m * m), next: new Float32Array(m * k) };
  const tasks = [
    ["wasm SIMD (Muon step, nsSteps 1)", () => muon.step(), flops],
    ["wasm mul+add peak loop", () => peak(PEAK_ITERS), 96 * PEAK_ITERS],
  ];
  if (k * m * m <= 1024 ** 3 || FULL) tasks.push(["plain JS triple loop", () => jsStep(x, m, k, null, js.a, js.b, js.next), flops]);
  const perRound = new Map(tasks.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn, f] of tasks) {
      // tinybench runs at least `iterations` times: a few for the big steps (seconds each)
      const iterations = Math.max(1, Math.min(32, Math.round(3e9 / f)));
      const bench = new Bench({ iterations, time: 0, warmupIterations: iterations > 1 ? 1 : 0, warmupTime: 0 });
      bench.add(name, fn);
      await bench.run();
      perRound.get(name).push(bench.tasks[0].result.latency.p50);
      console.error(`${r}x${c} round ${round + 1}: ${name} ${bench.tasks[0].result.latency.p50.toFixed(1)} ms`);
    }
  }
  const peakGflops = (96 * PEAK_ITERS) / median(perRound.get("wasm mul+add peak loop")) / 1e6;
  for (const [name, , f] of tasks) {
    const ms = median(perRound.get(name));
    const gflops = f / ms / 1e6;
    rows.push({
      shape: `${r}x${c}`,
      task: name,
      "ms (median)": ms.toFixed(2),
      "GFLOP/s": gflops.toFixed(2),
      "% of peak": ((100 * gflops) / peakGflops).toFixed(0),
    });
  }
  muon.dispose();
  p.dispose();
}
console.log(machine());
console.table(rows);
