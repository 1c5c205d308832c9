#!/usr/bin/env node
// @ts-check
// Cold start: process start to the first finished Adam step on 1,000 float32 params, wasm-optim
// against a bare ES module that does the same step in plain JavaScript. Each round starts one
// process of each, alternating which goes first; the table gives the median over the rounds of
//   wall     the parent's clock around the whole child process (spawn to exit)
//   to step  the child's own performance.now() when the step has finished (ms since its time origin)
//   cpu      the child's CPU time (user + system, all its threads) at that point: on a machine shared
//            with other work, where waiting for a core inflates the clocks, this moves least
// and their difference, wasm-optim minus plain JS. The breakdown says where the difference goes:
//   import   the package's module loaded and evaluated (the child's clock at the top of its
//            script, after the static import, minus plain JS's at the same point)
//   decode / compile / instantiate   the embedded wasm alone, timed in another fresh process
//   step     Param + Adam construction + the first step, after the import
// Both children print a checksum of the stepped params; the run fails if they disagree.
//
// Usage: npm run build && node bench/cold-start.mjs [--rounds 20] [--entry PATH] [--before PATH] [--json]
//   --entry   the module to import (default dist/index.js; e.g. another build's dist/index.js to compare)
//   --before  another build's dist/index.js, run in the same rounds (the order of the three children
//             alternates): the table adds it, and its paired difference from --entry, the A/B of a change
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
/** @param {string} name @param {string} fallback */
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return args[i + 1] !== undefined && i >= 0 ? /** @type {string} */ (args[i + 1]) : fallback;
};
const rounds = Number(option("--rounds", "20"));
const json = args.includes("--json");
const root = resolve(import.meta.dirname, "..");
const entry = resolve(option("--entry", join(root, "dist/index.js")));
if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
const beforeArg = option("--before", "");
const before = beforeArg ? resolve(beforeArg) : null;
if (before && !existsSync(before)) throw new Error(`${before} is missing`);

// The same step in both: torch's Adam, defaults but lr 1e-3, t = 1, from zero state.
const FILL = `for (let i = 0; i < n; i++) { p[i] = Math.sin(i); g[i] = Math.cos(i); }`;
const REPORT = `const done = performance.now(), used = process.cpuUsage(); let sum = 0; for (let i = 0; i < n; i++) sum += p[i];
console.log(JSON.stringify({ start, done, cpu: (used.user + used.system) / 1000, sum }));`;
const PLAIN = `const start = performance.now();
const n = 1000;
const p = new Float32Array(n), g = new Float32Array(n), m = new Float32Array(n), v = new Float32Array(n);
${FILL}
const lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, t = 1;
const stepSize = lr / (1 - beta1 ** t), bc2sqrt = Math.sqrt(1 - beta2 ** t);
for (let i = 0; i < n; i++) {
  m[i] = beta1 * m[i] + (1 - beta1) * g[i];
  v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
  p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2sqrt + eps);
}
${REPORT}`;
/** The child that imports the package at `file` and takes the step. @param {string} file */
const wasmChild = (file) => `import { Adam, Param } from ${JSON.stringify(pathToFileURL(file).href)};
const start = performance.now();
const n = 1000;
const param = new Param(n), p = param.data, g = param.grad;
${FILL}
new Adam([param], { lr: 1e-3 }).step();
${REPORT}`;
const entryUrl = pathToFileURL(entry).href;
const PARTS = `import { readdirSync, readFileSync } from "node:fs";
// in one of the bundle's chunks beside the entry, or (an unbundled tsc build) in runtime/wasm-binary.js
const dir = new URL(".", ${JSON.stringify(entryUrl)});
const find = (file) => /["'\\x60](AGFzbQ[A-Za-z0-9+/=]+)["'\\x60]/.exec(readFileSync(new URL(file, dir), "utf8"))?.[1];
const files = [...readdirSync(dir).filter((f) => f.endsWith(".js")), "runtime/wasm-binary.js"];
const b64 = files.map((f) => { try { return find(f); } catch { return undefined; } }).find(Boolean);
if (!b64) throw new Error("no embedded wasm (base64) in ${entry}");
const t0 = performance.now();
const bytes = Buffer.from(b64, "base64");
const t1 = performance.now();
const module = new WebAssembly.Module(bytes);
const t2 = performance.now();
const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
new WebAssembly.Instance(module, { env: { memory } });
const t3 = performance.now();
console.log(JSON.stringify({ decode: t1 - t0, compile: t2 - t1, instantiate: t3 - t2 }));`;

const dir = mkdtempSync(join(tmpdir(), "wasm-optim-cold-"));
const scripts = { plain: PLAIN, wasm: wasmChild(entry), parts: PARTS, ...(before ? { before: wasmChild(before) } : {}) };
for (const [name, text] of Object.entries(scripts)) writeFileSync(join(dir, `${name}.mjs`), text);

/**
 * @typedef {{ wall: number; start: number; done: number; cpu: number; sum: number; decode: number; compile: number; instantiate: number }} Sample
 * @param {string} name
 * @returns {Sample}
 */
function run(name) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(dir, `${name}.mjs`)], { encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${name}.mjs failed:\n${r.stderr}`);
  return { wall, ...JSON.parse(r.stdout) };
}
/** @param {number[]} xs */
const median = (xs) => {
  const s = Float64Array.from(xs).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

try {
  (run("plain"), run("wasm")); // warm the file system cache
  /** @type {Sample[]} */ const plain = [];
  /** @type {Sample[]} */ const wasm = [];
  /** @type {Sample[]} */ const parts = [];
  /** @type {Sample[]} */ const old = [];
  /** @type {Record<string, Sample[]>} */ const samples = { plain, wasm, before: old };
  const order = before ? ["plain", "before", "wasm"] : ["plain", "wasm"];
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? [...order].reverse() : order) samples[name]?.push(run(name));
    parts.push(run("parts"));
    if (!json) process.stderr.write(`\rround ${r + 1}/${rounds}`);
  }
  if (!json) process.stderr.write("\n");
  const sums = new Set([...plain, ...wasm, ...old].map((x) => x.sum.toPrecision(5)));
  if (sums.size !== 1) throw new Error(`the two steps disagree: checksums ${[...sums].join(", ")}`);
  /** The median over rounds of f(sample) @param {Sample[]} xs @param {(x: Sample) => number} f */
  const med = (xs, f) => median(xs.map(f));
  /** The median over rounds of `xs` minus `ys`, each round's pair @param {(x: Sample) => number} f */
  const pairedOf = (/** @type {Sample[]} */ xs, /** @type {Sample[]} */ ys, f) =>
    median(xs.map((x, i) => f(x) - f(/** @type {Sample} */ (ys[i]))));
  /** wasm minus plain JS @param {(x: Sample) => number} f */
  const paired = (f) => pairedOf(wasm, plain, f);
  const row3 = (/** @type {Sample[]} */ xs) => ({
    wall: med(xs, (x) => x.wall),
    toStep: med(xs, (x) => x.done),
    cpu: med(xs, (x) => x.cpu),
  });
  const result = {
    entry,
    rounds,
    node: process.version,
    cpu: `${cpus().length} x ${cpus()[0]?.model}`,
    plain: row3(plain),
    wasm: row3(wasm),
    over: { wall: paired((x) => x.wall), toStep: paired((x) => x.done), cpu: paired((x) => x.cpu) },
    ...(before
      ? {
          before: { entry: before, ...row3(old), import: pairedOf(old, plain, (x) => x.start) },
          // this build minus the one before, each round's pair (negative: this one is faster)
          change: {
            wall: pairedOf(wasm, old, (x) => x.wall),
            toStep: pairedOf(wasm, old, (x) => x.done),
            cpu: pairedOf(wasm, old, (x) => x.cpu),
            import: pairedOf(wasm, old, (x) => x.start),
          },
        }
      : {}),
    breakdown: {
      import: paired((x) => x.start),
      decode: med(parts, (x) => x.decode),
      compile: med(parts, (x) => x.compile),
      instantiate: med(parts, (x) => x.instantiate),
      step: med(wasm, (x) => x.done - x.start),
      plainStep: med(plain, (x) => x.done - x.start),
    },
  };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const f = (/** @type {number} */ x) => x.toFixed(2).padStart(7);
    const b = result.breakdown;
    console.log(`cold start, median of ${rounds} interleaved rounds (${result.node}, ${result.cpu})`);
    console.log(`entry: ${entry}${before ? `\nbefore: ${before}` : ""}\n`);
    console.log(`                     wall ms   to step ms   cpu ms`);
    const row = (/** @type {string} */ label, /** @type {{ wall: number; toStep: number; cpu: number }} */ x) =>
      console.log(`${label.padEnd(20)}${f(x.wall)}      ${f(x.toStep)}  ${f(x.cpu)}`);
    row("plain JS", result.plain);
    row("wasm-optim", result.wasm);
    row("difference (paired)", result.over);
    if (result.before && result.change) {
      row("before", result.before);
      row("before - plain JS", {
        wall: pairedOf(old, plain, (x) => x.wall),
        toStep: pairedOf(old, plain, (x) => x.done),
        cpu: pairedOf(old, plain, (x) => x.cpu),
      });
      row("entry - before", result.change);
    }
    console.log();
    console.log(`where the difference goes (ms):`);
    console.log(`  import (load + evaluate the package)   ${f(b.import)}`);
    console.log(`    of which wasm base64 decode          ${f(b.decode)}`);
    console.log(`    of which wasm compile                ${f(b.compile)}`);
    console.log(`    of which wasm instantiate            ${f(b.instantiate)}`);
    console.log(`    the rest: JS parse + evaluate        ${f(b.import - b.decode - b.compile - b.instantiate)}`);
    console.log(`  Param + Adam + first step              ${f(b.step)}   (plain JS: ${b.plainStep.toFixed(2)})`);
    if (result.before && result.change)
      console.log(
        `  import, entry - before (paired)        ${f(result.change.import)}   (before - plain JS: ${result.before.import.toFixed(2)})`,
      );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
