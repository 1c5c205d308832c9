// One Adafactor step, float32, on a matrix (rows x cols, factored) and on a vector of the same
// size (unfactored): wasm-optim zero-copy against an idiomatic plain-JS version of the same
// rule on Float32Arrays (row and column sums in one sweep, U computed twice as the kernels do),
// and wasm-optim's Adam on the same param for scale. Each round runs every task (tinybench,
// with warm-up); the table gives the median over rounds of tinybench's median latency, in ns
// per element.
//
//   npm run build && node bench/adafactor.bench.mjs [--rows 1024] [--cols 1024] [--rounds 5]
import { Bench } from "tinybench";
import { arg, machine, median, randomArray } from "./common.mjs";
import { Adafactor, Adam, Param } from "../dist/index.js";

const ROWS = Number(arg("--rows", "1024"));
const COLS = Number(arg("--cols", "1024"));
const ROUNDS = Number(arg("--rounds", "5"));
const N = ROWS * COLS;
const EPS1 = 2 ** -23;

/** torch's Adafactor defaults (lr 1e-2, beta2Decay -0.8, eps [2^-23, 1e-3], d 1), plain JS. */
function jsStep(s) {
  const { p, g, rows, cols } = s;
  const t = ++s.t;
  const w = t ** -0.8;
  const rho = Math.min(1e-2, 1 / Math.sqrt(t));
  let pp = 0;
  for (let i = 0; i < p.length; i++) pp += p[i] * p[i];
  const alpha = Math.max(1e-3, Math.sqrt(pp / p.length)) * rho;
  const u = (i, r, c, rmean) => {
    const v = s.factored ? (s.rowVar[r] * s.colVar[c]) / rmean : s.variance[i];
    return g[i] / Math.sqrt(Math.max(v, EPS1 * EPS1));
  };
  let rmean = 1;
  if (s.factored) {
    const rs = new Float64Array(rows),
      cs = new Float64Array(cols);
    for (let r = 0, i = 0; r < rows; r++)
      for (let c = 0; c < cols; c++, i++) {
        const q = g[i] * g[i];
        rs[r] += q;
        cs[c] += q;
      }
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += s.rowVar[r] += w * (rs[r] / cols - s.rowVar[r]);
    for (let c = 0; c < cols; c++) s.colVar[c] += w * (cs[c] / rows - s.colVar[c]);
    rmean = Math.max(sum / rows, EPS1);
  } else for (let i = 0; i < p.length; i++) s.variance[i] += w * (g[i] * g[i] - s.variance[i]);
  let uu = 0;
  for (let r = 0, i = 0; r < rows; r++)
    for (let c = 0; c < cols; c++, i++) {
      const x = u(i, r, c, rmean);
      uu += x * x;
    }
  const step = alpha / Math.max(1, Math.sqrt(uu / p.length));
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < cols; c++, i++) p[i] -= step * u(i, r, c, rmean);
}

const init = randomArray(N, 1, 1),
  grad = randomArray(N, 2, 1e-2);
const owned = [];
const tasks = {};
for (const [name, shape] of [
  [`matrix ${ROWS}x${COLS}`, [ROWS, COLS]],
  [`vector ${N}`, [N]],
]) {
  const p = Param.from(init, { shape });
  p.grad.set(grad);
  const opt = new Adafactor([p]);
  owned.push(opt, p);
  tasks[`Adafactor ${name}, wasm`] = () => opt.step();
  const factored = shape.length === 2;
  const state = {
    p: init.slice(),
    g: grad,
    rows: factored ? ROWS : 1,
    cols: factored ? COLS : N,
    factored,
    rowVar: new Float32Array(ROWS),
    colVar: new Float32Array(COLS),
    variance: new Float32Array(N),
    t: 0,
  };
  tasks[`Adafactor ${name}, plain JS`] = () => jsStep(state);
}
const pa = Param.from(init, { shape: [ROWS, COLS] });
pa.grad.set(grad);
const adam = new Adam([pa]);
owned.push(adam, pa);
tasks["Adam (for scale), wasm"] = () => adam.step();

const samples = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  const bench = new Bench({ time: 400, warmupTime: 150, warmupIterations: 5 });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  for (const t of bench.tasks) samples[t.name].push(t.result.latency.p50);
  console.error(`round ${r + 1}/${ROUNDS} done`);
}
for (const o of owned) o.dispose();

console.log(`\n${ROWS}x${COLS} = ${N} float32 elements, ${ROUNDS} rounds (median of tinybench p50 latencies); ${machine()}\n`);
console.log(`| task | ns/element |`);
console.log(`|---|---|`);
for (const name of Object.keys(tasks)) console.log(`| ${name} | ${((median(samples[name]) * 1e6) / N).toFixed(2)} |`);
