// Training-toolkit speed (tinybench, medians, one process, interleaved with the baseline):
//  - clipGradNorm (SIMD norm pass + scale pass in wasm) vs the same in a plain JS loop
//  - the non-finite guard's cost on top of an Adam step (check alone, and fused with clipping)
//  - gradient accumulation (SIMD add) vs a plain JS loop
//  - checkpoint save/load throughput and CRC-32
//   npm run build && node bench/toolkit.mjs [--quick]
import { Bench } from "tinybench";
import { Adam, Param, clipGradNorm, skipNonFinite, accumulateGradients, crc32 } from "../dist/index.js";

const quick = process.argv.includes("--quick");
const sizes = quick ? [1e3, 1e5] : [1e3, 1e5, 1e6];
const time = quick ? 150 : 600;
const rows = [];

function fill(p, seed) {
  for (let i = 0; i < p.size; i++) p.grad[i] = Math.sin(i * 0.37 + seed) * 0.1;
}

/** JS baseline: torch's clip_grad_norm_ written as two loops over the Float32Array. */
function clipJs(grad, maxNorm) {
  let s = 0;
  for (let i = 0; i < grad.length; i++) s += grad[i] * grad[i];
  const total = Math.sqrt(s);
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) for (let i = 0; i < grad.length; i++) grad[i] *= coef;
  return total;
}

async function measure(label, n, tasks) {
  const bench = new Bench({ time, warmupTime: time / 3 });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();
  const med = Object.fromEntries(bench.tasks.map((t) => [t.name, t.result.latency.p50]));
  const names = tasks.map(([name]) => name);
  const base = med[names[0]];
  for (const name of names)
    rows.push({ what: label, n, task: name, "ns/elem": ((med[name] * 1e6) / n).toFixed(3), "vs first": (med[name] / base).toFixed(2) });
}

for (const n of sizes) {
  const p = new Param(n);
  const js = new Float32Array(n);
  fill(p, 1);
  // maxNorm 1e9: the norm pass only (no scaling), then 1e-3: norm + scale
  await measure("clip norm only", n, [
    ["JS loop", () => clipJs(js, 1e9)],
    ["clipGradNorm (wasm SIMD)", () => clipGradNorm([p], 1e9)],
  ]);
  await measure("clip norm + scale", n, [
    ["JS loop", () => (js.fill(0.1), clipJs(js, 1e-3))],
    ["clipGradNorm (wasm SIMD)", () => (p.grad.fill(0.1), clipGradNorm([p], 1e-3))],
  ]);

  const q = new Param(n);
  const adam = new Adam([q]);
  const guardOnly = skipNonFinite(new Adam([q]));
  const guardClip = skipNonFinite(new Adam([q]), { maxNorm: 1e9 });
  fill(q, 2);
  await measure("Adam step + guard", n, [
    ["Adam step", () => adam.step()],
    ["guard (finite check) + step", () => guardOnly.step()],
    ["guard with clipping (fused) + step", () => guardClip.step()],
  ]);

  const r = new Param(n);
  const acc = accumulateGradients(new Adam([r]), 1e9); // never reaches the step: accumulation only
  fill(r, 3);
  const sum = new Float32Array(n),
    g = new Float32Array(n).fill(0.5);
  acc.step();
  await measure("accumulate one micro-batch", n, [
    [
      "JS loop",
      () => {
        for (let i = 0; i < n; i++) sum[i] += g[i];
      },
    ],
    ["GradientAccumulator (wasm SIMD)", () => acc.step()],
  ]);
}

// checkpoints: Adam with 1e6 float32 params (3 state arrays)
{
  const n = quick ? 1e5 : 1e6;
  const p = new Param(n);
  const opt = new Adam([p]);
  fill(p, 4);
  opt.step();
  const bytes = opt.saveState();
  const bench = new Bench({ time, warmupTime: time / 3 });
  bench.add("saveState", () => opt.saveState());
  bench.add("loadState", () => opt.loadState(bytes));
  bench.add("crc32", () => crc32(bytes));
  bench.add("Uint8Array copy (memcpy baseline)", () => bytes.slice());
  await bench.run();
  for (const t of bench.tasks)
    rows.push({
      what: `checkpoint, Adam ${n} params (${(bytes.length / 2 ** 20).toFixed(1)} MiB)`,
      n,
      task: t.name,
      "ns/elem": ((t.result.latency.p50 * 1e6) / n).toFixed(3),
      "vs first": `${(bytes.length / 2 ** 20 / (t.result.latency.p50 / 1e3)).toFixed(0)} MiB/s`,
    });
}

console.table(rows);
