#!/usr/bin/env node
// @ts-check
// The long checkpoint fuzz (issue 11): mutated real checkpoints (saveState bytes and stateDict
// JSON of several optimizers with schedulers and wrappers attached) loaded into twins of their
// optimizers, through the built package (dist/). The mutations and the property are those of
// `npm test`'s short run (test/helpers/checkpoint-fuzz.mjs); this runs more of them.
//
// Usage: npm run fuzz -- [seed] [runs]   (default: seed from the clock, printed; 10,000 runs)
// Exits 1 with the failures (and the seed to replay them) when a mutation is not refused
// cleanly or loads a state that is not whole.
import { existsSync } from "node:fs";
import fc from "fast-check";
import { fuzzCheckpoints } from "../test/helpers/checkpoint-fuzz.mjs";

const entry = new URL("../dist/index.js", import.meta.url);
if (!existsSync(entry)) throw new Error("dist/index.js is missing: run `npm run build` first (npm run fuzz does)");
const api = await import(entry.href);

const seed = process.argv[2] === undefined ? Date.now() % 2 ** 31 : Number(process.argv[2]);
const runs = process.argv[3] === undefined ? 10_000 : Number(process.argv[3]);
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(runs) || runs < 1) {
  throw new Error(`usage: node scripts/fuzz-checkpoints.mjs [seed] [runs] (integers), got ${process.argv.slice(2).join(" ")}`);
}
const r = fuzzCheckpoints(api, fc, { runs, seed });
const heapMB = (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0);
console.log(
  `checkpoint fuzz: seed ${seed}, ${r.runs} runs in ${(r.ms / 1000).toFixed(1)} s: ${r.loads} loaded whole, ${r.refusals} refused, ` +
    `${r.failures.length} failures; slowest load ${r.maxMs.toFixed(1)} ms; heap ${heapMB} MB (node ${process.version})`,
);
for (const f of r.failures) console.log(`  FAIL ${f}`);
process.exitCode = r.failures.length === 0 ? 0 : 1;
