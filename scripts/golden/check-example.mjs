#!/usr/bin/env node
// Minimal reference checker for the golden files (plain JavaScript, no deps).
//
//   node check-example.mjs                 # every SGD / Adam / AdamW case in index.json
//   node check-example.mjs adam_default_open.json sgd_momentum_open.json
//   node check-example.mjs --f32 ...       # emulate float32 storage with Math.fround
//   node check-example.mjs --dir OTHER_FOLDER     # another set in the same format
//
// It replays each case through a straightforward scalar Adam / AdamW /
// SGD(momentum, dampening, nesterov, weight decay, maximize) written from the
// PyTorch 1.13 formulas in README.md (open loop: the stored gradients; closed
// loop: gradients of the stored quadratic / Rosenbrock problem at the current
// params), then compares every recorded params row with
//   |actual - golden| <= atol + rtol * |golden|
// and each final-state array normwise: max|a-b| <= stateRtol * max|golden|.
// Exit code 0 only if every case passes.
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const f32 = args.includes("--f32");
let dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test", "fixtures");
const di = args.indexOf("--dir");
if (di >= 0) dir = resolve(args[di + 1]);
const files = args.filter((a, i) => !a.startsWith("--") && !(di >= 0 && i === di + 1));

// R() rounds to float32 when emulating float32 storage, identity otherwise.
const R = f32 ? Math.fround : (x) => x;

function gradient(c, x) {
  const n = x.length,
    g = new Array(n);
  const p = c.problem;
  if (p.type === "quadratic") {
    // f = 0.5*sum(a*(x-b)^2)
    for (let i = 0; i < n; i++) g[i] = R(p.a[i] * R(x[i] - p.b[i]));
  } else if (p.type === "rosenbrock") {
    // extended (pairwise) Rosenbrock
    for (let i = 0; i < n; i += 2) {
      const u = x[i],
        w = x[i + 1];
      const r1 = R(w - R(u * u)),
        r0 = R(1 - u);
      g[i] = R(R(-400 * u * r1) - 2 * r0);
      g[i + 1] = R(200 * r1);
    }
  } else throw new Error("unsupported problem " + p.type);
  return g;
}

function replay(c) {
  const h = c.hyperparameters,
    n = c.size;
  const p = c.initialParams.slice();
  const st = {};
  const rows = [];
  for (let t = 1; t <= c.steps; t++) {
    const grad = c.regime === "open" ? c.grads[t - 1] : gradient(c, p);
    if (c.optimizer === "SGD") {
      if (h.momentum !== 0 && !st.momentum_buffer) st.momentum_buffer = new Array(n);
      const buf = st.momentum_buffer;
      for (let i = 0; i < n; i++) {
        let d = h.maximize ? -grad[i] : grad[i];
        if (h.weightDecay !== 0) d = R(d + h.weightDecay * p[i]);
        if (h.momentum !== 0) {
          // first step: buffer = d (no dampening); afterwards momentum*buf + (1-dampening)*d
          buf[i] = t === 1 ? d : R(h.momentum * buf[i] + (1 - h.dampening) * d);
          d = h.nesterov ? R(d + h.momentum * buf[i]) : buf[i];
        }
        p[i] = R(p[i] - h.lr * d);
      }
    } else if (c.optimizer === "Adam" || c.optimizer === "AdamW") {
      const [b1, b2] = h.betas;
      if (!st.exp_avg) {
        st.exp_avg = new Array(n).fill(0);
        st.exp_avg_sq = new Array(n).fill(0);
        if (h.amsgrad) st.max_exp_avg_sq = new Array(n).fill(0);
      }
      const m = st.exp_avg,
        v = st.exp_avg_sq,
        vmax = st.max_exp_avg_sq;
      const stepSize = h.lr / (1 - b1 ** t);
      const bc2sqrt = Math.sqrt(1 - b2 ** t);
      for (let i = 0; i < n; i++) {
        let g = h.maximize ? -grad[i] : grad[i];
        if (c.optimizer === "AdamW")
          p[i] = R(p[i] * (1 - h.lr * h.weightDecay)); // decoupled
        else if (h.weightDecay !== 0) g = R(g + h.weightDecay * p[i]); // L2
        m[i] = R(b1 * m[i] + (1 - b1) * g);
        v[i] = R(b2 * v[i] + (1 - b2) * g * g);
        let s = v[i];
        if (h.amsgrad) s = vmax[i] = Math.max(vmax[i], v[i]);
        const denom = R(R(Math.sqrt(s)) / bc2sqrt + h.eps); // eps outside the sqrt
        p[i] = R(p[i] - stepSize * R(m[i] / denom));
      }
      st.step = t;
    } else {
      throw new Error("check-example.mjs only implements SGD, Adam and AdamW");
    }
    rows.push(p.slice());
  }
  return { rows, state: st };
}

function check(file) {
  const c = JSON.parse(readFileSync(file, "utf8"));
  if (!["SGD", "Adam", "AdamW"].includes(c.optimizer)) {
    console.log(`SKIP ${c.id}: ${c.optimizer} is not implemented in this example (SGD, Adam, AdamW only)`);
    return null;
  }
  const tol = c.tolerance;
  const { rows, state } = replay(c);
  let maxAbs = 0,
    maxRel = 0,
    worst = 0,
    ok = true;
  c.recordedSteps.forEach((step, k) => {
    const got = rows[step - 1],
      want = c.params[k];
    for (let i = 0; i < want.length; i++) {
      const e = Math.abs(got[i] - want[i]);
      maxAbs = Math.max(maxAbs, e);
      if (Math.abs(want[i]) > 1e-3) maxRel = Math.max(maxRel, e / Math.abs(want[i]));
      const used = e / (tol.atol + tol.rtol * Math.abs(want[i]));
      worst = Math.max(worst, used);
      if (!(used <= 1)) ok = false;
    }
  });
  let stateWorst = 0;
  for (const [k, want] of Object.entries(c.finalState)) {
    if (!Array.isArray(want)) continue;
    const got = state[k];
    if (!got) {
      ok = false;
      console.log(`  missing state ${k}`);
      continue;
    }
    let e = 0,
      s = 0;
    for (let i = 0; i < want.length; i++) {
      e = Math.max(e, Math.abs(got[i] - want[i]));
      s = Math.max(s, Math.abs(want[i]));
    }
    const used = s > 0 ? e / (tol.stateRtol * s) : e === 0 ? 0 : Infinity;
    stateWorst = Math.max(stateWorst, used);
    if (!(used <= 1)) ok = false;
  }
  console.log(
    `${ok ? "PASS" : "FAIL"} ${c.id.padEnd(40)} ${c.optimizer.padEnd(6)} n=${String(c.size).padEnd(6)} ` +
      `T=${String(c.steps).padEnd(3)} maxAbs=${maxAbs.toExponential(2)} maxRel=${maxRel.toExponential(2)} ` +
      `tolUsed=${worst.toFixed(3)} stateTolUsed=${stateWorst.toFixed(3)}`,
  );
  return ok;
}

let list = files.map((f) => (existsSync(f) ? f : join(dir, f)));
if (list.length === 0) {
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
  list = index.cases.filter((e) => ["SGD", "Adam", "AdamW"].includes(e.optimizer)).map((e) => join(dir, e.file));
}
console.log(`check-example: ${list.length} case(s), arithmetic: ${f32 ? "float32 (Math.fround)" : "float64"}`);
const results = list.map(check);
const checked = results.filter((r) => r !== null).length;
const failed = results.filter((r) => r === false).length;
console.log(failed ? `${failed} FAILED` : checked ? `all ${checked} checked case(s) passed` : "nothing checked");
process.exit(failed || !checked ? 1 : 0);
