#!/usr/bin/env node
// The demo package's own command: `wasm-optim-demo [--out DIR] ...` (same as `wasm-optim demo ...`).
import { main } from "../dist/cli.js";

// `wasm-optim-demo | head` closes stdout early: stop quietly, as other command-line tools do
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
process.exitCode = main(process.argv.slice(2));
