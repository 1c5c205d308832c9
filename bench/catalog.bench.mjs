// One step of each optimizer added in the catalog issue (Adamax, NAdam, RAdam, Adadelta,
// Lion, AdamWScheduleFree, SGDScheduleFree), float32, N = 1e6 by default: wasm-optim
// zero-copy against an idiomatic plain-JS fused loop of the same rule on Float32Arrays, in
// the same process. Each round runs every task (tinybench, with warm-up); the table gives
// the median over rounds of tinybench's median latency, in ns per element, and the ratio.
//
//   npm run bench:catalog     (or: node bench/catalog.bench.mjs [--n 1e6] [--rounds 5])
import { Bench } from "tinybench";
import { arg, machine, median, randomArray } from "./common.mjs";
import { Adadelta, Adamax, AdamWScheduleFree, Lion, NAdam, Param, RAdam, SGDScheduleFree } from "../dist/index.js";

const N = Number(arg("--n", "1e6"));
const ROUNDS = Number(arg("--rounds", "5"));

// ---- the plain-JS baselines: the same rule, fused into one loop, as a user writes it by hand.
// Each keeps its own state object; per-step scalars are computed once per step, as in the library.
const js = {
  Adamax(s, lr = 2e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8) {
    const { p, g, m, u } = s;
    const clr = lr / (1 - b1 ** ++s.t);
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      const mi = (m[i] = b1 * m[i] + (1 - b1) * gi);
      const ui = (u[i] = Math.max(b2 * u[i], Math.abs(gi) + eps));
      p[i] -= (clr * mi) / ui;
    }
  },
  NAdam(s, lr = 2e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, psi = 4e-3) {
    const { p, g, m, v } = s;
    const t = ++s.t;
    const mu = b1 * (1 - 0.5 * 0.96 ** (t * psi)),
      muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi));
    s.muProduct *= mu;
    const a = (lr * (1 - mu)) / (1 - s.muProduct),
      b = (lr * muNext) / (1 - s.muProduct * muNext);
    const bc2 = 1 - b2 ** t;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      const mi = (m[i] = b1 * m[i] + (1 - b1) * gi);
      const vi = (v[i] = b2 * v[i] + (1 - b2) * gi * gi);
      const denom = Math.sqrt(vi / bc2) + eps;
      p[i] -= (a * gi + b * mi) / denom;
    }
  },
  RAdam(s, lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8) {
    const { p, g, m, v } = s;
    const t = ++s.t;
    const bc1 = 1 - b1 ** t,
      bc2 = 1 - b2 ** t;
    const rhoInf = 2 / (1 - b2) - 1,
      rhoT = rhoInf - (2 * t * b2 ** t) / bc2;
    const rect = rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      const mi = (m[i] = b1 * m[i] + (1 - b1) * gi);
      const vi = (v[i] = b2 * v[i] + (1 - b2) * gi * gi);
      p[i] -= rhoT > 5 ? ((lr * rect * Math.sqrt(bc2)) / bc1) * (mi / (Math.sqrt(vi) + eps)) : (lr / bc1) * mi;
    }
  },
  Adadelta(s, lr = 1, rho = 0.9, eps = 1e-6) {
    const { p, g, v, acc } = s;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      const vi = (v[i] = rho * v[i] + (1 - rho) * gi * gi);
      const delta = (Math.sqrt(acc[i] + eps) / Math.sqrt(vi + eps)) * gi;
      acc[i] = rho * acc[i] + (1 - rho) * delta * delta;
      p[i] -= lr * delta;
    }
  },
  Lion(s, lr = 1e-4, b1 = 0.9, b2 = 0.99, wd = 0) {
    const { p, g, m } = s;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i],
        mi = m[i];
      p[i] -= lr * (Math.sign(b1 * mi + (1 - b1) * gi) + wd * p[i]);
      m[i] = b2 * mi + (1 - b2) * gi;
    }
  },
  // Schedule-Free: the shared scalar bookkeeping, then the fused loop
  sfScalars(s, lr, bc2 = 1) {
    const k = s.k++;
    s.lrMax = Math.max(s.lrMax, lr);
    const w = s.lrMax ** 2;
    s.weightSum += w;
    return { lr, c: w / s.weightSum, bc2, k };
  },
  AdamWScheduleFree(s, lr = 0.0025, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0) {
    const { p: y, g, z, x, v } = s;
    const { c } = js.sfScalars(s, lr);
    const bc2 = 1 - b2 ** s.k;
    for (let i = 0; i < y.length; i++) {
      const gi = g[i];
      const vi = (v[i] = b2 * v[i] + (1 - b2) * gi * gi);
      const zi = (z[i] -= lr * (gi / (Math.sqrt(vi / bc2) + eps) + wd * y[i]));
      const xi = (x[i] = (1 - c) * x[i] + c * zi);
      y[i] = b1 * xi + (1 - b1) * zi;
    }
  },
  SGDScheduleFree(s, lr = 1, beta = 0.9, wd = 0) {
    const { p: y, g, z, x } = s;
    const { c } = js.sfScalars(s, lr);
    for (let i = 0; i < y.length; i++) {
      const zi = (z[i] -= lr * (g[i] + wd * y[i]));
      const xi = (x[i] = (1 - c) * x[i] + c * zi);
      y[i] = beta * xi + (1 - beta) * zi;
    }
  },
};

const optimizers = { Adamax, NAdam, RAdam, Adadelta, Lion, AdamWScheduleFree, SGDScheduleFree };

function setup(n) {
  const init = randomArray(n, 1, 1),
    grad = randomArray(n, 2, 1e-2);
  const tasks = {},
    owned = [];
  for (const [name, Ctor] of Object.entries(optimizers)) {
    const p = Param.from(init);
    p.grad.set(grad);
    const opt = new Ctor([p]);
    owned.push(opt, p);
    tasks[`${name} wasm`] = () => opt.step();
    const z = () => new Float32Array(n);
    const state = {
      p: init.slice(),
      g: grad,
      m: z(),
      v: z(),
      u: z(),
      acc: z(),
      z: init.slice(),
      x: init.slice(),
      t: 0,
      k: 0,
      lrMax: -1,
      weightSum: 0,
      muProduct: 1,
    };
    tasks[`${name} JS`] = () => js[name](state);
    tasks[`${name} JS`].state = state;
    tasks[`${name} wasm`].param = p;
  }
  return { tasks, dispose: () => owned.forEach((o) => o.dispose()) };
}

const { tasks, dispose } = setup(N);
const samples = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  const bench = new Bench({ time: 400, warmupTime: 150, warmupIterations: 10 });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  for (const t of bench.tasks) samples[t.name].push(t.result.latency.p50);
  console.error(`round ${r + 1}/${ROUNDS} done`);
}
// both sides must still hold finite numbers after thousands of steps (same work, no NaN shortcuts)
for (const [name, fn] of Object.entries(tasks)) {
  const a = fn.param ? fn.param.data : fn.state.p;
  if (!a.every(Number.isFinite)) throw new Error(`${name}: non-finite params after the run`);
}
dispose();

console.log(`\nN = ${N.toExponential(0)} float32, ${ROUNDS} rounds (median of tinybench p50 latencies); ${machine()}\n`);
console.log(`| optimizer | wasm-optim ns/el | plain JS fused ns/el | speed-up |`);
console.log(`|---|---|---|---|`);
for (const name of Object.keys(optimizers)) {
  const w = (median(samples[`${name} wasm`]) * 1e6) / N,
    j = (median(samples[`${name} JS`]) * 1e6) / N;
  console.log(`| ${name} | ${w.toFixed(2)} | ${j.toFixed(2)} | **${(j / w).toFixed(1)}x** |`);
}
