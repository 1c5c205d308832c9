// wasm-optim/tfjs against TF.js's own Adam: time per training step of an MLP (forward,
// backward and update: `optimizer.minimize(loss)`) and per update alone (`applyGradients` of
// precomputed gradients), on TF.js's cpu and wasm backends, ~0.3M and ~3M parameters, float32.
// Both optimizers train their own copy of the same model (same initial weights, same batch);
// each round runs every variant once (tinybench, interleaved), the table gives the median over
// rounds of tinybench's p50. wasm-optim runs on 1 thread (TF.js's cpu backend has one).
// Then (`--paths`) the data path: each way of moving 3M float32 values between a tensor and
// wasm memory, per backend (docs/tfjs.md says which one the adapter uses and why).
//
//   npm run build && node bench/tfjs.bench.mjs [--rounds 3] [--batch 16] [--paths]
// @tensorflow/tfjs (cpu backend, gradients, layers) shares @tensorflow/tfjs-core with the adapter
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { Bench } from "tinybench";
import { setNumThreads } from "../dist/index.js";
import { adam } from "../dist/tfjs.js";
import { arg, machine, median, randomArray } from "./common.mjs";

const ROUNDS = Number(arg("--rounds", "3"));
const BATCH = Number(arg("--batch", "16"));
const PATHS = process.argv.includes("--paths");
setNumThreads(1);
console.log(`${machine()}; batch ${BATCH}; ${ROUNDS} rounds`);

const MODELS = {
  "0.3M": [512, 512, 64, 10],
  "3M": [1024, 1536, 1024, 10],
};

/** An MLP's variables (Glorot-scaled seeded values), named uniquely. */
function mlp(sizes, tag) {
  return sizes.slice(1).flatMap((out, i) => {
    const inp = sizes[i];
    const w = randomArray(inp * out, 2 * i + 1, Math.sqrt(6 / (inp + out)));
    const b = randomArray(out, 2 * i + 2, 0.1);
    return [tf.variable(tf.tensor2d(w, [inp, out]), true, `${tag}/w${i}`), tf.variable(tf.tensor1d(b), true, `${tag}/b${i}`)];
  });
}

function loss(vars, x, y) {
  return tf.tidy(() => {
    let h = x;
    for (let i = 0; i < vars.length; i += 2) {
      h = tf.add(tf.matMul(h, vars[i]), vars[i + 1]);
      if (i + 2 < vars.length) h = tf.relu(h);
    }
    return tf.losses.softmaxCrossEntropy(y, h);
  });
}

const params = (sizes) => sizes.slice(1).reduce((n, out, i) => n + sizes[i] * out + out, 0);
const ms = (task) => task.result.latency.p50;

const rows = [];
for (const backend of ["cpu", "wasm"]) {
  await tf.setBackend(backend);
  for (const [name, sizes] of Object.entries(MODELS)) {
    const x = tf.tensor2d(randomArray(BATCH * sizes[0], 7, 1), [BATCH, sizes[0]]);
    const labels = Array.from({ length: BATCH }, (_, i) => i % sizes.at(-1));
    const y = tf.oneHot(tf.tensor1d(labels, "int32"), sizes.at(-1)).cast("float32");
    const variants = [
      { label: "tf.train.adam", opt: tf.train.adam(1e-3, 0.9, 0.999, 1e-8) },
      { label: "wasm-optim/tfjs adam", opt: adam({ lr: 1e-3, eps: 1e-8 }) },
    ].map((v, k) => ({ ...v, vars: mlp(sizes, `${backend}-${name}-${k}`) }));
    for (const v of variants) {
      const { grads, value } = tf.variableGrads(() => loss(v.vars, x, y), v.vars);
      v.grads = grads; // fixed gradients for the update-only timing
      value.dispose();
    }
    const step = {},
      update = {};
    for (let r = 0; r < ROUNDS; r++) {
      const bench = new Bench({ time: 0, iterations: backend === "cpu" && name === "3M" ? 5 : 20, warmupIterations: 2 });
      for (const v of variants) {
        bench.add(`step ${v.label}`, () => v.opt.minimize(() => loss(v.vars, x, y), false, v.vars));
        bench.add(`update ${v.label}`, () => v.opt.applyGradients(v.grads));
      }
      await bench.run();
      for (const t of bench.tasks) {
        const [kind, ...rest] = t.name.split(" ");
        const into = kind === "step" ? step : update;
        (into[rest.join(" ")] ??= []).push(ms(t));
      }
    }
    const [ref, ours] = variants.map((v) => v.label);
    const row = {
      backend,
      model: `${name} (${params(sizes).toLocaleString("en")})`,
      stepRef: median(step[ref]),
      stepOurs: median(step[ours]),
      updRef: median(update[ref]),
      updOurs: median(update[ours]),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
    for (const v of variants) {
      tf.dispose([...v.vars, ...Object.values(v.grads)]);
      v.opt.dispose();
    }
    tf.dispose([x, y]);
  }
}

console.log(
  "\n| backend | model (params) | step ms, tf.train.adam | step ms, adapter | step speed-up | update ms, tf.train.adam | update ms, adapter | update speed-up |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  const f = (v) => (v >= 10 ? v.toFixed(1) : v.toFixed(2));
  console.log(
    `| ${r.backend} | ${r.model} | ${f(r.stepRef)} | ${f(r.stepOurs)} | **${(r.stepRef / r.stepOurs).toFixed(2)}x** | ${f(r.updRef)} | ${f(r.updOurs)} | ${(r.updRef / r.updOurs).toFixed(2)}x |`,
  );
}

if (PATHS) {
  // The moves of one step for 3M values: the adapter's path and the alternatives, per backend.
  const N = 3_000_000;
  const { Param } = await import("../dist/index.js");
  console.log(`\ndata path, ${N.toLocaleString("en")} float32 values, µs (median of ${ROUNDS} rounds of tinybench p50):`);
  console.log("| backend | move | µs | correct? |");
  console.log("| --- | --- | --- | --- |");
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    const be = tf.backend();
    const p = Param.from(randomArray(N, 3, 1));
    const g = tf.tensor1d(randomArray(N, 4, 1));
    const v = tf.variable(tf.tensor1d(randomArray(N, 5, 1)), true, `path-${backend}`);
    const fresh = (values) => {
      const t = tf.tensor(values, [N], "float32");
      v.assign(t);
      t.dispose();
    };
    const moves = {
      "read: into.set(t.dataSync())": [() => p.grad.set(g.dataSync()), backend === "cpu" ? "yes (adapter, cpu)" : "yes (2 copies)"],
      ...(backend === "wasm"
        ? { "read: into.set(typedArrayFromHeap(t))": [() => p.grad.set(be.typedArrayFromHeap(g)), "yes (adapter, wasm)"] }
        : {}),
      "write: assign(tensor(data.slice()))": [() => fresh(p.data.slice()), backend === "cpu" ? "yes (adapter, cpu)" : "yes (2 copies)"],
      "write: assign(tensor(data))": [
        () => fresh(p.data),
        backend === "wasm" ? "yes: the backend copies (adapter, wasm)" : "NO: the variable would alias wasm memory",
      ],
      "write: in place into the variable's storage": [
        backend === "cpu" ? () => be.data.get(v.dataId).values.set(p.data) : () => be.typedArrayFromHeap(v).set(p.data),
        backend === "cpu"
          ? "NO: changes tensors sharing the storage (clone, reshape) and arrays dataSync() handed out"
          : "NO: changes tensors sharing the storage (clone, reshape)",
      ],
    };
    const times = {};
    for (let r = 0; r < ROUNDS; r++) {
      const bench = new Bench({ time: 0, iterations: 30, warmupIterations: 3 });
      for (const [label, [fn]] of Object.entries(moves)) bench.add(label, fn);
      await bench.run();
      for (const t of bench.tasks) (times[t.name] ??= []).push(ms(t) * 1000);
    }
    for (const [label, [, ok]] of Object.entries(moves))
      console.log(`| ${backend} | ${label} | ${median(times[label]).toFixed(0)} | ${ok} |`);
    tf.dispose([g, v]);
    p.dispose();
  }
}
