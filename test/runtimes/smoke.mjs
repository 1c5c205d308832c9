// @ts-check
// The smoke test as a user's script: imports the package by its name (resolved through its
// exports map by each runtime: node_modules/wasm-optim, i.e. this checkout's dist/), runs the
// scenario and prints its result as JSON; with --threads, the threaded scenario instead. Run by
// Node, Deno and Bun (test/runtimes/runtimes.test.ts).
import * as wasmOptim from "wasm-optim";
import * as unsafe from "wasm-optim/unsafe";
import { scenario, threadedScenario } from "./scenario.mjs";

const threads = (globalThis.process?.argv ?? []).includes("--threads");
console.log(JSON.stringify(threads ? await threadedScenario(wasmOptim, unsafe) : scenario(wasmOptim)));
