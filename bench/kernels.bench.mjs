// The kernels against their limits, float32, in one process (issue 10, item 3):
//   sqrt-and-divide rules (Adam, AdamW, RMSprop, Adagrad, NAdam, RAdam) against the probe that
//     does only the f32x4.sqrt + f32x4.div per element (bench/native/probe.ts);
//   cheap rules (SGD, SGD with momentum, accumulate) against the same loop in C, built by gcc
//     for the same 128-bit width (bench/native/loops.c, an N-API addon loaded here).
// Every variant runs in batches of calls (~0.5 ms) timed together, interleaved over rounds;
// the fastest batch gives ns per element (the machine's other load only ever adds time). The wasm kernels are called from JS (a call costs a few ns);
// the C loops time their repetitions inside C (no call cost). For SGD with momentum both ways are
// also measured the other way round: the same wasm kernel on the same buffers repeated from wasm
// ("wasm loop", bench/native/probe.ts: no JavaScript between runs, as in C), and the C loop called
// once per JavaScript call ("JS call each", the cost of an empty N-API call subtracted). Around
// 4e3 elements (three 16 KB arrays: the 48 KiB L1d) what runs between two calls evicts lines.
//
//   node bench/kernels.bench.mjs [--sizes 1e3,4e3,1e6] [--rounds 15] [--json]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arg, randomArray } from "./common.mjs";
import { build } from "./native/build.mjs";
import { Param } from "../dist/index.js";
import { memory, wasmExports as K } from "../dist/unsafe.js";

/** The probe module with a memory of its own; `count` arrays of n float32 from byte 1024. */
export function probeModule(path, n, count) {
  const mem = new WebAssembly.Memory({ initial: Math.ceil((1024 + count * (n * 4 + 64)) / 65536), maximum: 65536 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), { env: { memory: mem, abort() {} } });
  const ptrs = Array.from({ length: count }, (_, i) => 1024 + i * (n * 4 + 64));
  ptrs.forEach((ptr, i) => new Float32Array(mem.buffer, ptr, n).set(randomArray(n, 11 + i, 1).map((x) => 1 + Math.abs(x))));
  return { e: instance.exports, ptrs, memory: mem };
}

/** float32 arrays in the library's memory: p (with grad g) and four state buffers. */
function wasmBuffers(n) {
  const a = Param.from(randomArray(n, 1, 1));
  a.grad.set(randomArray(n, 2, 1e-2));
  const b = Param.from(randomArray(n, 3, 1e-2));
  b.grad.set(randomArray(n, 4, 1e-4).map(Math.abs));
  const c = Param.from(randomArray(n, 5, 1e-4).map(Math.abs));
  c.grad.set(randomArray(n, 6, 1e-2));
  return {
    p: a.dataPtr,
    g: a.gradPtr,
    m: b.dataPtr,
    v: b.gradPtr,
    w: c.dataPtr,
    x: c.gradPtr,
    dispose: () => [a, b, c].forEach((q) => q.dispose()),
  };
}

/**
 * The C loops' arrays: Float32Array views of the very bytes the wasm variant they are compared
 * with updates (the same addresses in the same memory), so that both loops see the same layout:
 * how far apart the arrays lie (4 KiB aliasing between a load and an earlier store) moved the C
 * loop alone by up to 1.6x between runs when it had arrays of its own.
 */
const views = (memory, n, ptrs) => ptrs.map((ptr) => new Float32Array(memory.buffer, ptr, n));

/**
 * The variants at size n: name -> { run(reps) -> seconds }. `limit` names the variant it is
 * compared with. Adam scalars at step 10 of the defaults.
 */
function variants(n, native, loops) {
  const w = wasmBuffers(n);
  const pr = probeModule(native.probe, n, 3);
  // the library's sgd_f32 called from wasm (bench/native/repeat.ts; its memory is unused)
  const repeat = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(native.repeat)), {
    env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 65536 }), abort() {} },
    repeat: { sgd_f32: K.sgd_f32 },
  }).exports;
  const t = 10,
    b1 = 0.9,
    b2 = 0.999,
    lr = 1e-3;
  const stepSize = lr / (1 - b1 ** t),
    bc2sqrt = Math.sqrt(1 - b2 ** t);
  /** reps calls of `call`, timed together; once: one call that runs the loop reps times itself. */
  const timed = (call) => (reps) => {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) call();
    return Number(process.hrtime.bigint() - t0) * 1e-9;
  };
  const once = (run) => (reps) => {
    const t0 = process.hrtime.bigint();
    run(reps);
    return Number(process.hrtime.bigint() - t0) * 1e-9;
  };
  const cLoop = (name, arrays, scalars) => (loops ? (reps) => loops.time(name, reps, arrays, scalars) : null);
  // the C loop called once per JavaScript call, as a wasm kernel is (the cost of the call itself,
  // the same call doing nothing, is measured as its own variant and subtracted: `minus`)
  const cCalls = (name, arrays, scalars, reps) => (loops ? timed(() => loops.time(name, reps, arrays, scalars)) : null);
  const { p, g, m, v, w: u, x } = w;
  const c = views(memory, n, [p, g, m, v]);
  const cMomentum = views(memory, n, [p, g, u]);
  const list = {
    "probe sqrt+div": { run: timed(() => pr.e.sqrtDiv(pr.ptrs[0], pr.ptrs[1], pr.ptrs[2], n)) },
    "Adam (defaults)": {
      limit: "probe sqrt+div",
      run: timed(() => K.adam_f32(p, g, m, v, 0, n, stepSize, b1, b2, bc2sqrt, 1e-8, 0, 1, 1, 0, 1, 0)),
    },
    "Adam general": {
      limit: "probe sqrt+div",
      run: timed(() => K.adam_f32(p, g, m, v, 0, n, stepSize, b1, b2, bc2sqrt, 1e-8, 1e-2, 1, 1, 0, 0, 1)),
    },
    "AdamW (defaults)": {
      limit: "probe sqrt+div",
      run: timed(() => K.adam_f32(p, g, m, v, 0, n, stepSize, b1, b2, bc2sqrt, 1e-8, 0, 1 - lr * 1e-2, 1, 0, 1, 0)),
    },
    "RMSprop (defaults)": {
      limit: "probe sqrt+div",
      run: timed(() => K.rmsprop_f32(p, g, v, 0, 0, n, 1e-2, 0.99, 1e-8, 0, 0, 1, 0, 0, 1, 0)),
    },
    Adagrad: { limit: "probe sqrt+div", run: timed(() => K.adagrad_f32(p, g, v, n, 1e-2, 1e-10, 0, 1, 0)) },
    NAdam: {
      limit: "probe sqrt+div",
      run: timed(() => K.nadam_f32(p, g, m, v, n, -1e-4, -1e-3, b1, b2, 1 - b2 ** t, 1e-8, 0, 1, 1, 1, 0)),
    },
    RAdam: { limit: "probe sqrt+div", run: timed(() => K.radam_f32(p, g, m, v, n, -1e-3, b1, b2, 1e-8, 0, 1, 1, 1, 1, 0)) },
    "C update p+=g": { run: cLoop("update", views(pr.memory, n, pr.ptrs.slice(0, 2)), []) },
    "wasm update p+=g": { limit: "C update p+=g", run: timed(() => pr.e.update(pr.ptrs[0], pr.ptrs[1], n)) },
    "C SGD": { run: cLoop("sgd", c, [-lr]) },
    "SGD (defaults)": { limit: "C SGD", run: timed(() => K.sgd_f32(p, g, 0, n, lr, 1, 0, 0, 1, 0, 0, 1, 0)) },
    "C SGD momentum": { run: cLoop("sgdMomentum", cMomentum, [-lr, 0.9]) },
    "SGD momentum (defaults)": { limit: "C SGD momentum", run: timed(() => K.sgd_f32(p, g, u, n, lr, 1, 0, 0.9, 1, 0.9, 1, 1, 0)) },
    "SGD momentum general": { limit: "C SGD momentum", run: timed(() => K.sgd_f32(p, g, u, n, lr, 1, 1e-4, 0.9, 0.9, 0.9, 1, 0, 1)) },
    // the same kernel on the same buffers, repeated from wasm (no JavaScript between runs)
    "SGD momentum, wasm loop": { limit: "C SGD momentum", run: once((reps) => repeat.sgdMomentum(p, g, u, n, lr, 0.9, reps)) },
    "N-API call": { run: cCalls("sgdMomentum", cMomentum, [-lr, 0.9], -1) },
    "C SGD mom., JS call each": { limit: "C SGD momentum", minus: "N-API call", run: cCalls("sgdMomentum", cMomentum, [-lr, 0.9], 0) },
    "accumulate acc+=g": { limit: "C update p+=g", run: timed(() => K.accumulate_f32(x, g, n)) },
    "C Adam": { run: cLoop("adam", c, [-stepSize * bc2sqrt, b1, 1 - b1, b2, 1 - b2, 1e-8 * bc2sqrt]) },
    "Adam (defaults) vs C": { alias: "Adam (defaults)", limit: "C Adam" },
    "C AdamW": { run: cLoop("adamw", c, [-stepSize * bc2sqrt, b1, 1 - b1, b2, 1 - b2, 1e-8 * bc2sqrt, 1 - lr * 1e-2]) },
    "AdamW (defaults) vs C": { alias: "AdamW (defaults)", limit: "C AdamW" },
  };
  return { list, dispose: w.dispose };
}

/** Measures every variant at each size; returns rows { n, name, ns, limit?, ratio? }. */
export function measureKernels({ sizes, rounds, progress = () => {} }) {
  const native = build();
  const loops = native.loops ? createRequire(import.meta.url)(native.loops) : null;
  const rows = [];
  for (const n of sizes) {
    const { list, dispose } = variants(n, native, loops);
    const live = Object.entries(list).filter(([, s]) => s.run);
    // reps per batch: ~0.5 ms of Adam at ~0.5 ns/element
    const reps = Math.max(1, Math.round(1e6 / n));
    const samples = Object.fromEntries(live.map(([k]) => [k, []]));
    // warm-up: a few batches each, so that every kernel has reached V8's optimizing tier (the
    // tier-up compiles in the background; one batch was sometimes not enough at 1e3)
    for (let w = 0; w < 5; w++) for (const [, s] of live) s.run(reps);
    for (let r = 0; r < rounds; r++) {
      progress(`kernels: n=${label(n)} round ${r + 1}/${rounds}`);
      for (const [k, s] of live) samples[k].push((s.run(reps) * 1e9) / (reps * n));
    }
    dispose();
    const ns = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, Math.min(...xs)]));
    for (const [name, s] of Object.entries(list)) {
      if (ns[s.alias ?? name] === undefined) continue;
      const own = ns[s.alias ?? name] - (s.minus ? ns[s.minus] : 0);
      const limit = s.limit && ns[s.limit];
      rows.push({ n, name, ns: own, ...(s.limit ? { limit: s.limit, ratio: limit ? own / limit : null } : {}) });
    }
  }
  return { rows, native: native.note };
}

/** A size as 1e+3, or 3.5e+3 when one digit does not say it. */
const label = (n) => (Number(n.toExponential(0)) === n ? n.toExponential(0) : n.toExponential(1));

/** The table, 80 columns: ns/element per size and the ratio to the limit, grouped by limit. */
export function kernelTable({ rows, native }, sizes) {
  const cell = (r) => (r ? `${r.ns.toFixed(3)}${r.ratio ? ` ${r.ratio.toFixed(2)}x` : ""}` : "-");
  const line = (name) =>
    `  ${name.padEnd(24)}${sizes.map((n) => cell(rows.find((r) => r.name === name && r.n === n)).padStart(13)).join("")}`;
  const lines = [
    `Kernels, float32, ns/element (fastest batch) and x = ns / the limit's ns.`,
    `C loops: ${native}.`,
    `${"".padEnd(26)}${sizes.map((n) => label(n).padStart(13)).join("")}`,
  ];
  const limits = [...new Set(rows.filter((r) => r.limit).map((r) => r.limit))];
  for (const limit of limits) {
    lines.push(`against ${limit}:`, line(limit));
    for (const name of new Set(rows.filter((r) => r.limit === limit).map((r) => r.name))) lines.push(line(name));
  }
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const sizes = arg("--sizes", "1e3,4e3,1e4,1e6").split(",").map(Number);
  const rounds = Number(arg("--rounds", "30"));
  const result = measureKernels({ sizes, rounds, progress: (s) => process.stderr.write(`\r${s}   `) });
  process.stderr.write("\n");
  console.log(process.argv.includes("--json") ? JSON.stringify(result, null, 2) : kernelTable(result, sizes));
}
