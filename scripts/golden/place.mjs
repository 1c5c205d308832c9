#!/usr/bin/env node
// Places a flat output of generate.py (OUTDIR/<id>.json + OUTDIR/index.json) into this
// repository's layout: L-BFGS cases in test/fixtures/lbfgs/, the others in
// test/fixtures/optimizers/, and test/fixtures/index.json with "file" relative to test/fixtures.
// After `generate.py --only ...`, OUTDIR holds only the regenerated cases: the others are
// left as they are.
//
//   node scripts/golden/place.mjs OUTDIR [FIXTURES]   (FIXTURES defaults to test/fixtures)
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const [from, to = join(import.meta.dirname, "..", "..", "test", "fixtures")] = process.argv.slice(2);
if (!from) throw new Error("usage: node scripts/golden/place.mjs OUTDIR [FIXTURES]");
const index = JSON.parse(readFileSync(join(from, "index.json"), "utf8"));
let placed = 0;
for (const c of index.cases) {
  const folder = c.optimizer === "LBFGS" ? "lbfgs" : "optimizers";
  if (existsSync(join(from, c.file))) {
    mkdirSync(join(to, folder), { recursive: true });
    copyFileSync(join(from, c.file), join(to, folder, c.file));
    placed++;
  }
  c.file = `${folder}/${c.file}`;
}
// rewrite the "file" entries in the generator's own text (its number formatting kept)
const folderOf = new Map(index.cases.map((c) => [c.file.slice(c.file.indexOf("/") + 1), c.file]));
const text = readFileSync(join(from, "index.json"), "utf8").replace(/"file": "([^"]+)"/g, (_, f) => `"file": "${folderOf.get(f)}"`);
writeFileSync(join(resolve(to), "index.json"), text);
console.log(`placed ${placed} of ${index.cases.length} cases in ${to}`);
