// Threads: one Adam step (float32, the fused kernel, default options) over N = 1e4 .. 1e7 elements
// on 1 thread and on 2 (src/runtime/threads.ts: the split the step loop makes), and on 2 with the fall-back
// to one thread off (every call split, whatever it costs), in two settings: the second core
// free, and a busy-loop process (`node -e "for(;;){}"`) started by this script spinning for the
// whole measurement. Each size and setting runs `ROUNDS` interleaved rounds (1 thread, 2
// threads, 2 always, 1 thread, ...); the table gives the median over rounds of tinybench's MEAN
// time per step (what a training loop feels: a rare call stalled for milliseconds by a
// preempted worker counts in full, which a median would hide), and the ratio 1 thread / 2
// threads (> 1: faster). `--dist DIR` measures another build (e.g. an earlier commit's dist).
//
//   npm run build && node bench/threads.bench.mjs [--sizes 1e4,1e5,1e6] [--rounds 5] [--settings free,busy] [--dist DIR]
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import { arg, machine, median, randomArray } from "./common.mjs";

const DIST = arg("--dist", null);
const dist = (file) => (DIST ? pathToFileURL(resolve(DIST, file)).href : new URL(`../dist/${file}`, import.meta.url).href);
const { allocate, memory, PARALLEL_THRESHOLD, parallelKernel, release, setFallback, workerChunks } = await import(dist("unsafe.js"));
const { setNumThreads } = await import(dist("index.js"));

const SIZES = arg("--sizes", "1e4,1e5,1e6,1e7").split(",").map(Number);
const ROUNDS = Number(arg("--rounds", "5"));
const SETTINGS = arg("--settings", "free,busy").split(",");
/** The tasks: 1 thread; 2 threads (the library's behaviour); 2 threads that always split (fall-back off). */
const TASKS = [
  { name: "1", threads: 1, fallback: true },
  { name: "2", threads: 2, fallback: true },
  { name: "2 always", threads: 2, fallback: false },
];

/** Adam's buffers (p, g, m, v; no amsgrad) in wasm memory, and one step over them. */
function adam(n) {
  const ptrs = [1, 2, 3, 4].map((seed) => {
    const q = allocate(4 * n);
    new Float32Array(memory.buffer, q, n).set(randomArray(n, seed, seed === 4 ? 0 : 1));
    return q;
  });
  // lr 1e-3, betas (0.9, 0.999), eps 1e-8, step 10: stepSize = lr/(1 - 0.9^10), bc2sqrt = sqrt(1 - 0.999^10)
  const scalars = [1e-3 / (1 - 0.9 ** 10), 0.9, 0.999, Math.sqrt(1 - 0.999 ** 10), 1e-8, 0, 1, 1];
  const pointers = [...ptrs, 0];
  return {
    // flags amsgrad 0, plain 1, l2 0: the kernel `new Adam(params)` runs (its default options)
    step: () => parallelKernel("adam", "float32", pointers, n, scalars, [0, 1, 0]),
    dispose: () => ptrs.forEach(release),
  };
}

/** A process that spins on a core until killed (stands for another program using the machine). */
async function busyLoop() {
  const child = spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, 200));
  return () => child.kill();
}

const rows = [];
for (const setting of SETTINGS) {
  const stop = setting === "busy" ? await busyLoop() : () => undefined;
  try {
    for (const n of SIZES) {
      const { step, dispose } = adam(n);
      const samples = Object.fromEntries(TASKS.map((t) => [t.name, []]));
      const time = n >= 1e7 ? 1500 : 500;
      const workersBefore = workerChunks();
      for (let r = 0; r < ROUNDS; r++) {
        for (const t of TASKS) {
          const bench = new Bench({ time, warmupTime: 100, warmupIterations: 5 });
          const beforeAll = () => {
            setNumThreads(t.threads);
            setFallback(t.fallback);
          };
          bench.add(t.name, step, { beforeAll });
          await bench.run();
          samples[t.name].push(bench.tasks[0].result.latency.mean);
        }
      }
      dispose();
      const ms = Object.fromEntries(TASKS.map((t) => [t.name, median(samples[t.name])]));
      rows.push({ setting, n, ms, workerChunks: workerChunks() - workersBefore });
      console.error(
        `${setting} N=${n.toExponential(0)}: 1 thread ${(ms[1] * 1e3).toFixed(1)} µs, 2 threads ${(ms[2] * 1e3).toFixed(1)} µs`,
      );
    }
  } finally {
    stop();
  }
}

const f = (x, d = 2) => x.toFixed(d);
console.log(
  `\nAdam float32, ${ROUNDS} interleaved rounds (median of tinybench's mean time per step); threshold ${PARALLEL_THRESHOLD} elements; ${machine()}`,
);
console.log(
  `\n| second core | N | 1 thread µs | 2 threads µs | 1 thread ns/el | 2 threads ns/el | 2 threads vs 1 | 2 threads, no fall-back, vs 1 | chunks run by the worker |`,
);
console.log(`|---|---|---|---|---|---|---|---|---|`);
for (const { setting, n, ms, workerChunks: w } of rows) {
  const ns = (t) => (ms[t] * 1e6) / n;
  const label = setting === "busy" ? "busy loop" : "free";
  const [one, two, always] = [ms["1"], ms["2"], ms["2 always"]];
  console.log(
    `| ${label} | ${n.toExponential(0)} | ${f(one * 1e3, 1)} | ${f(two * 1e3, 1)} | ${f(ns("1"))} | ${f(ns("2"))} | **${f(one / two)}x** | ${f(one / always)}x | ${w} |`,
  );
}
