#!/usr/bin/env node
// minimize() (L-BFGS, memory 10) on the standard problems, from the standard starts, until
// the gradient inf-norm is <= 1e-5 (relTol off), side by side with the JavaScript packages
// a user could pick instead (installed separately in bench/peers: `cd bench/peers && npm ci`).
// Then tinybench: one L-BFGS direction (two-loop recursion, memory 10) at n = 1e6, our SIMD
// kernels against the same recursion in plain JavaScript on Float64Arrays.
//
//   npm run bench:second-order                  (build, then everything: several minutes)
//   node bench/second-order.bench.mjs --quick   (skip n = 1e6 and the 10,000 x 1,000 regression)
//   node bench/second-order.bench.mjs --export DIR   (write the problem data for bench/scipy-reference.py)
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Bench } from "tinybench";
import { minimize } from "../dist/index.js";
import { History, vector, WasmBuffer } from "../dist/unsafe.js";
import * as P from "../test/helpers/problems.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const exportDir = args.includes("--export") ? args[args.indexOf("--export") + 1] : null;

const problems = [
  P.rosenbrock2,
  P.beale,
  P.extendedRosenbrock(100),
  P.extendedRosenbrock(10_000),
  ...(quick ? [] : [P.extendedRosenbrock(1_000_000)]),
  P.logisticRegression(10_000, 100),
  ...(quick ? [] : [P.logisticRegression(10_000, 1_000)]),
  P.quadratic(100_000),
];

if (exportDir) {
  // raw little-endian float64 files + a JSON index, for bench/scipy-reference.py
  mkdirSync(exportDir, { recursive: true });
  const index = [];
  for (const p of problems) {
    const files = {};
    for (const [k, v] of Object.entries(p.data ?? {})) {
      if (!(v instanceof Float64Array)) continue;
      const file = `${p.name.replace(/[^a-z0-9]+/gi, "_")}_${k}.f64`;
      writeFileSync(join(exportDir, file), new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      files[k] = file;
    }
    index.push({ name: p.name, n: p.n, lambda: p.data?.lambda, files });
  }
  writeFileSync(join(exportDir, "index.json"), JSON.stringify(index, null, 1));
  console.log(`wrote ${index.length} problems to ${exportDir}`);
  process.exit(0);
}

const GRAD_TOL = 1e-5;
const PEER_EVALS = 20_000; // a peer that has not converged after this many evaluations...
const PEER_MS = 60_000; // ...or this long is stopped and reported as not converged

// ---- the peers (a separate package: never a dependency of the library)
const peerRequire = createRequire(new URL("./peers/package.json", import.meta.url));
function loadPeers() {
  const out = {};
  try {
    out.numeric = peerRequire("numeric");
  } catch {
    /* not installed */
  }
  try {
    out.optimizationJs = peerRequire("optimization-js");
  } catch {
    /* not installed */
  }
  try {
    const ex = {};
    new Function("exports", "module", readFileSync(peerRequire.resolve("fmin"), "utf8"))(ex, { exports: ex }); // UMD build
    out.fmin = ex;
  } catch {
    /* not installed */
  }
  return out;
}
const peers = loadPeers();

class Budget extends Error {}

/** Counts and times a peer's calls; throws Budget past the limits. */
function counted(p) {
  const c = { evals: 0, grads: 0, fnMs: 0, start: performance.now() };
  const check = () => {
    if (c.evals + c.grads > 2 * PEER_EVALS || performance.now() - c.start > PEER_MS) throw new Budget();
  };
  c.f = (x) => {
    check();
    c.evals++;
    const t = performance.now();
    const g = new Float64Array(p.n);
    const f = p.fg(x, g);
    c.fnMs += performance.now() - t;
    return f;
  };
  c.g = (x) => {
    check();
    c.grads++;
    const t = performance.now();
    const g = new Array(p.n);
    p.fg(x, g);
    c.fnMs += performance.now() - t;
    return g;
  };
  c.fg = (x, g) => {
    check();
    c.evals++;
    const t = performance.now();
    const f = p.fg(x, g);
    c.fnMs += performance.now() - t;
    return f;
  };
  return c;
}

function infNorm(g) {
  let m = 0;
  for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i]));
  return m;
}

function finish(p, c, x, converged, note = "") {
  const g = new Float64Array(p.n);
  const loss = p.fg(x, g);
  return {
    it: c.it ?? "",
    evals: c.grads ? `${c.evals} f + ${c.grads} g` : c.evals,
    loss,
    gnorm: infNorm(g),
    ms: performance.now() - c.start,
    converged: converged && infNorm(g) <= GRAD_TOL * 1.0001,
    note,
  };
}

function runPeer(name, p) {
  const c = counted(p);
  try {
    if (name === "optimization-js (L-BFGS)") {
      if (p.n > 100_000) return { skip: "plain-array copies of n = 1e6 per step: not run" };
      const r = peers.optimizationJs.minimize_L_BFGS(c.f, c.g, Array.from(p.x0()));
      return finish(p, c, r.argument, true);
    }
    if (name === "numeric.uncmin (dense BFGS)") {
      if (p.n > 2_000) return { skip: "dense n x n inverse Hessian: not run" };
      const r = numericUncmin(p, c);
      return finish(p, c, r.solution, r.message === "Newton step smaller than tol" || infNorm(r.gradient) <= GRAD_TOL, r.message);
    }
    if (name === "fmin.conjugateGradient") {
      const r = peers.fmin.conjugateGradient(c.fg, Array.from(p.x0()), { maxIterations: PEER_EVALS });
      return finish(p, c, r.x, true);
    }
  } catch (e) {
    if (e instanceof Budget)
      return {
        it: "",
        evals: c.evals + (c.grads ? ` f + ${c.grads} g` : ""),
        loss: NaN,
        gnorm: NaN,
        ms: performance.now() - c.start,
        converged: false,
        note: `stopped at the budget (${PEER_EVALS} evaluations or ${PEER_MS / 1000} s)`,
      };
    return {
      it: "",
      evals: c.evals,
      loss: NaN,
      gnorm: NaN,
      ms: performance.now() - c.start,
      converged: false,
      note: `threw ${e?.message ?? e}`,
    };
  }
}

function numericUncmin(p, c) {
  const num = peers.numeric;
  let it = 0;
  const r = num.uncmin(
    (x) => c.f(Float64Array.from(x)),
    Array.from(p.x0()),
    GRAD_TOL,
    (x) => c.g(Float64Array.from(x)),
    PEER_EVALS,
    () => {
      it++;
    },
  );
  c.it = r.iterations ?? it;
  return r;
}

function runOurs(p) {
  let fnMs = 0;
  const fn = (x, g) => {
    const t = performance.now();
    const f = p.fg(x, g);
    fnMs += performance.now() - t;
    return f;
  };
  const t0 = performance.now();
  const r = minimize(fn, p.x0(), { memory: 10, gradTol: GRAD_TOL, relTol: 0, maxIterations: 100_000, maxEvaluations: 100_000 });
  const ms = performance.now() - t0;
  return {
    it: r.iterations,
    evals: r.evaluations,
    loss: r.loss,
    gnorm: r.gradNorm,
    ms,
    ownMsPerIt: (ms - fnMs) / r.iterations,
    converged: r.converged,
    note: r.reason,
  };
}

const fmt = (v, d = 3) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(d)) : String(v ?? ""));

console.log(`# minimize() vs JavaScript peers — ${new Date().toISOString()}`);
console.log(
  `node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; stop at max|g| <= ${GRAD_TOL}`,
);
console.log("");
console.log("| problem | optimizer | iterations | evaluations | final loss | max abs g | time ms | own ms / iteration | converged |");
console.log("|---|---|---|---|---|---|---|---|---|");
const peerNames = ["optimization-js (L-BFGS)", "numeric.uncmin (dense BFGS)", "fmin.conjugateGradient"];
for (const p of problems) {
  // ours: best time of up to 3 runs (counts are deterministic)
  let best = null;
  const reps = p.n >= 1_000_000 || p.name.includes("1000") ? 2 : 3;
  for (let k = 0; k < reps; k++) {
    const r = runOurs(p);
    if (!best || r.ms < best.ms) best = r;
  }
  console.log(
    `| ${p.name} | **wasm-optim minimize** | ${best.it} | ${best.evals} | ${fmt(best.loss)} | ${fmt(best.gnorm)} | ${best.ms.toFixed(1)} | ${best.ownMsPerIt.toFixed(2)} | ${best.converged ? "yes" : `no (${best.note})`} |`,
  );
  for (const name of peerNames) {
    const key = name.startsWith("optimization") ? "optimizationJs" : name.startsWith("numeric") ? "numeric" : "fmin";
    if (!peers[key]) {
      console.log(`| | ${name} | not installed (cd bench/peers && npm ci) | | | | | | |`);
      continue;
    }
    const r = runPeer(name, p);
    if (r.skip) console.log(`| | ${name} | ${r.skip} | | | | | | |`);
    else
      console.log(
        `| | ${name} | ${r.it} | ${r.evals} | ${fmt(r.loss)} | ${fmt(r.gnorm)} | ${r.ms.toFixed(1)} | | ${r.converged ? "yes" : `no${r.note ? ` (${r.note})` : ""}`} |`,
      );
  }
}

// ---- one L-BFGS direction at n = 1e6, memory 10: SIMD kernels vs plain JavaScript
if (!quick) {
  const n = 1_000_000,
    m = 10;
  const r = P.rng(3);
  const hist = new History("float64", n);
  const S = [],
    Y = [],
    ro = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const s = hist.take(),
      y = hist.take();
    for (let j = 0; j < n; j++) {
      s.view[j] = r.normal();
      y.view[j] = s.view[j] * (1 + r.next());
    }
    const ys = vector.dot("float64", s.ptr, y.ptr, n);
    hist.push(s, y, ys, 1, m);
    S.push(Float64Array.from(s.view));
    Y.push(Float64Array.from(y.view));
    ro[i] = 1 / ys;
  }
  const g = new WasmBuffer("float64", n),
    d = new WasmBuffer("float64", n);
  for (let j = 0; j < n; j++) g.view[j] = r.normal();
  const gJs = Float64Array.from(g.view),
    dJs = new Float64Array(n),
    al = new Float64Array(m);
  const plainTwoLoop = () => {
    for (let j = 0; j < n; j++) dJs[j] = -gJs[j];
    for (let i = m - 1; i >= 0; i--) {
      let a = 0;
      const s = S[i],
        y = Y[i];
      for (let j = 0; j < n; j++) a += s[j] * dJs[j];
      al[i] = a * ro[i];
      for (let j = 0; j < n; j++) dJs[j] -= al[i] * y[j];
    }
    for (let i = 0; i < m; i++) {
      let b = 0;
      const s = S[i],
        y = Y[i];
      for (let j = 0; j < n; j++) b += y[j] * dJs[j];
      const c = al[i] - b * ro[i];
      for (let j = 0; j < n; j++) dJs[j] += c * s[j];
    }
  };
  const bench = new Bench({ time: 3000, warmupTime: 500 });
  bench.add("two-loop, plain JS Float64Array", plainTwoLoop);
  bench.add("two-loop, wasm-optim SIMD kernels (fused)", () => hist.twoLoop(g.ptr, d.ptr, 1));
  await bench.run();
  console.log("");
  console.log(`## One L-BFGS direction (two-loop recursion), n = 1e6, memory 10, float64 (tinybench, medians)`);
  console.log("");
  console.log("| implementation | median ms | samples |");
  console.log("|---|---|---|");
  const med = {};
  for (const t of bench.tasks) {
    med[t.name] = t.result.latency.p50;
    console.log(`| ${t.name} | ${t.result.latency.p50.toFixed(2)} | ${t.result.latency.samplesCount} |`);
  }
  const names = Object.keys(med);
  console.log(`\nspeed-up of the SIMD kernels over plain JS: ${(med[names[0]] / med[names[1]]).toFixed(2)}x`);
}
