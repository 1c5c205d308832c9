// The adapter computes what TF.js's own optimizers compute when configured to the same rule:
// the same MLP, initial weights and 200 batches, trained with tf.train.{sgd, momentum, adam}
// and with wasm-optim/tfjs's sgd / adam; losses and weights agree: bit for bit for sgd and momentum (the
// same float32 operations in the same order), to float32 rounding for adam (measured: losses
// 4e-6, weights 1e-6 apart after 200 steps: TF.js keeps beta^t as a float32 running product).
// TF.js 4.22's adam is PyTorch's Adam (m̂ / (sqrt(v̂) + eps), both bias-corrected), with eps
// 1e-7 by default where torch has 1e-8: both are given eps = 1e-8 (docs/tfjs.md).
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";
import { adam, sgd, type WasmOptimizer } from "../../src/tfjs/index.js";
import { batches, maxDiff, mean, mlpLoss, mlpVariables, valuesOf } from "./mlp.js";

const SIZES = [8, 32, 32, 4];
const STEPS = 200;

/** Trains a fresh MLP (seed 7) on the batches; the losses of each step and the final weights. */
function train(optimizer: tf.Optimizer, prefix: string): { losses: number[]; weights: Float32Array[] } {
  const vars = mlpVariables(SIZES, 7, prefix);
  const data = batches(STEPS, 16, SIZES[0]!, SIZES.at(-1)!, 11);
  const losses = data.map(({ x, y }) => {
    const loss = optimizer.minimize(() => mlpLoss(vars, x, y), true, vars)!;
    const v = loss.dataSync()[0]!;
    loss.dispose();
    return v;
  });
  const weights = valuesOf(vars);
  tf.dispose([...vars, ...data.flatMap((b) => [b.x, b.y])]);
  optimizer.dispose();
  return { losses, weights };
}

const cases: { name: string; tfjs: () => tf.Optimizer; ours: () => WasmOptimizer; tol: number }[] = [
  { name: "sgd", tfjs: () => tf.train.sgd(0.1), ours: () => sgd({ lr: 0.1 }), tol: 0 },
  { name: "momentum", tfjs: () => tf.train.momentum(0.05, 0.9), ours: () => sgd({ lr: 0.05, momentum: 0.9 }), tol: 0 },
  {
    name: "adam",
    tfjs: () => tf.train.adam(1e-3, 0.9, 0.999, 1e-8),
    ours: () => adam({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 }),
    tol: 2e-5,
  },
];

describe.each(["cpu", "wasm"])("parity with TF.js's optimizers, %s backend", (backend) => {
  it.each(cases)("$name: 200 steps, the same losses and weights", async ({ name, tfjs, ours, tol }) => {
    await tf.setBackend(backend);
    const ref = train(tfjs(), `${backend}-${name}-ref`);
    const got = train(ours(), `${backend}-${name}-ours`);
    expect(mean(ref.losses, STEPS - 20)).toBeLessThan(0.7 * mean(ref.losses, 0, 20)); // it learned: not a comparison of two idle runs
    const lossDiff = Math.max(...ref.losses.map((l, i) => Math.abs(l - got.losses[i]!)));
    const weightDiff = maxDiff(ref.weights, got.weights);
    console.log(`${backend} ${name}: max |loss diff| ${lossDiff.toExponential(2)}, max |weight diff| ${weightDiff.toExponential(2)}`);
    expect(lossDiff).toBeLessThanOrEqual(tol);
    expect(weightDiff).toBeLessThanOrEqual(tol);
  });
});
