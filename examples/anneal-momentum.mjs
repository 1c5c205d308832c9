// Anneals SGD's momentum from 0.5 to 0.9 over the first 300 steps (a schedule on any
// hyperparameter), with a cosine learning rate, global-norm clipping and NaN-safe steps,
// while fitting a small least-squares problem; saves a checkpoint half-way and shows that
// the resumed run ends on exactly the same parameters.
//   npm run build && node examples/anneal-momentum.mjs
import { Param, SGD, scheduleHyperparameter, schedules, skipNonFinite, saveParams, loadParams } from "../dist/index.js";

const n = 64; // parameters
const rows = 256; // observations: y = A w* (+ noise)
const rand = (
  (s) => () =>
    ((s = Math.imul(s ^ (s >>> 15), 2246822519) ^ 0x9e3779b9) >>> 0) / 2 ** 32
)(7);
// columns scaled over a decade: an ill-conditioned problem where momentum matters
const A = Array.from({ length: rows }, () => Float64Array.from({ length: n }, (_, i) => (rand() - 0.5) * 10 ** (-i / n)));
const wTrue = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
const y = A.map((a) => a.reduce((s, x, i) => s + x * wTrue[i], 0) + 0.01 * (rand() - 0.5));

/** Mean squared error and its gradient (written straight into w.grad, no copy). */
function lossAndGrad(w) {
  w.grad.fill(0);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    let e = -y[r];
    for (let i = 0; i < n; i++) e += A[r][i] * w.data[i];
    loss += (e * e) / rows;
    for (let i = 0; i < n; i++) w.grad[i] += (2 * e * A[r][i]) / rows;
  }
  return loss;
}

function setup() {
  const w = new Param(n); // float32, zeros
  const opt = new SGD([w], { lr: 0.3, momentum: 0.5 });
  const momentum = scheduleHyperparameter(opt, "momentum", schedules.linear(0.5, 0.9, 300));
  const lr = scheduleHyperparameter(opt, "lr", schedules.cosineDecay(0.3, 600, 0.01));
  const guarded = skipNonFinite(opt, { maxNorm: 5 }); // clip the global norm; skip NaN/Inf steps
  return { w, opt, schedules: [momentum, lr], guarded };
}

function train(run, from, to) {
  for (let t = from; t < to; t++) {
    const loss = run.guarded.step(() => lossAndGrad(run.w));
    for (const s of run.schedules) s.step();
    if (t % 100 === 0 || t === to - 1) {
      const g = run.opt.paramGroups[0];
      console.log(
        `step ${String(t).padStart(3)}  loss ${loss.toExponential(3)}  momentum ${g.momentum.toFixed(3)}  lr ${g.lr.toFixed(4)}  |g| ${run.guarded.lastNorm.toFixed(3)}`,
      );
    }
  }
}

const a = setup();
train(a, 0, 300);
const checkpoint = { state: a.opt.saveState(), params: saveParams([a.w]) };
console.log(`checkpoint: ${checkpoint.state.length + checkpoint.params.length} bytes (optimizer + params, CRC-32 checked)`);
train(a, 300, 600);

// a fresh optimizer and fresh params, resumed from the checkpoint
console.log("resumed from the checkpoint:");
const b = setup();
loadParams([b.w], checkpoint.params);
b.opt.loadState(checkpoint.state); // hyperparameters, momentum buffers, both schedule positions
train(b, 300, 600);

const same = a.w.data.every((x, i) => Object.is(x, b.w.data[i]));
const err = Math.sqrt(a.w.data.reduce((s, x, i) => s + (x - wTrue[i]) ** 2, 0) / n);
console.log(`resumed run identical to the straight run: ${same}; rms error of w: ${err.toExponential(2)}`);
if (!same) process.exitCode = 1;
