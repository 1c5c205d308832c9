// One step of Adam and of SGD with momentum, float32, N = 1e3 .. 1e7:
// wasm-optim zero-copy, wasm-optim copy path (Param.wrap), and an idiomatic plain-JS fused
// loop, in the same process. Each size runs `ROUNDS` interleaved rounds; the table gives the
// median over rounds of tinybench's median latency. Ratios in one run are what count.
//
//   npm run bench            (or: node bench/adam-sgd.bench.mjs [--sizes 1e4,1e6] [--rounds 3])
import { Bench } from "tinybench";
import { arg, machine, median, randomArray } from "./common.mjs";
import { Adam, Param, SGD } from "../dist/index.js";

const SIZES = arg("--sizes", "1e3,1e4,1e5,1e6,1e7").split(",").map(Number);
const ROUNDS = Number(arg("--rounds", "3"));

// ---- the plain-JS baselines: what a user writes by hand on Float32Arrays
function jsAdam(p, g, m, v, t, lr, b1, b2, eps) {
  const stepSize = lr / (1 - b1 ** t);
  const bc2sqrt = Math.sqrt(1 - b2 ** t);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = (m[i] = b1 * m[i] + (1 - b1) * gi);
    const vi = (v[i] = b2 * v[i] + (1 - b2) * gi * gi);
    p[i] -= (stepSize * mi) / (Math.sqrt(vi) / bc2sqrt + eps);
  }
}
// The notes' formula as usually transcribed: bias-corrected moments per element.
function jsAdamTextbook(p, g, m, v, t, lr, b1, b2, eps) {
  const bc1 = 1 - b1 ** t,
    bc2 = 1 - b2 ** t;
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    const mHat = m[i] / bc1,
      vHat = v[i] / bc2;
    p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
  }
}
function jsSgdMomentum(p, g, buf, lr, mu) {
  for (let i = 0; i < p.length; i++) {
    const b = (buf[i] = mu * buf[i] + g[i]);
    p[i] -= lr * b;
  }
}

function setups(n) {
  const init = randomArray(n, 1, 1),
    grad = randomArray(n, 2, 1e-2);
  const zc = Param.from(init);
  zc.grad.set(grad);
  const own = { data: init.slice(), grad: grad.slice() };
  const wrapped = Param.wrap(own.data, own.grad);
  const zcS = Param.from(init);
  zcS.grad.set(grad);
  const ownS = { data: init.slice(), grad: grad.slice() };
  const wrappedS = Param.wrap(ownS.data, ownS.grad);
  const js = { p: init.slice(), g: grad, m: new Float32Array(n), v: new Float32Array(n), t: 0 };
  const jsT = { p: init.slice(), g: grad, m: new Float32Array(n), v: new Float32Array(n), t: 0 };
  const jsS = { p: init.slice(), g: grad, buf: new Float32Array(n) };
  const adamZ = new Adam([zc], { lr: 1e-3 }),
    adamC = new Adam([wrapped], { lr: 1e-3 });
  const sgdZ = new SGD([zcS], { lr: 1e-3, momentum: 0.9 }),
    sgdC = new SGD([wrappedS], { lr: 1e-3, momentum: 0.9 });
  return {
    tasks: {
      "Adam wasm zero-copy": () => adamZ.step(),
      "Adam wasm copy path": () => adamC.step(),
      "Adam plain JS": () => jsAdam(js.p, js.g, js.m, js.v, ++js.t, 1e-3, 0.9, 0.999, 1e-8),
      "Adam plain JS textbook": () => jsAdamTextbook(jsT.p, jsT.g, jsT.m, jsT.v, ++jsT.t, 1e-3, 0.9, 0.999, 1e-8),
      "SGD-momentum wasm zero-copy": () => sgdZ.step(),
      "SGD-momentum wasm copy path": () => sgdC.step(),
      "SGD-momentum plain JS": () => jsSgdMomentum(jsS.p, jsS.g, jsS.buf, 1e-3, 0.9),
    },
    dispose() {
      for (const o of [adamZ, adamC, sgdZ, sgdC]) o.dispose();
      for (const p of [zc, wrapped, zcS, wrappedS]) p.dispose();
    },
  };
}

const rows = [];
for (const n of SIZES) {
  const { tasks, dispose } = setups(n);
  const samples = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
  const time = n >= 1e7 ? 1500 : 400;
  for (let r = 0; r < ROUNDS; r++) {
    const bench = new Bench({ time, warmupTime: 100, warmupIterations: 5 });
    for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
    await bench.run();
    for (const t of bench.tasks) samples[t.name].push(t.result.latency.p50);
  }
  dispose();
  const ms = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  rows.push({ n, ms });
  const ns = (k) => (ms[k] * 1e6) / n;
  console.error(`N=${n.toExponential(0)} Adam ${ns("Adam wasm zero-copy").toFixed(2)} ns/el vs JS ${ns("Adam plain JS").toFixed(2)}`);
}

const f = (x, d = 2) => x.toFixed(d);
console.log(`\nfloat32, ${ROUNDS} rounds (median of tinybench p50 latencies); ${machine()}`);
console.log(
  `\n| N | Adam zero-copy ns/el | GB/s | Adam copy path ns/el | Adam plain JS fused ns/el | Adam plain JS textbook ns/el | zero-copy vs fused JS | vs textbook JS | copy vs zero-copy | SGD-mom zero-copy ns/el | SGD-mom copy ns/el | SGD-mom plain JS ns/el | zero-copy vs JS |`,
);
console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|---|`);
for (const { n, ms } of rows) {
  const ns = (k) => (ms[k] * 1e6) / n;
  const az = ns("Adam wasm zero-copy"),
    ac = ns("Adam wasm copy path"),
    aj = ns("Adam plain JS"),
    at = ns("Adam plain JS textbook");
  const sz = ns("SGD-momentum wasm zero-copy"),
    sc = ns("SGD-momentum wasm copy path"),
    sj = ns("SGD-momentum plain JS");
  console.log(
    `| ${n.toExponential(0)} | ${f(az)} | ${f(28 / az, 1)} | ${f(ac)} | ${f(aj)} | ${f(at)} | **${f(aj / az, 1)}x** | ${f(at / az, 1)}x | ${f(ac / az, 2)}x | ${f(sz)} | ${f(sc)} | ${f(sj)} | **${f(sj / sz, 1)}x** |`,
  );
}
