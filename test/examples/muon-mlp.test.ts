// examples/muon-mlp.mjs runs (on dist/): Muon on the hidden matrices and AdamW on the rest
// fit the regression, the loss falling by more than 50x in 200 steps.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

it("examples/muon-mlp.mjs", () => {
  const out = execFileSync(process.execPath, [join(import.meta.dirname, "..", "..", "examples", "muon-mlp.mjs")], { encoding: "utf8" });
  const ratio = Number(/step 200 {2}loss [\d.]+ \(from [\d.]+: ([\d.]+)x lower\)/.exec(out)?.[1]);
  expect(ratio).toBeGreaterThan(50);
  expect(out).toMatch(/Muon: 2 hidden matrices \[32x32, 32x32\]; AdamW: 6 other params/);
}, 120_000);
