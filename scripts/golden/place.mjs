#!/usr/bin/env node
// Places a flat output of generate.py (OUTDIR/<id>.json + OUTDIR/index.json) into this
// repository's layout: L-BFGS cases in test/fixtures/lbfgs/, the others in
// test/fixtures/optimizers/, and test/fixtures/index.json with "file" relative to test/fixtures.
//
//   node scripts/golden/place.mjs OUTDIR [FIXTURES]   (FIXTURES defaults to test/fixtures)
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const [from, to = join(import.meta.dirname, "..", "..", "test", "fixtures")] = process.argv.slice(2);
if (!from) throw new Error("usage: node scripts/golden/place.mjs OUTDIR [FIXTURES]");
const index = JSON.parse(readFileSync(join(from, "index.json"), "utf8"));
for (const c of index.cases) {
  const folder = c.optimizer === "LBFGS" ? "lbfgs" : "optimizers";
  mkdirSync(join(to, folder), { recursive: true });
  copyFileSync(join(from, c.file), join(to, folder, c.file));
  c.file = `${folder}/${c.file}`;
}
writeFileSync(join(resolve(to), "index.json"), JSON.stringify(index, null, 1) + "\n");
console.log(`placed ${index.cases.length} cases in ${to}`);
