#!/usr/bin/env node
// `prepare`: makes a checkout an installable package by building dist/ when it is missing.
// npm runs it after `npm ci` / `npm install` in a clone, for a git dependency (after installing
// the clone's devDependencies), and for a folder dependency (`npm install /path/to/clone`). In
// that last case npm links the folder and installs none of its devDependencies, so the build
// tools (assemblyscript, typescript, rolldown) are missing: this installs them into the
// folder first, from its package-lock.json, with scripts off (so this script is not re-entered).
// A checkout that already has dist/index.js is left alone (`npm run build` rebuilds it).
// `npm run lint` and `npm run typecheck` run it first too: the tests, examples and benchmarks
// import dist/ and the generated sources, so on a checkout never built both would report errors.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
if (existsSync(resolve(root, "dist/index.js"))) process.exit(0);

const require = createRequire(resolve(root, "package.json"));
const hasBuildTools = ["assemblyscript/package.json", "typescript/package.json", "rolldown/package.json"].every((m) => {
  try {
    return require.resolve(m) !== "";
  } catch {
    return false;
  }
});

/** Runs npm (the one running this script when there is one) in the package's folder. */
function npm(args, env = process.env) {
  const cli = process.env.npm_execpath;
  const [cmd, argv] = cli && cli.endsWith(".js") ? [process.execPath, [cli, ...args]] : ["npm", args];
  console.log(`wasm-optim prepare: npm ${args.join(" ")}`);
  execFileSync(cmd, argv, { cwd: root, stdio: "inherit", env, shell: process.platform === "win32" && cmd === "npm" });
}

if (!hasBuildTools) {
  // The parent install's settings must not leak in: not global, not without devDependencies.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^npm_config_(global|location|prefix|omit|include|production|only|install_links)$/i.test(k),
    ),
  );
  const install = existsSync(resolve(root, "package-lock.json")) ? "ci" : "install";
  npm([install, "--include=dev", "--ignore-scripts", "--no-audit", "--no-fund"], env);
}
npm(["run", "build"]);
