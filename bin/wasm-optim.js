#!/usr/bin/env node
// wasm-optim command line: --version, --help, `demo` (runs the wasm-optim-demo package when it
// is installed beside the library, as in the repository) and `bench` (runs the optimizer
// benchmark when the bench/ folder is there, as in the repository). Neither ships in the
// published package; both say how to get them when they are missing.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);
const { version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));

const GET_IT = "from a clone of the wasm-optim repository: npm ci && npm run";

const USAGE = `usage: wasm-optim <command> [options]

commands:
  demo [options]    every optimizer racing on classic surfaces and training an MLP on Iris,
                    written as SVG pictures (the wasm-optim-demo package)
  bench [options]   one step of Adam, AdamW, SGD with momentum and RMSprop against plain
                    JavaScript, TF.js, C and torch, float32, 1e3 to 1e7 elements
                    (bench/optimizers.bench.mjs)

options:
  -h, --help        this text; \`wasm-optim <command> --help\` for a command's options
  -v, --version     the version of wasm-optim (${version})`;

const DEMO_MISSING = `The demo is not part of the published wasm-optim package (it is its own package,
wasm-optim-demo, in the repository's demo/ folder). To run it, ${GET_IT} demo`;

const BENCH_USAGE = `usage: wasm-optim bench [--quick] [--sizes N,N,...] [--rounds R] [--kernels]
                       [--no-peers] [--json]

  one optimizer step (float32) of Adam, AdamW, SGD with momentum and RMSprop: wasm-optim,
  the plain-JavaScript loop, TF.js (wasm and cpu backends, installed into bench/peers on
  first use), the same loop in C (gcc) and torch (python3-torch), when present; prints ns
  per element, the ratios and the effective GB/s beside the in-place-update bandwidth

  --quick         sizes 1e3,1e5,1e6, fewer rounds (under 30 s)
  --sizes N,...   element counts (default 1e3,1e4,1e5,1e6,1e7)
  --rounds R      interleaved batches per size, the fastest taken (default 5; quick 3)
  --kernels       also the kernels against their limits (bench/kernels.bench.mjs)
  --no-peers      skip TF.js and torch
  --json          one JSON object on stdout instead of the table
  -h, --help      this text`;

const BENCH_MISSING = `The benchmark is not part of the published wasm-optim package. To run it,
${GET_IT} bench`;

const out = (s) => process.stdout.write(`${s}\n`);
/** Exits 2 with the message and the usage on stderr (bad command line). */
function usageError(message, usage = USAGE) {
  process.stderr.write(`wasm-optim: ${message}\n\n${usage}\n`);
  process.exit(2);
}
/** Exits 1 with the message on stderr (the command cannot run here). */
function unavailable(message) {
  process.stderr.write(`wasm-optim: ${message}\n`);
  process.exit(1);
}

// `wasm-optim ... | head` closes stdout early: stop quietly, as other command-line tools do
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

const [command, ...rest] = process.argv.slice(2);
const wantsHelp = rest.includes("--help") || rest.includes("-h");

switch (command) {
  case "-v":
  case "--version":
    out(version);
    break;
  case "-h":
  case "--help":
  case "help":
    out(USAGE);
    break;
  case "demo":
    await demo();
    break;
  case "bench":
    bench();
    break;
  case undefined:
    usageError("no command given");
    break;
  default:
    usageError(`unknown command: ${command}`);
}

/** Where the wasm-optim-demo package is (a directory URL), or null when it is not installed. */
function findDemo() {
  try {
    return new URL("./", import.meta.resolve("wasm-optim-demo/package.json"));
  } catch (e) {
    if (e?.code === "ERR_MODULE_NOT_FOUND" || e?.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return null;
    throw e;
  }
}

async function demo() {
  const dir = findDemo();
  if (!dir) {
    if (wantsHelp) return out(`usage: wasm-optim demo [options]\n\n${DEMO_MISSING}`);
    unavailable(DEMO_MISSING);
  }
  if (!existsSync(new URL("dist/cli.js", dir))) {
    unavailable(
      `the demo package in ${fileURLToPath(dir)} is not built: run \`npm run demo\` in the repository (it builds the library and the demo)`,
    );
  }
  const { main } = await import("wasm-optim-demo/cli");
  process.exitCode = main(rest);
}

function bench() {
  const script = new URL("bench/optimizers.bench.mjs", root);
  if (wantsHelp) return out(existsSync(script) ? BENCH_USAGE : `${BENCH_USAGE}\n\n${BENCH_MISSING}`);
  if (!existsSync(script)) unavailable(BENCH_MISSING);
  if (!existsSync(new URL("dist/index.js", root)))
    unavailable("dist/ is missing: run `npm run build` first (or `npm run bench`, which builds)");
  const run = spawnSync(process.execPath, [fileURLToPath(script), ...rest], { stdio: "inherit" });
  process.exitCode = run.status ?? 1;
}
