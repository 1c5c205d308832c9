// Clipping before and after the kernel de-duplication (assembly/clip.ts folded into
// assembly/vector.ts), in one process, interleaved: `--base DIR` is the dist/ of a build of
// the commit before (git worktree add /tmp/base 334fe95 && cd /tmp/base && npm ci && npm run build).
//   npm run build && node bench/dedupe.bench.mjs --base /tmp/base/dist [--quick]
import { Bench } from "tinybench";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const arg = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const baseDir = arg("--base");
if (!baseDir) throw new Error("usage: node bench/dedupe.bench.mjs --base <dist of the previous build> [--quick]");
const quick = process.argv.includes("--quick");
const time = quick ? 150 : 500;
const n = quick ? 1e5 : 1e6;
const load = (dir) => import(pathToFileURL(resolve(dir, "index.js")).href);
const libs = { before: await load(baseDir), after: await load(new URL("../dist", import.meta.url).pathname) };

const rows = [];
for (const dtype of ["float32", "float64"]) {
  const params = {};
  for (const [name, lib] of Object.entries(libs)) {
    const p = new lib.Param(n, { dtype });
    for (let i = 0; i < n; i++) p.grad[i] = Math.sin(i * 0.37) * 0.1;
    params[name] = { lib, p };
  }
  const cases = [
    ["clipGradNorm p=2, norm only", ({ lib, p }) => lib.clipGradNorm([p], 1e9)],
    // maxNorm just below the last total: the scaling pass runs every call (the values shrink by 0.999 a call)
    ["clipGradNorm p=2, norm + scale", (s) => (s.total = s.lib.clipGradNorm([s.p], 0.999 * (s.total ?? 1e9)))],
    ["clipGradNorm p=1", ({ lib, p }) => lib.clipGradNorm([p], 1e9, 1)],
    ["clipGradNorm p=3.5", ({ lib, p }) => lib.clipGradNorm([p], 1e9, 3.5)],
    ["clipGradNorm p=inf", ({ lib, p }) => lib.clipGradNorm([p], 1e9, Infinity)],
    ["clipGradValue", ({ lib, p }) => lib.clipGradValue([p], 0.05)],
  ];
  for (const [what, fn] of cases) {
    const med = { before: [], after: [] };
    for (let rep = 0; rep < 3; rep++) {
      const bench = new Bench({ time, warmupTime: time / 4 });
      for (const name of rep % 2 ? ["after", "before"] : ["before", "after"]) bench.add(name, () => fn(params[name]));
      await bench.run();
      for (const t of bench.tasks) med[t.name].push(t.result.latency.p50);
    }
    const m = (a) => a.sort((x, y) => x - y)[1];
    const [b, a] = [m(med.before), m(med.after)];
    rows.push({ dtype, n, what, "before ns/elem": ((b * 1e6) / n).toFixed(3), "after ns/elem": ((a * 1e6) / n).toFixed(3), "after/before": (a / b).toFixed(2) });
  }
}
console.table(rows);
