// examples/tfjs-iris.mjs runs (on dist/): model.fit on Iris with tf.train.adam and with the
// adapter, the same losses to float32 rounding and a falling loss.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

it("examples/tfjs-iris.mjs", () => {
  const out = execFileSync(process.execPath, [join(import.meta.dirname, "..", "..", "examples", "tfjs-iris.mjs"), "10"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"], // TF.js's advice to install tfjs-node goes to stderr
  });
  const final = /final loss: tf\.train\.adam ([\d.]+), wasm-optim\/tfjs ([\d.]+)/.exec(out);
  const first = /wasm-optim\/tfjs adam +epoch +1 +loss ([\d.]+)/.exec(out);
  expect(final).not.toBeNull();
  expect(Math.abs(Number(final![1]) - Number(final![2]))).toBeLessThan(1e-5);
  expect(Number(final![2])).toBeLessThan(Number(first![1]) / 2);
  expect(out).toMatch(/time per epoch \(median, 19 steps of 8\): tf\.train\.adam [\d.]+ ms, wasm-optim\/tfjs [\d.]+ ms/);
}, 120_000);
