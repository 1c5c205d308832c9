// The README's "Ten lines" example runs as printed (against the built package) and does
// what it says: 100 Adam steps on f = sum(w^2) move every weight from 0.1 toward 0.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

it("the README's ten-line example runs and prints a weight well on its way from 0.1 to 0", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Ten lines"));
  const code = /```js\n([\s\S]*?)```/.exec(section)![1]!;
  expect(code.split("\n").filter((l) => l.trim()).length).toBeLessThanOrEqual(10);
  const dir = mkdtempSync(join(tmpdir(), "wasm-optim-readme-"));
  try {
    const file = join(dir, "example.mjs");
    writeFileSync(file, code.replace('"wasm-optim"', JSON.stringify(pathToFileURL(join(root, "dist", "index.js")).href)));
    const out = Number(execFileSync(process.execPath, [file], { encoding: "utf8" }).trim());
    // Adam moves a weight by at most about lr = 1e-3 a step, less as m/sqrt(v) shrinks with
    // the gradient 2w: after 100 steps it has come most of the way from 0.1, not past 0
    expect(out).toBeGreaterThan(0);
    expect(out).toBeLessThan(0.05);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
