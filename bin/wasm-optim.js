#!/usr/bin/env node
// wasm-optim command line: `wasm-optim demo [--out DIR] [--steps N] [--epochs N] [--animate SURFACE,...]`
// runs the compiled demo (dist/demo/main.js).
import { parseArgs } from "node:util";

const usage = `usage: wasm-optim demo [--out DIR] [--steps N] [--epochs N] [--animate SURFACE,...]

  demo        race every optimizer on the classic surfaces and train an MLP on Iris;
              writes SVGs, index.html and README.md into DIR (default ./demo-out)
  --steps N   race length on every surface (default: each surface's own, 150-3000)
  --epochs N  Iris training epochs (default 150)
  --animate   the surfaces whose race is animated, comma-separated, of
              ravine, saddle, beale, rosenbrock (default beale,saddle)`;

function fail(message) {
  process.stderr.write(`wasm-optim: ${message}\n\n${usage}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: { out: { type: "string" }, steps: { type: "string" }, epochs: { type: "string" }, animate: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
} catch (e) {
  fail(e.message);
}
const { positionals, values } = args;
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (positionals.length !== 1 || positionals[0] !== "demo") fail(positionals.length ? `unknown command: ${positionals.join(" ")}` : "no command given");

const count = (name) => {
  const v = values[name];
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) fail(`--${name} must be a positive integer, not ${JSON.stringify(v)}`);
  return Number(v);
};

// `wasm-optim demo | head` closes stdout early: stop quietly, as other command-line tools do
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

let demo;
try {
  demo = await import("../dist/demo/main.js");
} catch (e) {
  if (e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
  fail("dist/ is missing: run `npm run build` first (or `npm run demo`, which builds)");
}
try {
  demo.runDemo({ out: values.out, steps: count("steps"), epochs: count("epochs"), animate: values.animate?.split(",") });
} catch (e) {
  if (e?.name !== "InvalidOptionError") throw e;
  fail(e.message);
}
