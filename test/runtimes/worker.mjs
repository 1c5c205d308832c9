// @ts-check
// The Cloudflare Worker of the workerd smoke test (test/runtimes/runtimes.test.ts): imports the
// package by its name (in workerd's module registry, the file the package's "workerd" export
// points at, with the .wasm module beside it) and prints the scenario's result from workerd's
// `test` handler, which `workerd test` calls once.
import * as wasmOptim from "wasm-optim";
import { scenario } from "./scenario.mjs";

export default {
  test() {
    console.log(JSON.stringify(scenario(wasmOptim)));
  },
};
