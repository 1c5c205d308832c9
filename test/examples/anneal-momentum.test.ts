// examples/anneal-momentum.mjs runs (on dist/), anneals the momentum to 0.9 by step 300 and
// reports the resumed run identical to the straight one.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

it("examples/anneal-momentum.mjs", () => {
  const out = execFileSync(process.execPath, [join(import.meta.dirname, "..", "..", "examples", "anneal-momentum.mjs")], {
    encoding: "utf8",
  });
  expect(out).toMatch(/step {3}0 .*momentum 0\.501/);
  expect(out).toMatch(/step 299 .*momentum 0\.900/);
  expect(out).toMatch(/resumed run identical to the straight run: true/);
});
