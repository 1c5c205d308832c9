// `npm run bench` / `npx wasm-optim bench`: one optimizer step, float32, in one process —
// wasm-optim against what a user could use instead: the plain-JS loop, TF.js's wasm and cpu
// backends (bench/peers, installed on first use), the same loop in C (gcc, bench/native) and
// torch.optim (Debian's python3-torch, bench/torch-peer.py, its own process). For Adam, AdamW,
// SGD with momentum and RMSprop at 1e3 .. 1e7 elements and on a 200-tensor model (~2.2M
// elements laid out with Param.many, bench/common.mjs, as in bench/model.bench.mjs): ns per
// element (the fastest of R interleaved batches) with 1 thread, the speed-up with all threads
// (the library's default thread count), each peer's time as a multiple of wasm-optim's on 1
// thread, and wasm-optim's effective GB/s on 1 thread and on all threads beside the in-place-
// update bandwidth (p += g, wasm SIMD) on as many threads, measured in the same run; and the
// most the memory allows: the plain-JS loop's time over the time the step's traffic takes at
// the all-threads bandwidth. The kernels against their limits: bench/kernels.bench.mjs
// (--kernels adds it here); threads in detail: bench/threads.bench.mjs.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { arg, machine, jsTensors, manyParams, MODEL_SIZES, modelData, randomArray } from "./common.mjs";
import { build } from "./native/build.mjs";
import { kernelTable, measureKernels, probeModule } from "./kernels.bench.mjs";
import * as lib from "../dist/index.js";
import { allocate, memory, parallelKernel, PARALLEL_THRESHOLD, release, setFallback, wasmExports } from "../dist/unsafe.js";

const { Adam, AdamW, RMSprop, SGD, getNumThreads, setNumThreads } = lib;
/** The probes every workload times beside the steps (see makeProbes). */
const PROBES = ["p += g", "p += g, all threads", "sqrt+div"];
/** All threads: the library's default thread count on this machine. */
const ALL_THREADS = getNumThreads();

export const HELP = `usage: npm run bench -- [options]   (or: npx wasm-optim bench [options])

  one optimizer step (float32) of Adam, AdamW, SGD with momentum and RMSprop, per
  size and on a 200-tensor model: wasm-optim (1 thread and all threads), the
  plain-JS loop, TF.js (wasm and cpu backends), C (gcc -O3), torch

  --quick         sizes 1e3,1e5,1e6, fewer rounds (under 30 s)
  --sizes N,...   element counts (default 1e3,1e4,1e5,1e6,1e7)
  --no-model      skip the 200-tensor model row
  --rounds R      interleaved batches per size, the fastest taken (default 5; quick 3)
  --kernels       also the kernels against their limits (bench/kernels.bench.mjs)
  --no-peers      skip TF.js and torch
  --json          one JSON object on stdout instead of the table
  -h, --help      this text`;

const has = (f) => process.argv.includes(f);
if (has("--help") || has("-h")) {
  console.log(HELP);
  process.exit(0);
}
const QUICK = has("--quick");
const SIZES = arg("--sizes", QUICK ? "1e3,1e5,1e6" : "1e3,1e4,1e5,1e6,1e7")
  .split(",")
  .map(Number);
const ROUNDS = Number(arg("--rounds", QUICK ? "3" : "5"));
const BATCH_S = QUICK ? 0.012 : 0.04; // seconds per timed batch
const PEERS = !has("--no-peers");
const MODEL = !has("--no-model");
const SLOW_S = 0.5; // a peer slower than this per step runs one step per round
const TF_CPU_MAX = 1e6; // TF.js cpu takes seconds per step above this: skipped
const progress = (s) => process.stderr.isTTY && process.stderr.write(`\r\x1b[K${s}`);
const notes = {};

// ---- peers: TF.js from bench/peers (installed on first use), torch through its script
const peersDir = fileURLToPath(new URL("peers/", import.meta.url));
function loadTf() {
  if (!PEERS) return ((notes.tfjs = "skipped (--no-peers)"), null);
  if (!existsSync(`${peersDir}node_modules/@tensorflow/tfjs-core`)) {
    progress("installing the peers (npm install --prefix bench/peers) ...");
    const r = spawnSync("npm", ["install", "--prefix", peersDir, "--no-audit", "--no-fund"], { stdio: "ignore", timeout: 300_000 });
    if (r.status !== 0) return ((notes.tfjs = "not installed (npm install --prefix bench/peers failed: offline?)"), null);
  }
  try {
    const require = createRequire(`${peersDir}package.json`);
    const tf = require("@tensorflow/tfjs-core");
    // production mode, as a user after speed would run it: TF.js skips its debug checks, and its
    // cpu backend's "install tfjs-node" banner (wider than the table's 80 columns) is not printed
    tf.enableProdMode();
    require("@tensorflow/tfjs-backend-cpu");
    require("@tensorflow/tfjs-backend-wasm");
    notes.tfjs = `@tensorflow/tfjs-core ${tf.version_core}`;
    return tf;
  } catch (e) {
    return ((notes.tfjs = `not loaded (${String(e.message).split("\n")[0]})`), null);
  }
}
function runTorch() {
  if (!PEERS) return ((notes.torch = "skipped (--no-peers)"), null);
  if (spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status !== 0)
    return ((notes.torch = "not available (apt-get install python3-torch)"), null);
  progress("torch (bench/torch-peer.py) ...");
  const script = fileURLToPath(new URL("torch-peer.py", import.meta.url));
  const args = [script, "--sizes", SIZES.join(","), "--rounds", String(ROUNDS), "--target", String(BATCH_S)];
  const r = spawnSync("/usr/bin/python3", args, { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) return ((notes.torch = `failed: ${String(r.stderr).trim().split("\n").pop()}`), null);
  const out = JSON.parse(r.stdout);
  notes.torch = `torch ${out.version}, 1 thread`;
  return out.results;
}

// ---- the plain-JS loops: what a user writes by hand on Float32Arrays (torch's formulas)
const js = {
  Adam(s, t) {
    const { p, g, m, v } = s;
    const stepSize = 1e-3 / (1 - 0.9 ** t),
      bc2sqrt = Math.sqrt(1 - 0.999 ** t);
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      const mi = (m[i] = 0.9 * m[i] + 0.1 * gi);
      const vi = (v[i] = 0.999 * v[i] + 0.001 * gi * gi);
      p[i] -= (stepSize * mi) / (Math.sqrt(vi) / bc2sqrt + 1e-8);
    }
  },
  AdamW(s, t) {
    const decay = 1 - 1e-3 * 1e-2;
    for (let i = 0; i < s.p.length; i++) s.p[i] *= decay;
    js.Adam(s, t);
  },
  "SGD momentum"(s) {
    const { p, g, m } = s;
    for (let i = 0; i < p.length; i++) {
      const b = (m[i] = 0.9 * m[i] + g[i]);
      p[i] -= 1e-3 * b;
    }
  },
  RMSprop(s) {
    const { p, g, v } = s;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      const vi = (v[i] = 0.99 * v[i] + 0.01 * gi * gi);
      p[i] -= (1e-2 * gi) / (Math.sqrt(vi) + 1e-8);
    }
  },
};

/** Each optimizer: wasm-optim's class and options, bytes moved per element, whether its step takes a sqrt and a division per element, TF.js's and C's. */
const OPTIMIZERS = {
  Adam: { make: (ps) => new Adam(ps, { lr: 1e-3 }), bytes: 28, sqrtDiv: true, tf: (tf) => tf.train.adam(1e-3), c: "adam" },
  AdamW: { make: (ps) => new AdamW(ps, { lr: 1e-3 }), bytes: 28, sqrtDiv: true, tf: null, c: "adamw" },
  "SGD momentum": {
    make: (ps) => new SGD(ps, { lr: 1e-3, momentum: 0.9 }),
    bytes: 20,
    tf: (tf) => tf.train.momentum(1e-3, 0.9),
    c: "sgdMomentum",
  },
  RMSprop: {
    make: (ps) => new RMSprop(ps, { lr: 1e-2 }),
    bytes: 20,
    sqrtDiv: true,
    tf: (tf) => tf.train.rmsprop(1e-2, 0.99, 0, 1e-8),
    c: "rmsprop",
  },
};
const cScalars = {
  adam: [-1e-3 / (1 - 0.9 ** 10), 0.9, 0.1, 0.999, 0.001, 1 / Math.sqrt(1 - 0.999 ** 10), 1e-8],
  adamw: [-1e-3 / (1 - 0.9 ** 10), 0.9, 0.1, 0.999, 0.001, 1 / Math.sqrt(1 - 0.999 ** 10), 1e-8, 1 - 1e-5],
  sgdMomentum: [-1e-3, 0.9],
  rmsprop: [-1e-2, 0.99, 0.01, 1e-8],
};

/**
 * reps that take about BATCH_S seconds, after a warm-up call; null when one call takes over
 * SLOW_S seconds (that peer is then timed on one call per round).
 */
function repsFor(run) {
  if (run(1) > SLOW_S) return null;
  let reps = 1;
  for (;;) {
    const s = run(reps);
    if (s >= BATCH_S / 4 || reps >= 1e7) return Math.max(1, Math.round((reps * BATCH_S) / s));
    reps *= 4;
  }
}
const timed = (step) => (reps) => {
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) step();
  return Number(process.hrtime.bigint() - t0) * 1e-9;
};

/** wasm-optim's step timed on `threads` threads (set before each batch: the setting is library-wide). */
const onThreads = (threads, run) => (reps) => {
  setNumThreads(threads);
  return run(reps);
};

/**
 * The contestants for one optimizer on a workload: `sizes`, the tensors' element counts (one
 * param of n, or a model's tensors, laid out with Param.many). name -> run(reps) -> seconds,
 * and a dispose. C and torch: one param only.
 */
function contestants(name, sizes, tf, loops, probes) {
  const o = OPTIMIZERS[name];
  const data = modelData(sizes);
  const params = manyParams(lib, data);
  const opt = o.make(params);
  const step = timed(() => opt.step());
  const tensors = jsTensors(data);
  let t = 0;
  const list = {
    "wasm-optim": onThreads(1, step),
    "all threads": onThreads(ALL_THREADS, step),
    "plain JS": timed(() => {
      t++;
      for (const s of tensors) js[name](s, t);
    }),
  };
  const disposers = [() => opt.dispose(), () => params.forEach((p) => p.dispose()), () => setNumThreads(ALL_THREADS)];
  const total = sizes.reduce((a, n) => a + n, 0);
  if (tf && o.tf) {
    for (const backend of total > TF_CPU_MAX ? ["wasm"] : ["wasm", "cpu"]) {
      const label = `TF.js ${backend}`;
      list[label] = (reps) => {
        tf.setBackend(backend);
        return run(reps);
      };
      // one optimizer and a variable per tensor for each backend, made while that backend is active
      tf.setBackend(backend);
      const vs = data.map(({ init }) => tf.variable(tf.tensor1d(init)));
      const grads = Object.fromEntries(vs.map((v, k) => [v.name, tf.tensor1d(data[k].grad)]));
      const to = o.tf(tf);
      const run = timed(() => to.applyGradients(grads));
      disposers.push(() => {
        tf.setBackend(backend);
        to.dispose();
        vs.forEach((v) => v.dispose());
        Object.values(grads).forEach((g) => g.dispose());
      });
    }
  }
  if (loops && sizes.length === 1) {
    const arrays = [data[0].init.slice(), data[0].grad, new Float32Array(total), randomArray(total, 4, 1e-4).map(Math.abs)];
    list["C"] = (reps) => loops.time(OPTIMIZERS[name].c, reps, arrays, cScalars[OPTIMIZERS[name].c]);
  }
  for (const probe of PROBES) list[probe] = probes[probe];
  return { list, dispose: () => disposers.forEach((d) => d()) };
}

/**
 * The probes at size n: p += g (wasm SIMD, the library's `accumulate` kernel, 12 bytes an
 * element) on 1 thread (the kernel itself) and on all threads (split on every call, as a step is
 * when it pays: the fall-back is off during its batches); and sqrt+div, only the f32x4.sqrt and
 * f32x4.div an Adam step needs per element (bench/native/probe.ts, 1 thread): the floor of a
 * sqrt-and-divide rule on one thread, whatever its memory traffic.
 */
function makeProbes(n, native) {
  const divider = probeModule(native.probe, n, 3);
  const p = allocate(4 * n);
  const g = allocate(4 * n);
  new Float32Array(memory.buffer, g, n).set(randomArray(n, 3, 1e-6));
  const accumulate = wasmExports.accumulate_f32;
  return {
    "p += g": timed(() => accumulate(p, g, n)),
    "sqrt+div": timed(() => divider.e.sqrtDiv(divider.ptrs[0], divider.ptrs[1], divider.ptrs[2], n)),
    "p += g, all threads": (reps) => {
      setNumThreads(ALL_THREADS);
      setFallback(false);
      try {
        return timed(() => parallelKernel("accumulate", "float32", [p, g], n, [], []))(reps);
      } finally {
        setFallback(true);
      }
    },
    dispose: () => (release(p), release(g)),
  };
}

async function main() {
  const tf = loadTf();
  if (tf) {
    for (const b of ["wasm", "cpu"]) await tf.setBackend(b);
    await tf.ready();
  }
  const native = build();
  const loops = native.loops ? createRequire(import.meta.url)(native.loops) : null;
  notes.c = native.note;
  // warm-up: the kernels reach V8's optimizing tier (compiled in the background) before timing,
  // and the worker threads are started (a worker takes ~20 ms to start; the first batch on all
  // threads would otherwise time its start)
  const noProbes = Object.fromEntries(PROBES.map((probe) => [probe, () => 0]));
  for (const name of Object.keys(OPTIMIZERS)) {
    progress(`warming up ${name} ...`);
    const { list, dispose } = contestants(name, [1e5], null, null, noProbes);
    const until = performance.now() + (QUICK ? 150 : 400);
    while (performance.now() < until) (list["wasm-optim"](10), list["all threads"](10), list["plain JS"](1));
    dispose();
  }
  const results = []; // { optimizer, n, model?, ns: { contestant: ns/element } }
  const bandwidth = {}; // n -> GB/s of p += g (12 bytes per element) on 1 thread
  const bandwidthAll = {}; // the same on all threads
  const divider = {}; // n -> ns per element of the sqrt+div probe on 1 thread
  const workloads = [...SIZES.map((n) => ({ n, sizes: [n] })), ...(MODEL ? [{ n: 0, model: true, sizes: MODEL_SIZES }] : [])];
  const total = workloads.length * Object.keys(OPTIMIZERS).length;
  let done = 0;
  for (const w of workloads) {
    const elements = w.sizes.reduce((a, n) => a + n, 0);
    const timedProbes = makeProbes(elements, native);
    for (const name of Object.keys(OPTIMIZERS)) {
      progress(`[${++done}/${total}] ${name}, ${w.model ? "200-tensor model" : `n = ${w.n.toExponential(0)}`} ...`);
      const { list, dispose } = contestants(name, w.sizes, tf, loops, timedProbes);
      const entries = Object.entries(list);
      const reps = Object.fromEntries(entries.map(([k, run]) => [k, repsFor(run)]));
      const best = Object.fromEntries(entries.map(([k]) => [k, Infinity]));
      for (let r = 0; r < ROUNDS; r++) {
        for (const [k, run] of entries) {
          if (reps[k] === null && r > 0) continue; // a slow peer: one step, once
          best[k] = Math.min(best[k], (run(reps[k] ?? 1) * 1e9) / ((reps[k] ?? 1) * elements));
        }
      }
      dispose();
      const { "p += g": update, "p += g, all threads": updateAll, "sqrt+div": sqrtDiv, ...ns } = best;
      const at = w.model ? "model" : w.n;
      bandwidth[at] = Math.max(bandwidth[at] ?? 0, 12 / update);
      divider[at] = Math.min(divider[at] ?? Infinity, sqrtDiv);
      // where splitting does not pay (small sizes) a step runs on one thread: its limit is the 1-thread bandwidth
      bandwidthAll[at] = Math.max(bandwidthAll[at] ?? 0, 12 / updateAll, bandwidth[at]);
      results.push({ optimizer: name, n: w.model ? elements : w.n, ...(w.model ? { model: true } : {}), ns });
    }
    timedProbes.dispose();
  }
  const torch = runTorch();
  if (torch) for (const r of results) if (!r.model) r.ns.torch = torch[r.optimizer]?.[String(r.n)];
  const kernels = has("--kernels") ? measureKernels({ sizes: [1e3, 4e3, 1e4, 1e6], rounds: QUICK ? 10 : 30, progress }) : null;
  progress("");
  const report = {
    machine: machine(),
    threads: ALL_THREADS,
    rounds: ROUNDS,
    sizes: SIZES,
    bandwidth,
    bandwidthAll,
    divider,
    results,
    notes,
    kernels,
  };
  console.log(has("--json") ? JSON.stringify(report, null, 2) : table(report));
}

/** The tables, 80 columns wide. */
function table({ machine, threads, rounds, bandwidth, bandwidthAll, divider, results, notes, kernels }) {
  const short = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x < 1e4 ? x.toFixed(0) : `${(x / 1e3).toFixed(0)}k`);
  const num = (x) => (x === undefined || !Number.isFinite(x) ? "-" : short(x));
  const ratio = (x) => (x === undefined || !Number.isFinite(x) ? "-" : `${short(x)}x`);
  const gbs = (traffic, limit) => `${Math.round(traffic)}/${Math.round(limit)}`;
  const pair = ["plain JS", "TF.js wasm", "TF.js cpu"];
  const label = ({ n, model }) => (model ? "model" : n.toExponential(0));
  const lines = [
    `One optimizer step, float32: wasm-optim's ns per element on 1 thread (fastest of`,
    `${rounds} batches) and its speed-up on ${threads} threads (the default here); x: a`,
    `peer's time / wasm-optim's on 1 thread (above 1: wasm-optim is faster). GB/s 1,`,
    `GB/s ${threads}: wasm-optim's traffic / in-place-update bandwidth (p += g, wasm SIMD),`,
    `same size, on 1 thread and on ${threads}.`,
    machine,
  ];
  const sizes = results.filter((r) => r.optimizer === Object.keys(OPTIMIZERS)[0]);
  for (const name of Object.keys(OPTIMIZERS)) {
    const { bytes } = OPTIMIZERS[name];
    lines.push(
      "",
      `${name}, ${bytes} bytes an element`,
      `${"  n".padEnd(7)}${"1 thr".padStart(6)}${`${threads} thr`.padStart(6)}${"GB/s 1".padStart(8)}${`GB/s ${threads}`.padStart(8)}${["plain JS", "TF wasm", "TF cpu"].map((p) => p.padStart(11)).join("")}${"C".padStart(6)}${"torch".padStart(6)}`,
    );
    for (const r of results.filter((x) => x.optimizer === name)) {
      const { ns } = r;
      const w = ns["wasm-optim"];
      const all = ns["all threads"];
      const at = r.model ? "model" : r.n;
      const cells = pair.map((p) => (ns[p] === undefined ? "-".padStart(11) : ` ${num(ns[p]).padStart(4)}${ratio(ns[p] / w).padStart(6)}`));
      lines.push(
        `${`  ${label(r)}`.padEnd(7)}${num(w).padStart(6)}${ratio(w / all).padStart(6)}${gbs(bytes / w, bandwidth[at]).padStart(8)}${gbs(bytes / all, bandwidthAll[at]).padStart(8)}${cells.join("")}${ratio(ns.C / w).padStart(6)}${ratio(ns.torch / w).padStart(6)}`,
      );
    }
  }
  // the memory floor: the plain-JS loop's ns over the step's bytes at the all-threads bandwidth (bytes / (GB/s) = ns)
  const at = (r) => (r.model ? "model" : r.n);
  lines.push(
    "",
    `The memory's limit: p += g GB/s on 1 and ${threads} threads; the GB/s an Adam step`,
    `needs to be 10x the plain-JS loop (issue 10's bar: its 28 bytes in a tenth of`,
    `the loop's time); and at most how many times the plain-JS loop each step can be:`,
    `its bytes at the ${threads}-thread p += g bandwidth (a bound: p += g streams 3 arrays;`,
    `a step streams more, Adam 7, and more streams move fewer bytes a second).`,
    `${"".padEnd(17)}${sizes.map((r) => label(r).padStart(8)).join("")}`,
    `${"  GB/s".padEnd(17)}${sizes.map((r) => gbs(bandwidth[at(r)], bandwidthAll[at(r)]).padStart(8)).join("")}`,
    `${"  Adam 10x needs".padEnd(17)}${results
      .filter((x) => x.optimizer === "Adam")
      .map((r) => num(OPTIMIZERS.Adam.bytes / (r.ns["plain JS"] / 10)).padStart(8))
      .join("")}`,
    ...Object.keys(OPTIMIZERS).map((name) => {
      const rows = results.filter((x) => x.optimizer === name);
      return `${`  ${name}`.padEnd(17)}${rows.map((r) => ratio(r.ns["plain JS"] / (OPTIMIZERS[name].bytes / bandwidthAll[at(r)])).padStart(8)).join("")}`;
    }),
  );
  // the divider's floor: a sqrt-and-divide rule on one thread cannot take less than the probe
  const sqrtRules = Object.keys(OPTIMIZERS).filter((name) => OPTIMIZERS[name].sqrtDiv);
  lines.push(
    "",
    `The divider's limit on 1 thread: the sqrt+div probe's ns per element (only the`,
    `f32x4.sqrt and f32x4.div a step needs, bench/native/probe.ts), and at most how`,
    `many times the plain-JS loop a sqrt-and-divide step can be on 1 thread (below`,
    `${PARALLEL_THRESHOLD} elements a step runs on 1 thread; on ${threads}, at most ${threads} times this).`,
    `${"".padEnd(17)}${sizes.map((r) => label(r).padStart(8)).join("")}`,
    `${"  sqrt+div ns".padEnd(17)}${sizes.map((r) => num(divider[at(r)]).padStart(8)).join("")}`,
    ...sqrtRules.map((name) => {
      const rows = results.filter((x) => x.optimizer === name);
      return `${`  ${name}`.padEnd(17)}${rows.map((r) => ratio(r.ns["plain JS"] / divider[at(r)]).padStart(8)).join("")}`;
    }),
  );
  lines.push(
    "",
    `model: 200 tensors of 10 .. 1e5 elements (${results.find((r) => r.model)?.n ?? "-"} in all) laid out`,
    `with Param.many; the peers step the same tensors (TF.js: a variable each).`,
    `TF: ${notes.tfjs} (no AdamW; cpu backend up to ${TF_CPU_MAX.toExponential(0)} elements).`,
    `C (one param): ${notes.c}.`,
    `torch (one param): ${notes.torch}.`,
  );
  if (kernels) lines.push("", kernelTable(kernels, [1e3, 4e3, 1e4, 1e6]));
  return lines.join("\n");
}

await main();
