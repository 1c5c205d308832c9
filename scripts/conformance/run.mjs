#!/usr/bin/env node
// Replays PyTorch golden trajectories through the package's public API and reports
// how far the results are from the reference.
//
//   node scripts/conformance/run.mjs [--root DIR] [--golden DIR] [--only Adam,SGD] [--strict] [--verbose]
//
// --root    the package to test (default: the current folder); its package.json
//           "exports" (or "main") entry is imported, so build it first.
// --golden  a folder with index.json and case files (default: test/fixtures of this
//           repository; index.json's "file" entries are relative to it).
// --only    comma-separated optimizer names to run.
// --strict  count cases whose optimizer the package does not export as failures (by
//           default they are reported as "not implemented" and do not fail the run).
//
// The API surface used, and nothing else:
//   Param.from(Float32Array | Float64Array) -> p;  p.data, p.grad (typed-array views)
//   Param.from(array, { shape: [d0, d1, ...] }) for cases with a "shape" (Adafactor, Muon)
//   new <Optimizer>([p], hyperparameters);  opt.step();  opt.step(closure) (L-BFGS)
//   opt.train() / opt.eval() (Schedule-Free)
//   ASGD's averaged params: the first value named "ax" (torch's state name) anywhere in
//   opt.stateDict(), as a typed array, an array, or an object whose toJSON() gives one
// Hyperparameters are passed under the golden files' camelCase names, except that
// L-BFGS's lineSearch "strong_wolfe" / null is passed as "strong-wolfe" / "none".
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(opt("--root", process.cwd()));
const goldenDir = resolve(opt("--golden", join(here, "..", "..", "test", "fixtures")));
const strict = args.includes("--strict");
const only = opt("--only", "") ? new Set(opt("--only", "").split(",")) : null;
const verbose = args.includes("--verbose");

function entryOf(pkgRoot) {
  const pkg = JSON.parse(readFileSync(join(pkgRoot, "package.json"), "utf8"));
  let e = pkg.exports;
  if (e && typeof e === "object" && "." in e) e = e["."];
  const pick = (x) => {
    if (typeof x === "string") return x;
    if (x && typeof x === "object") {
      for (const k of ["node", "import", "default", "require"])
        if (k in x) {
          const r = pick(x[k]);
          if (r) return r;
        }
    }
    return null;
  };
  const rel = pick(e) || pkg.module || pkg.main;
  if (!rel) throw new Error(`no entry in ${pkgRoot}/package.json ("exports" or "main")`);
  const file = join(pkgRoot, rel);
  if (!existsSync(file)) throw new Error(`entry ${rel} does not exist: build the package first`);
  return file;
}

const api = await import(pathToFileURL(entryOf(root)).href);
const index = JSON.parse(readFileSync(join(goldenDir, "index.json"), "utf8"));
const caseFiles = (index.cases || []).map((c) => (typeof c === "string" ? c : c.file || `${c.id}.json`));

// ---- problems, evaluated in the case's precision (float32: round after every operation)
function problemOf(c) {
  const r = c.dtype === "float32" ? Math.fround : (x) => x;
  const P = c.problem;
  if (!P) return null;
  const kind = P.kind || P.name || P.type;
  if (kind === "quadratic") {
    const { a, b } = P.data || P;
    return (x, g) => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        const d = r(x[i] - b[i]);
        g[i] = r(a[i] * d);
        f += 0.5 * a[i] * d * d;
      }
      return f;
    };
  }
  if (kind === "rosenbrock") {
    return (x, g) => {
      let f = 0;
      for (let i = 0; i < x.length; i += 2) {
        const u = x[i],
          w = x[i + 1];
        const r1 = r(w - r(u * u)),
          r0 = r(1 - u);
        g[i] = r(r(r(-400 * u) * r1) - r(2 * r0)); // (-400*u)*r1, rounded as torch does
        g[i + 1] = r(200 * r1);
        f += 100 * r1 * r1 + r0 * r0;
      }
      return f;
    };
  }
  if (kind === "denseQuadratic") {
    const { A, b } = P.data || P;
    const n = b.length;
    return (x, g) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i][j] * x[j];
        g[i] = r(s - b[i]);
        f += 0.5 * x[i] * s - b[i] * x[i];
      }
      return f;
    };
  }
  throw new Error(`unknown problem ${JSON.stringify(kind)}`);
}

function compare(got, want, tol) {
  if (got.length !== want.length) return { used: Infinity, maxAbs: NaN };
  let used = 0,
    maxAbs = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= e)) return { used: Infinity, maxAbs: NaN }; // NaN
    maxAbs = Math.max(maxAbs, e);
    used = Math.max(used, e / (tol.atol + tol.rtol * Math.abs(want[i])));
  }
  return { used, maxAbs };
}

// The first value stored under `key` anywhere in a state dict, as a plain array (typed arrays,
// arrays, or objects with toJSON); null if there is none.
function findKey(tree, key, seen = new Set()) {
  if (tree === null || typeof tree !== "object" || seen.has(tree)) return null;
  seen.add(tree);
  if (Object.prototype.hasOwnProperty.call(tree, key)) {
    let v = tree[key];
    if (v && typeof v.toJSON === "function" && !ArrayBuffer.isView(v)) v = v.toJSON();
    if (v && typeof v.length === "number") return Array.from(v, Number);
  }
  for (const v of Object.values(tree)) {
    const r = findKey(v, key, seen);
    if (r) return r;
  }
  return null;
}

function optionsOf(c) {
  const h = { ...c.hyperparameters };
  if (c.optimizer === "LBFGS") h.lineSearch = h.lineSearch === "strong_wolfe" ? "strong-wolfe" : "none";
  if (h.variant === "default") delete h.variant;
  return h;
}

function runCase(c) {
  const Ctor = api[c.optimizer];
  if (typeof Ctor !== "function") return { ok: false, missing: true, why: `no export named ${c.optimizer}` };
  const Typed = c.dtype === "float64" ? Float64Array : Float32Array;
  const p = c.shape ? api.Param.from(Typed.from(c.initialParams), { shape: c.shape }) : api.Param.from(Typed.from(c.initialParams));
  const o = new Ctor([p], optionsOf(c));
  const fg = problemOf(c);
  const tol = c.tolerance;
  const recorded = new Map((c.recordedSteps || c.params.map((_, k) => k + 1)).map((s, k) => [s, k]));
  let worst = 0,
    worstAt = "";
  const note = (u, where) => {
    if (!(u <= worst)) {
      worst = u;
      worstAt = where;
    }
  };
  const scratch = new Float64Array(c.size);

  if (c.optimizer === "LBFGS") {
    let evals = 0;
    const closure = () => {
      evals++;
      const f = fg(p.data, scratch);
      p.grad.set(scratch);
      return c.dtype === "float32" ? Math.fround(f) : f;
    };
    for (let t = 1; t <= c.steps; t++) {
      evals = 0;
      const loss = Number(o.step(closure));
      if (evals !== c.closureEvals[t - 1])
        return { ok: false, why: `step ${t}: ${evals} closure calls, torch made ${c.closureEvals[t - 1]}` };
      const lt = c.tolerance.lossRtol ?? tol.rtol;
      note(Math.abs(loss - c.stepLosses[t - 1]) / (lt * Math.abs(c.stepLosses[t - 1]) + tol.atol), `loss of step ${t}`);
      if (recorded.has(t)) note(compare(p.data, c.params[recorded.get(t)], tol).used, `params after step ${t}`);
    }
  } else {
    if (typeof o.train === "function" && c.optimizer.includes("ScheduleFree")) o.train();
    for (let t = 1; t <= c.steps; t++) {
      if (c.regime === "open") p.grad.set(c.grads[t - 1]);
      else {
        const f = fg(p.data, scratch);
        p.grad.set(scratch);
        if (c.losses) {
          const lt = c.tolerance.lossRtol ?? 1e-4;
          note(Math.abs(f - c.losses[t - 1]) / (lt * Math.abs(c.losses[t - 1]) + tol.atol), `loss before step ${t}`);
        }
      }
      o.step();
      if (recorded.has(t)) note(compare(p.data, c.params[recorded.get(t)], tol).used, `params after step ${t}`);
    }
    if (c.evalParams && c.optimizer === "ASGD") {
      const ax = findKey(o.stateDict(), "ax");
      if (!ax) return { ok: false, why: 'no buffer "ax" in ASGD\'s stateDict()' };
      note(compare(ax, c.evalParams[c.evalParams.length - 1], tol).used, "averaged params (ax) after the last step");
    } else if (c.evalParams) {
      if (typeof o.eval !== "function") return { ok: false, why: "no eval() on a Schedule-Free optimizer" };
      o.eval();
      note(compare(p.data, c.evalParams[c.evalParams.length - 1], tol).used, "eval-mode params after the last step");
    }
  }
  return { ok: worst <= 1, used: worst, why: worst <= 1 ? "" : `tolerance exceeded ${worst.toFixed(2)}x at ${worstAt}` };
}

let passed = 0,
  failed = 0;
const missing = new Map(); // optimizer -> cases, for classes the package does not export (yet)
const byOpt = new Map();
for (const f of caseFiles) {
  const c = JSON.parse(readFileSync(join(goldenDir, f), "utf8"));
  if (only && !only.has(c.optimizer)) continue;
  let r;
  try {
    r = runCase(c);
  } catch (e) {
    r = { ok: false, why: `threw ${e && e.name}: ${e && e.message}` };
  }
  if (r.missing && !strict) {
    missing.set(c.optimizer, (missing.get(c.optimizer) || 0) + 1);
    continue;
  }
  const s = byOpt.get(c.optimizer) || { pass: 0, fail: 0 };
  if (r.ok) {
    passed++;
    s.pass++;
  } else {
    failed++;
    s.fail++;
  }
  byOpt.set(c.optimizer, s);
  if (!r.ok || verbose)
    console.log(
      `${r.ok ? "PASS" : "FAIL"} ${c.id} (${c.optimizer}, ${c.dtype}, n=${c.size})${r.ok ? ` uses ${(100 * r.used).toFixed(1)}% of tolerance` : ": " + r.why}`,
    );
}
for (const [k, s] of [...byOpt].sort()) console.log(`  ${k.padEnd(18)} ${s.pass} passed, ${s.fail} failed`);
for (const [k, n] of [...missing].sort()) console.log(`  ${k.padEnd(18)} not implemented (no export named ${k}): ${n} cases not run`);
console.log(
  `conformance: ${passed} passed, ${failed} failed${missing.size ? `, ${[...missing.values()].reduce((a, b) => a + b, 0)} not implemented` : ""}`,
);
process.exit(failed ? 1 : 0);
