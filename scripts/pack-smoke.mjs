#!/usr/bin/env node
// @ts-check
// The package as a user gets it, two ways:
// 1. `npm pack` this checkout (prepack builds it): the tarball must hold every file its
//    package.json points at and every chunk its JavaScript imports, and its entry must import no
//    Node built-in (it runs in browsers too). Installed into an empty project in a temporary
//    folder, "wasm-optim" is imported there, both as ESM and through require(), for one Adam step
//    (require() of an ES module fails on a top-level await, and must print no warning). The edge
//    build (dist/edge.js and the dist/wasm-optim.wasm it imports) must be packed too.
// 2. A fresh `git clone` of this repository's HEAD (committed work only: no dist/, no
//    node_modules), installed as a folder into another empty project (`npm install
//    /path/to/clone`: `prepare` builds it), then imported the same way. Skipped with --no-clone, or when this is not a git checkout.
// The step is checked against the closed form of Adam's first step from zero state:
// p1 = p0 - lr * sign(g) (up to eps), so a package that imports but computes nonsense fails too.
// Also fails if the tarball ships demo code.
//
// Usage: node scripts/pack-smoke.mjs [--no-clone] [--no-build]   (from the repository root; used by .ci/run)
//   --no-build   pack the dist/ that is there (npm pack --ignore-scripts: no prepack build), for CI,
//                where `npm test` has just built it
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const dir = mkdtempSync(join(tmpdir(), "wasm-optim-pack-"));
const noBuild = process.argv.includes("--no-build");

/**
 * Runs a command, echoing it, and returns its standard output.
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} cwd
 */
function run(cmd, args, cwd) {
  console.log(`$ ${cmd} ${args.join(" ")}   (in ${cwd})`);
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

const STEP = `
  const p = Param.from(new Float32Array([1, -2, 3]));
  p.grad.set([0.5, -0.25, 4]);
  const opt = new Adam([p], { lr: 0.1 });
  opt.step();
  const want = [0.9, -1.9, 2.9];
  const got = Array.from(p.data);
  if (!got.every((v, i) => Math.abs(v - want[i]) < 1e-6)) throw new Error("Adam's first step gave " + got + ", expected " + want);
  console.log(kind + ": one Adam step ok:", got.map((v) => v.toFixed(6)).join(", "));`;

/**
 * Makes an empty project in `app`, installs `what` into it, and takes the step through import
 * and through require(); require must print nothing on stderr (no experimental warning).
 * @param {string} app
 * @param {string} what  a tarball or a folder
 * @param {string[]} flags  for npm install
 */
function installAndStep(app, what, flags) {
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "smoke", private: true, type: "module" }));
  run(npm, ["install", "--no-audit", "--no-fund", ...flags, what], app);
  writeFileSync(join(app, "esm.mjs"), `import { Adam, Param } from "wasm-optim";\nconst kind = "import";${STEP}\n`);
  writeFileSync(join(app, "cjs.cjs"), `const { Adam, Param } = require("wasm-optim");\nconst kind = "require";${STEP}\n`);
  process.stdout.write(run(process.execPath, ["esm.mjs"], app));
  const cjs = spawnSync(process.execPath, ["cjs.cjs"], { cwd: app, encoding: "utf8" });
  process.stdout.write(cjs.stdout);
  if (cjs.status !== 0 || cjs.stderr !== "") throw new Error(`require("wasm-optim") failed or warned:\n${cjs.stderr}`);
}

/**
 * The relative modules a packed JavaScript file imports (static and dynamic), as package paths.
 * @param {string} file  package path of the file
 * @param {string} text
 */
function relativeImports(file, text) {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1] ?? "");
  return specifiers.map((s) => posix.join(posix.dirname(file), s));
}

try {
  // prepack's build prints to the same stdout as --json: the report is the last JSON array.
  if (noBuild && !existsSync(join(root, "dist/index.js"))) throw new Error("--no-build: there is no dist/index.js (npm run build)");
  const out = run(npm, ["pack", "--json", "--pack-destination", dir, ...(noBuild ? ["--ignore-scripts"] : [])], root);
  const at = out.search(/^\[\s*\{/m);
  if (at < 0) throw new Error(`npm pack printed no JSON report:\n${out}`);
  const packed = /** @type {{ filename: string; size: number; unpackedSize: number; files: { path: string }[] }[]} */ (
    JSON.parse(out.slice(at))
  );
  const info = packed[0];
  if (!info) throw new Error("npm pack reported no tarball");
  const files = info.files.map((f) => f.path);
  console.log(`${info.filename}: ${files.length} files`);
  if (!files.includes("dist/index.js") || !files.includes("dist/index.d.ts"))
    throw new Error("the tarball has no dist/index.js or dist/index.d.ts");
  // the edge build (the "workerd" / "edge-light" export) imports its wasm module as a file
  if (!files.includes("dist/edge.js") || !files.includes("dist/wasm-optim.wasm"))
    throw new Error("the tarball has no dist/edge.js or dist/wasm-optim.wasm (the edge build)");
  // (minified: `from"./wasm-optim.wasm"`)
  if (!/from\s*"\.\/wasm-optim\.wasm"/.test(readFileSync(join(root, "dist/edge.js"), "utf8")))
    throw new Error("dist/edge.js does not import ./wasm-optim.wasm");
  const demo = files.filter((f) => /(^|\/)demo(\/|\.)/.test(f));
  if (demo.length > 0) throw new Error(`the tarball ships demo code: ${demo.join(", ")}`);

  // everything package.json points at, and every module the packed JavaScript imports, is packed
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  // the files the exports map points at (its values; its keys are subpaths such as "./unsafe")
  /** @type {(v: unknown) => string[]} */
  const targetsOf = (v) => (typeof v === "string" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(targetsOf) : []);
  const exportTargets = targetsOf(pkg.exports ?? {});
  const pointed = [pkg.main, pkg.types, ...Object.values(pkg.bin ?? {}), ...exportTargets]
    .filter((x) => typeof x === "string")
    .map((x) => posix.normalize(x));
  const imported = files
    .filter((f) => f.startsWith("dist/") && f.endsWith(".js"))
    .flatMap((f) => relativeImports(f, readFileSync(join(root, f), "utf8")));
  const missing = [...new Set([...pointed, ...imported])].filter((f) => !files.includes(f));
  if (missing.length > 0) throw new Error(`the tarball lacks ${missing.join(", ")}`);
  const entry = readFileSync(join(root, "dist/index.js"), "utf8");
  const builtins = [...entry.matchAll(/^import[^;]*?from\s*["'](node:[^"']+)["']/gm)].map((m) => m[1]);
  if (builtins.length > 0) throw new Error(`dist/index.js imports Node built-ins statically: ${builtins.join(", ")}`);
  console.log(
    `tarball ${info.filename}: ${(info.size / 1024).toFixed(1)} KiB packed, ${(info.unpackedSize / 1024).toFixed(1)} KiB unpacked`,
  );

  installAndStep(join(dir, "app"), join(dir, info.filename), ["--ignore-scripts"]);

  if (process.argv.includes("--no-clone")) console.log("fresh clone: skipped (--no-clone)");
  else if (!existsSync(join(root, ".git"))) console.log("fresh clone: skipped (not a git checkout)");
  else {
    const clone = join(dir, "clone");
    run("git", ["clone", "--quiet", "--no-hardlinks", root, clone], dir);
    installAndStep(join(dir, "clone-app"), clone, []);
    const listed = run(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], clone);
    const report = /** @type {{ files: { path: string }[] }[]} */ (JSON.parse(listed.slice(listed.search(/^\[\s*\{/m))));
    if (!report[0]?.files.some((f) => f.path === "dist/index.js")) throw new Error("npm pack in the built clone lists no dist/index.js");
    console.log(`fresh clone: installed as a folder, built by prepare, imported; npm pack lists ${report[0].files.length} files`);
  }
  console.log("pack smoke test: ok");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
