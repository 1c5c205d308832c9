// examples/bounded-fit.mjs runs (on dist/): unconstrained, the background c comes out
// negative; with c >= 0 it ends exactly on the bound, reported by activeBounds.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

it("examples/bounded-fit.mjs", () => {
  const out = execFileSync(process.execPath, [join(import.meta.dirname, "..", "..", "examples", "bounded-fit.mjs")], { encoding: "utf8" });
  const c = (label: string) => Number(new RegExp(`^${label}: .* c (-?[0-9.]+) `, "m").exec(out)![1]);
  const loss = (label: string) => Number(new RegExp(`^${label}: .* loss ([0-9.]+) `, "m").exec(out)![1]);
  expect(c("unbounded")).toBeLessThan(0);
  expect(c("bounded")).toBe(0);
  expect(out).toMatch(/^bounded: {3}.*\(gradTol, /m);
  expect(loss("bounded")).toBeGreaterThan(loss("unbounded"));
  expect(out).toMatch(/active bounds: \[0, 0, -1\]/);
});
