// Adam steps over whole models, float32, 1 thread: a model laid out with Param.many (one
// kernel call per run) against the plain-JS Adam loop over the same tensors, against the same
// tensors allocated separately (this build, and the build before runs: --before DIR, a built
// checkout of the previous commit), and against one kernel call over one param of the same
// total size (the floor). All in one process; each scenario runs `--rounds` interleaved
// rounds of tinybench; the table gives the median over rounds of tinybench's p50 latency.
//
//   npm run build && node bench/model.bench.mjs [--rounds 3] [--before /tmp/many-before]
import { Bench } from "tinybench";
import { arg, fillParams, jsTensors, machine, manyParams, median, MODEL_SIZES, modelData, randomArray } from "./common.mjs";
import * as after from "../dist/index.js";

const ROUNDS = Number(arg("--rounds", "3"));
const BEFORE_DIR = arg("--before", null);
const before = BEFORE_DIR ? await import(`${BEFORE_DIR}/dist/index.js`) : null;
// every variant on one thread (the library's default splits large runs across all cores)
after.setNumThreads(1);
before?.setNumThreads?.(1);
const LR = 1e-3,
  B1 = 0.9,
  B2 = 0.999,
  EPS = 1e-8;

// ---- the plain-JS baseline: what a user writes by hand, bias corrections once per step
function jsAdamModel(tensors, t) {
  const stepSize = LR / (1 - B1 ** t);
  const bc2sqrt = Math.sqrt(1 - B2 ** t);
  for (const { p, g, m, v } of tensors) {
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      const mi = (m[i] = B1 * m[i] + (1 - B1) * gi);
      const vi = (v[i] = B2 * v[i] + (1 - B2) * gi * gi);
      p[i] -= (stepSize * mi) / (Math.sqrt(vi) / bc2sqrt + EPS);
    }
  }
}

/** The variants of one model: name -> { step, dispose }. */
function variants(sizes, which) {
  const data = modelData(sizes);
  const total = sizes.reduce((a, n) => a + n, 0);
  const out = {};
  const adam = (lib, params) => {
    const opt = new lib.Adam(params, { lr: LR });
    return { step: () => opt.step(), dispose: () => (opt.dispose(), params.forEach((p) => p.dispose())) };
  };
  if (which.includes("many")) out["Param.many"] = adam(after, manyParams(after, data));
  if (which.includes("js")) {
    const tensors = jsTensors(data);
    let t = 0;
    out["plain JS"] = { step: () => jsAdamModel(tensors, ++t), dispose() {} };
  }
  if (which.includes("separate"))
    out["separate params"] = adam(
      after,
      fillParams(
        sizes.map((n) => new after.Param(n)),
        data,
      ),
    );
  if (which.includes("separate") && before)
    out["separate params, before"] = adam(
      before,
      fillParams(
        sizes.map((n) => new before.Param(n)),
        data,
      ),
    );
  if (which.includes("floor")) {
    const one = new after.Param(total);
    one.grad.set(randomArray(total, 7, 1e-2));
    out["one param (floor)"] = adam(after, [one]);
  }
  return { total, out };
}

async function measure(title, sizes, which) {
  const { total, out } = variants(sizes, which);
  const samples = Object.fromEntries(Object.keys(out).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const bench = new Bench({ time: 300, warmupTime: 100, warmupIterations: 5 });
    for (const [name, v] of Object.entries(out)) bench.add(name, v.step);
    await bench.run();
    for (const t of bench.tasks) samples[t.name].push(t.result.latency.p50);
  }
  for (const v of Object.values(out)) v.dispose();
  const ms = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  console.error(
    `${title}: ${Object.entries(ms)
      .map(([k, v]) => `${k} ${(v * 1e3).toFixed(1)} us`)
      .join(", ")}`,
  );
  return { title, tensors: sizes.length, total, ms };
}

const results = [
  await measure("200-tensor model", MODEL_SIZES, ["many", "js", "separate", "floor"]),
  await measure("10,000 x 10", Array(10000).fill(10), ["many", "js", "separate", "floor"]),
  await measure("200 x 10", Array(200).fill(10), ["many", "js", "separate"]),
];
const runs = [];
for (const n of [100, 1000, 10000]) runs.push(await measure(`run of ${n} x 10`, Array(n).fill(10), ["many", "floor"]));

const f = (x, d = 2) => x.toFixed(d);
console.log(`\nAdam, float32, 1 thread, ${ROUNDS} rounds (median of tinybench p50); ${machine()}`);
console.log(`\n| model | tensors | elements | variant | us/step | ns/element | vs plain JS |`);
console.log(`|---|---|---|---|---|---|---|`);
for (const { title, tensors, total, ms } of results) {
  const js = ms["plain JS"];
  for (const [name, v] of Object.entries(ms)) {
    const ratio = js ? `${name === "plain JS" ? "1" : f(js / v, 1)}x` : "";
    console.log(`| ${title} | ${tensors} | ${total} | ${name} | ${f(v * 1e3, 1)} | ${f((v * 1e6) / total)} | ${ratio} |`);
  }
}
console.log(`\n| run of N params of 10 | us/step Param.many | ns/param | one param of N*10 (floor) us | Param.many / floor |`);
console.log(`|---|---|---|---|---|`);
for (const { tensors, ms } of runs) {
  const m = ms["Param.many"],
    fl = ms["one param (floor)"];
  console.log(`| ${tensors} | ${f(m * 1e3, 1)} | ${f((m * 1e6) / tensors)} | ${f(fl * 1e3, 1)} | ${f(m / fl)}x |`);
}
