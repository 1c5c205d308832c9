// Clipping and the vector kernels before and after the kernel de-duplication (assembly/clip.ts
// folded into assembly/vector.ts), both builds in one process, interleaved: `--base DIR` is the dist/ of a build of
// the commit before (git worktree add /tmp/base 334fe95 && cd /tmp/base && npm ci && npm run build).
//   npm run build && node bench/dedupe.bench.mjs --base /tmp/base/dist [--quick]
import { Bench } from "tinybench";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const baseDir = arg("--base");
if (!baseDir) throw new Error("usage: node bench/dedupe.bench.mjs --base <dist of the previous build> [--quick]");
const quick = process.argv.includes("--quick");
const time = quick ? 150 : 500;
const n = quick ? 1e5 : 1e6;
const load = (dir) => import(pathToFileURL(resolve(dir, "index.js")).href);
const libs = { before: await load(baseDir), after: await load(new URL("../dist", import.meta.url).pathname) };

const rows = [];

/** Median ns/elem of fn(state) for before and after: 3 interleaved runs, the middle median. */
async function compare(dtype, what, states, fn, prepare = () => {}) {
  const med = { before: [], after: [] };
  for (let rep = 0; rep < 3; rep++) {
    prepare();
    const bench = new Bench({ time, warmupTime: time / 4 });
    for (const name of rep % 2 ? ["after", "before"] : ["before", "after"]) bench.add(name, () => fn(states[name]));
    await bench.run();
    for (const t of bench.tasks) med[t.name].push(t.result.latency.p50);
  }
  const m = (a) => a.sort((x, y) => x - y)[1];
  const [b, a] = [m(med.before), m(med.after)];
  rows.push({
    dtype,
    n,
    what,
    "before ns/elem": ((b * 1e6) / n).toFixed(3),
    "after ns/elem": ((a * 1e6) / n).toFixed(3),
    "after/before": (a / b).toFixed(2),
  });
}

for (const dtype of ["float32", "float64"]) {
  const params = {};
  for (const [name, lib] of Object.entries(libs)) params[name] = { lib, p: new lib.Param(n, { dtype }) };
  // the same gradients for both at the start of every case (the scaling case shrinks them)
  const refill = () => {
    for (const s of Object.values(params)) {
      for (let i = 0; i < n; i++) s.p.grad[i] = Math.sin(i * 0.37) * 0.1;
      s.total = undefined;
    }
  };
  const cases = [
    ["clipGradNorm p=2, norm only", ({ lib, p }) => lib.clipGradNorm([p], 1e9)],
    // maxNorm just below the last total: the scaling pass runs every call (values shrink 0.999x a call)
    ["clipGradNorm p=2, norm + scale", (s) => (s.total = s.lib.clipGradNorm([s.p], 0.999 * (s.total ?? 1e9)))],
    ["clipGradNorm p=1", ({ lib, p }) => lib.clipGradNorm([p], 1e9, 1)],
    ["clipGradNorm p=3.5", ({ lib, p }) => lib.clipGradNorm([p], 1e9, 3.5)],
    ["clipGradNorm p=inf", ({ lib, p }) => lib.clipGradNorm([p], 1e9, Infinity)],
    ["clipGradValue", ({ lib, p }) => lib.clipGradValue([p], 0.05)],
  ];
  for (const [what, fn] of cases) await compare(dtype, what, params, fn, refill);
}

// the vector kernels L-BFGS, minimize and Newton call (through the public vector wrappers)
for (const dtype of ["float32", "float64"]) {
  const states = {};
  for (const [name, lib] of Object.entries(libs)) {
    const [x, y, o] = [0.5, 0.25, 0].map((v) => {
      const p = new lib.Param(n, { dtype });
      p.data.fill(v);
      return p.dataPtr;
    });
    states[name] = { v: lib.vector, x, y, o };
  }
  const cases = [
    ["vector.dot", ({ v, x, y }) => v.dot(dtype, x, y, n)],
    ["vector.maxabs", ({ v, x }) => v.maxabs(dtype, x, n)],
    ["vector.axpy (x += b*y)", ({ v, x, y }) => v.axpy(dtype, x, y, n, 0)],
    ["vector.axpby (out = a*x + b*y)", ({ v, x, y, o }) => v.axpby(dtype, o, x, y, n, 1, 0)],
    ["vector.scale, out != x", ({ v, x, o }) => v.scale(dtype, o, x, n, 1)],
    ["vector.scale, in place", ({ v, x }) => v.scale(dtype, x, x, n, 1)],
  ];
  for (const [what, fn] of cases) await compare(dtype, what, states, fn);
}
console.table(rows);
