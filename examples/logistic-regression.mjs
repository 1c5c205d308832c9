// Logistic regression on generated data, trained with SGD, SGD + momentum and Adam.
// The gradient is written straight into p.grad (a view of wasm memory): no copies.
//
//   npm run build && node examples/logistic-regression.mjs
import { Adam, Param, SGD } from "../dist/index.js";

const N = 2000,
  D = 20;
let seed = 42;
const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

// data: y = [x . wTrue + noise > 0]
const wTrue = Float64Array.from({ length: D }, gauss);
const X = Float32Array.from({ length: N * D }, gauss);
const y = new Float32Array(N);
for (let i = 0; i < N; i++) {
  let z = 0.3 * gauss();
  for (let j = 0; j < D; j++) z += X[i * D + j] * wTrue[j];
  y[i] = z > 0 ? 1 : 0;
}

/** Mean cross-entropy at w (last element: bias); writes the gradient into `grad`. */
function lossAndGrad(w, grad) {
  grad.fill(0);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    let z = w[D];
    for (let j = 0; j < D; j++) z += X[i * D + j] * w[j];
    const p = 1 / (1 + Math.exp(-z));
    loss += -(y[i] * Math.log(p + 1e-12) + (1 - y[i]) * Math.log(1 - p + 1e-12));
    const e = (p - y[i]) / N;
    for (let j = 0; j < D; j++) grad[j] += e * X[i * D + j];
    grad[D] += e;
  }
  return loss / N;
}

const runs = [
  ["SGD lr 0.5", (p) => new SGD([p], { lr: 0.5 })],
  ["SGD lr 0.5, momentum 0.9", (p) => new SGD([p], { lr: 0.5, momentum: 0.9 })],
  ["Adam lr 0.05", (p) => new Adam([p], { lr: 0.05 })],
];
for (const [name, make] of runs) {
  const w = new Param(D + 1);
  const opt = make(w);
  const t0 = performance.now();
  const line = [];
  for (let step = 0; step <= 200; step++) {
    const loss = opt.step(() => lossAndGrad(w.data, w.grad));
    if (step % 50 === 0) line.push(`step ${String(step).padStart(3)}: ${loss.toFixed(4)}`);
  }
  console.log(`${name.padEnd(26)} ${line.join("  ")}  (${(performance.now() - t0).toFixed(0)} ms)`);
  opt.dispose();
  w.dispose();
}
