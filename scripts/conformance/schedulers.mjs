#!/usr/bin/env node
// Replays PyTorch learning-rate-scheduler goldens through the package's public API and
// reports every case whose lrs (or cycled momentum / betas[0]) leave the tolerance.
//
//   node scripts/conformance/schedulers.mjs [--root DIR] [--golden DIR] [--only StepLR,CyclicLR] [--strict] [--verbose]
//
// --root    the package to test (default: the current folder); its package.json
//           "exports" (or "main") entry is imported, so build it first.
// --golden  a folder with index.json and scheduler case files
//           (default: test/fixtures/lr-schedulers of this repository).
// --strict  count cases whose scheduler or optimizer the package does not export as
//           failures (by default they are reported as "not implemented").
// --only    comma-separated scheduler names to run (the case's top-level scheduler).
//
// The API surface used, and nothing else:
//   Param.from(Float32Array) -> p
//   new <Optimizer>([{ params: [p], ...group }, ...], hyperparameters);  opt.step()
//   opt.paramGroups[i].lr, .momentum, .betas[0]
//   new <Scheduler>(optimizer, kwargs);  scheduler.step() / scheduler.step(metric) / scheduler.step(epoch)
// kwargs are the golden's camelCase keyword arguments. Nested schedulers (SequentialLR,
// ChainedScheduler: kwargs.schedulers) are constructed first, in list order, on the same
// optimizer, and passed as instances. lrLambda (LambdaLR, MultiplicativeLR) is passed as a
// function (or an array of functions, one per group) built from the named formula.
// Prints one line per failing case and closes with "N passed, N failed".
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
const goldenDir = resolve(opt("--golden", join(here, "..", "..", "test", "fixtures", "lr-schedulers")));
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

// ---- the named lr lambdas (README: "LR scheduler goldens")
function lambdaOf(spec) {
  switch (spec.kind) {
    case "pow":
      return (epoch) => spec.base ** epoch;
    case "constant":
      return () => spec.value;
    case "linearWarmup":
      return (epoch) => Math.min(1, (epoch + 1) / spec.warmup);
    case "inverseSqrt":
      return (epoch) => 1 / Math.sqrt(epoch + 1);
    case "linearDecay":
      return (epoch) => Math.max(0, 1 - epoch / spec.total);
    default:
      throw new Error(`unknown lambda kind ${JSON.stringify(spec.kind)}`);
  }
}

function schedulerOf(spec, optimizer) {
  const Ctor = api[spec.name];
  if (typeof Ctor !== "function") throw Object.assign(new Error(`no export named ${spec.name}`), { missing: true });
  const kwargs = { ...(spec.kwargs || {}) };
  if (kwargs.schedulers) kwargs.schedulers = kwargs.schedulers.map((s) => schedulerOf(s, optimizer));
  if (kwargs.lrLambda) kwargs.lrLambda = Array.isArray(kwargs.lrLambda) ? kwargs.lrLambda.map(lambdaOf) : lambdaOf(kwargs.lrLambda);
  return new Ctor(optimizer, kwargs);
}

const readers = {
  lr: (g) => g.lr,
  momentum: (g) => g.momentum,
  beta1: (g) => (Array.isArray(g.betas) || ArrayBuffer.isView(g.betas) ? g.betas[0] : undefined),
};

function runCase(c) {
  const OptCtor = api[c.optimizer.name];
  if (typeof OptCtor !== "function") return { ok: false, missing: true, why: `no export named ${c.optimizer.name}` };
  const groups = c.optimizer.paramGroups.map((g) => ({ ...g, params: [api.Param.from(new Float32Array(2))] }));
  const optimizer = new OptCtor(groups, { ...c.optimizer.hyperparameters });
  let scheduler;
  try {
    scheduler = schedulerOf(c.scheduler, optimizer);
  } catch (e) {
    return { ok: false, missing: !!e.missing, why: e.missing ? e.message : `constructor threw ${e && e.name}: ${e && e.message}` };
  }
  const tol = c.tolerance || index.tolerance;
  let worst = 0,
    worstAt = "";
  const check = (row) => {
    for (const key of c.tracked) {
      const want = c[key][row];
      const got = optimizer.paramGroups.map(readers[key]);
      for (let i = 0; i < want.length; i++) {
        const e = Math.abs(got[i] - want[i]);
        const u = e / (tol.atol + tol.rtol * Math.abs(want[i]));
        if (!(u <= worst)) {
          worst = Number.isNaN(u) ? Infinity : u;
          worstAt = `${key} of group ${i} ${row === 0 ? "after construction" : `after step ${row}`}: ${got[i]}, torch ${want[i]}`;
        }
      }
    }
  };
  check(0);
  for (let t = 1; t <= c.steps; t++) {
    try {
      optimizer.step();
      if (c.metrics) scheduler.step(c.metrics[t - 1]);
      else if (c.stepArgs) scheduler.step(c.stepArgs[t - 1]);
      else scheduler.step();
    } catch (e) {
      return { ok: false, why: `step ${t} threw ${e && e.name}: ${e && e.message}` };
    }
    check(t);
  }
  return {
    ok: worst <= 1,
    used: worst,
    why:
      worst <= 1 ? "" : `tolerance exceeded ${worst === Infinity ? "(NaN or missing value)" : worst.toExponential(2) + "x"} at ${worstAt}`,
  };
}

let passed = 0,
  failed = 0;
const missing = new Map(); // "no export named X" -> cases
for (const f of caseFiles) {
  const c = JSON.parse(readFileSync(join(goldenDir, f), "utf8"));
  if (only && !only.has(c.scheduler.name)) continue;
  let r;
  try {
    r = runCase(c);
  } catch (e) {
    r = { ok: false, why: `threw ${e && e.name}: ${e && e.message}` };
  }
  if (r.missing && !strict) {
    missing.set(r.why, (missing.get(r.why) || 0) + 1);
    continue;
  }
  if (r.ok) passed++;
  else failed++;
  if (!r.ok || verbose)
    console.log(
      `${r.ok ? "PASS" : "FAIL"} ${c.id} (${c.scheduler.name}, ${c.optimizer.name}, ${c.optimizer.paramGroups.length} group${c.optimizer.paramGroups.length > 1 ? "s" : ""})${r.ok ? ` uses ${(100 * r.used).toFixed(1)}% of tolerance` : ": " + r.why}`,
    );
}
for (const [why, n] of [...missing].sort()) console.log(`not implemented (${why}): ${n} case${n > 1 ? "s" : ""} not run`);
console.log(
  `schedulers: ${passed} passed, ${failed} failed${missing.size ? `, ${[...missing.values()].reduce((a, b) => a + b, 0)} not implemented` : ""}`,
);
process.exit(failed ? 1 : 0);
