// wasm-optim/tfjs as a TF.js optimizer: both gradient forms, variables appearing later or in
// subsets, values assigned outside, no aliasing and no leaked tensor, getWeights/setWeights,
// dispose, errors, schedulers and transforms through the inner optimizer, serialization.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CheckpointError, heapStats, InvalidOptionError, skipNonFinite, StateError, StepLR, type SkipNonFinite } from "../../src/index.js";
import { adafactor, adam, muon, nadam, sgd, WasmOptimizer, type NamedTensor } from "../../src/tfjs/index.js";
import { asAdapter, batches, mlpLoss, mlpVariables, valuesOf } from "./mlp.js";
import { adamFirstStepF32 } from "../helpers/adam-first-step.js";

let serial = 0;
const fresh = (): string => `t${serial++}`;
const f32 = (xs: readonly number[]): Float32Array => Float32Array.from(xs);

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterEach(() => {
  tf.disposeVariables();
});

/** Trains the MLP variables `vars` with `opt` for `steps` minibatches (seed 3). */
function run(opt: tf.Optimizer, vars: tf.Variable[], steps: number, seed = 3): void {
  const data = batches(steps, 8, 6, 3, seed);
  for (const { x, y } of data) opt.minimize(() => mlpLoss(vars, x, y), false, vars);
  tf.dispose(data.flatMap((b) => [b.x, b.y]));
}

describe("steps", () => {
  it("takes NamedTensorMap and NamedTensor[] alike: SGD's w - lr g, in float32", () => {
    const a = tf.variable(tf.tensor1d([1, 2, 3]), true, fresh());
    const b = tf.variable(tf.tensor2d([[4, 5]]), true, fresh());
    const opt = sgd({ lr: 0.5 });
    const ga = tf.tensor1d([0.5, -1, 2]);
    const gb = tf.tensor2d([[1, 1]]);
    opt.applyGradients({ [a.name]: ga, [b.name]: gb });
    expect(a.dataSync()).toEqual(f32([0.75, 2.5, 2]));
    expect(b.dataSync()).toEqual(f32([3.5, 4.5]));
    const list: NamedTensor[] = [
      { name: b.name, tensor: gb },
      { name: a.name, tensor: ga },
    ];
    opt.applyGradients(list);
    expect(a.dataSync()).toEqual(f32([0.5, 3, 1]));
    expect(b.dataSync()).toEqual(f32([3, 4]));
    expect(opt.iterations).toBe(2);
    expect(ga.isDisposed || gb.isDisposed).toBe(false); // the gradients stay the caller's
    tf.dispose([ga, gb]);
    opt.dispose();
  });

  it("adds variables seen later as a new group, and steps only the variables given a gradient", () => {
    const a = tf.variable(tf.tensor1d([1, 1]), true, fresh());
    const b = tf.variable(tf.tensor1d([2]), true, fresh());
    const opt = adam({ lr: 0.1 });
    const g = tf.tensor1d([1, -1]);
    const h = tf.tensor1d([3]);
    opt.applyGradients({ [a.name]: g });
    expect(opt.optimizer.paramGroups).toHaveLength(1);
    // Adam's first step moves each element by lr * sign(g) (within an ulp: the kernel's rounding)
    const aStepped = f32(adamFirstStepF32([1, 1], [1, -1], 0.1));
    expect(Array.from(aStepped, (x) => x.toFixed(6))).toEqual(["0.900000", "1.100000"]);
    expect(a.dataSync()).toEqual(aStepped);
    opt.applyGradients({ [b.name]: h }); // b is new; a has no gradient: not stepped
    expect(opt.optimizer.paramGroups).toHaveLength(2);
    expect(a.dataSync()).toEqual(aStepped);
    expect(b.dataSync()).toEqual(f32(adamFirstStepF32([2], [3], 0.1)));
    const [pa, pb] = opt.optimizer.paramGroups.map((gr) => gr.params[0]!);
    expect(opt.optimizer.state.get(pa!)!.step).toBe(1); // a's state kept, not advanced
    expect(opt.optimizer.state.get(pb!)!.step).toBe(1);
    opt.applyGradients({ [a.name]: g, [b.name]: h });
    expect(opt.optimizer.state.get(pa!)!.step).toBe(2);
    tf.dispose([g, h]);
    opt.dispose();
  });

  it("reads a variable again after it was assigned outside the optimizer", () => {
    const a = tf.variable(tf.tensor1d([1, 2]), true, fresh());
    const opt = sgd({ lr: 1 });
    const g = tf.tensor1d([0.25, 0.5]);
    opt.applyGradients({ [a.name]: g });
    const t = tf.tensor1d([10, 20]);
    a.assign(t); // e.g. model.setWeights
    opt.applyGradients({ [a.name]: g });
    expect(a.dataSync()).toEqual(f32([9.75, 19.5]));
    tf.dispose([g, t]);
    opt.dispose();
  });

  it.each(["cpu", "wasm"])("shares no storage with wasm memory or with tensors made before (%s)", async (backend) => {
    await tf.setBackend(backend);
    const a = tf.variable(tf.tensor1d([1, 2, 3]), true, fresh());
    const opt = sgd({ lr: 1 });
    const g = tf.tensor1d([1, 1, 1]);
    opt.applyGradients({ [a.name]: g });
    const clone = tf.clone(a);
    const read = a.dataSync();
    const readCopy = read.slice();
    opt.applyGradients({ [a.name]: g });
    expect(clone.dataSync()).toEqual(f32([0, 1, 2])); // a clone made before is not changed by the step
    expect(read).toEqual(readCopy); // nor an array read before
    expect(a.dataSync()).toEqual(f32([-1, 0, 1]));
    opt.optimizer.paramGroups[0]!.params[0]!.data.fill(42); // the optimizer's memory is not the variable's
    expect(a.dataSync()).toEqual(f32([-1, 0, 1]));
    tf.dispose([g, clone]);
    opt.dispose();
    await tf.setBackend("cpu");
  });

  it("steps a scalar variable, and variables and gradients made on the cpu backend after a switch to wasm", async () => {
    const v = tf.variable(tf.tensor1d([1, 2]), true, fresh());
    const s = tf.variable(tf.scalar(3), true, fresh());
    const g = tf.tensor1d([1, 1]);
    const one = tf.scalar(1);
    const opt = sgd({ lr: 1 });
    opt.applyGradients({ [v.name]: g, [s.name]: one });
    expect([...v.dataSync(), ...s.dataSync()]).toEqual([0, 1, 2]);
    await tf.setBackend("wasm"); // TF.js moves the tensors' data to the wasm backend on first access
    opt.applyGradients({ [v.name]: g, [s.name]: one });
    expect([...v.dataSync(), ...s.dataSync()]).toEqual([-1, 0, 1]);
    tf.dispose([g, one]);
    opt.dispose();
    await tf.setBackend("cpu");
  });

  it.each(["cpu", "wasm"])("leaks no tensor over 1,000 steps (%s backend), and dispose() frees its wasm memory", async (backend) => {
    await tf.setBackend(backend);
    const vars = mlpVariables([6, 16, 3], 5, fresh());
    const data = batches(10, 8, 6, 3, 9);
    const heap = heapStats().liveBytes;
    const opt = adam({ lr: 1e-3 });
    opt.minimize(() => mlpLoss(vars, data[0]!.x, data[0]!.y), false, vars); // warm: the params and state exist
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) {
      const { x, y } = data[i % data.length]!;
      const loss = opt.minimize(() => mlpLoss(vars, x, y), true, vars)!;
      loss.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(heapStats().liveBytes).toBeGreaterThan(heap);
    opt.dispose();
    expect(heapStats().liveBytes).toBe(heap);
    expect(() => opt.applyGradients({})).toThrow(StateError);
    tf.dispose(data.flatMap((b) => [b.x, b.y]));
    await tf.setBackend("cpu");
  });

  it("refuses what it cannot step, naming it, and changes nothing", () => {
    const a = tf.variable(tf.tensor1d([1, 2]), true, fresh());
    const opt = sgd({ lr: 1 });
    const ok = tf.tensor1d([1, 1]);
    const bad = tf.tensor1d([1, 1, 1]);
    expect(() => opt.applyGradients({ [a.name]: ok, nope: ok })).toThrow(/variableGradients\["nope"\]/);
    expect(() => opt.applyGradients({ [a.name]: bad })).toThrow(InvalidOptionError);
    expect(a.dataSync()).toEqual(f32([1, 2]));
    expect(opt.iterations).toBe(0);
    expect(() => adam({ lr: -1 })).toThrow(/invalid lr/);
    expect(() => muon({}, { others: { rule: "Adam", options: { betas: [2, 0.9] } } })).toThrow(/betas\[0\]/);
    expect(() => new WasmOptimizer("Nope" as "SGD")).toThrow(/invalid rule/);
    expect(() => opt.optimizer).toThrow(StateError); // no variables yet
    tf.dispose([ok, bad]);
    opt.dispose();
  });
});

describe("getWeights / setWeights", () => {
  // A run of 10 steps, saved (variables and optimizer weights), then 10 more; the saved state
  // restored into a new optimizer continues identically, bit for bit.
  it.each([
    ["adam", () => adam({ lr: 1e-2 })],
    ["nadam (a float64 scalar: mu_product)", () => nadam({ lr: 1e-2 })],
    ["adafactor (flat row/col buffers)", () => adafactor({ lr: 1e-2 })],
    ["muon (two inner optimizers)", () => muon({ lr: 0.02 })],
  ])("%s: the round trip continues bit-identically", async (_name, make) => {
    const vars = mlpVariables([6, 16, 3], 5, fresh());
    const a = make();
    run(a, vars, 10);
    const saved = valuesOf(vars);
    const weights = await a.getWeights();
    expect(weights[0]!.name).toBe("iter");
    expect(weights[0]!.tensor.dataSync()[0]).toBe(10);
    run(a, vars, 10, 4);
    const straight = valuesOf(vars);

    for (const built of [false, true]) {
      vars.forEach((v, i) => {
        v.assign(tf.tensor(saved[i]!, v.shape));
      });
      const b = make();
      if (built) b.build(vars); // state loaded now, into the made params
      await b.setWeights(weights); // else: kept until the variables' first step
      expect(b.iterations).toBe(10);
      run(b, vars, 10, 4);
      expect(valuesOf(vars)).toEqual(straight);
      expect(b.iterations).toBe(20);
      b.dispose();
    }
    tf.dispose(weights.map((w) => w.tensor));
    a.dispose();
  });

  it("a state that does not fit is refused whole: Muon's matrices keep theirs when a bias's state is bad", async () => {
    const vars = mlpVariables([6, 16, 3], 5, fresh());
    const opt = muon({ lr: 0.02 });
    run(opt, vars, 1);
    const early = await opt.getWeights();
    run(opt, vars, 2, 4);
    const now = await opt.getWeights();
    const bias = vars[1]!.name;
    const bad = early.map((w) => (w.name === `${bias}/exp_avg` ? { name: w.name, tensor: tf.zeros([15]) } : w));
    await expect(opt.setWeights(bad)).rejects.toThrow(CheckpointError);
    const after = await opt.getWeights();
    expect(after.map((w) => w.name)).toEqual(now.map((w) => w.name));
    after.forEach((w, i) => {
      expect(w.tensor.dataSync()).toEqual(now[i]!.tensor.dataSync());
    });
    expect(opt.iterations).toBe(3);
    tf.dispose([...early, ...now, ...after, ...bad].map((w) => w.tensor));
    opt.dispose();
  });

  it("getWeights gives copies: iter first, then <variable>/step and the state buffers under torch's names", async () => {
    const v = tf.variable(tf.tensor2d([[1, 2]]), true, fresh());
    const opt = adam({ lr: 0.1 });
    const g = tf.tensor2d([[1, 1]]);
    opt.applyGradients({ [v.name]: g });
    const weights = await opt.getWeights();
    expect(weights.map((w) => w.name)).toEqual(["iter", `${v.name}/step`, `${v.name}/exp_avg`, `${v.name}/exp_avg_sq`]);
    expect(weights[2]!.tensor.shape).toEqual([1, 2]);
    expect(weights[2]!.tensor.dataSync()).toEqual(f32([0.1, 0.1]));
    weights[2]!.tensor.dispose();
    opt.applyGradients({ [v.name]: g }); // the optimizer's state does not depend on the tensors handed out
    tf.dispose([...weights.map((w) => w.tensor), g]);
    opt.dispose();
  });
});

describe("the inner optimizer: schedulers and transforms", () => {
  it("a StepLR scheduler halves SGD's lr each epoch", () => {
    const v = tf.variable(tf.tensor1d([1]), true, fresh());
    const opt = sgd({ lr: 0.5 });
    const scheduler = new StepLR(opt.build([v]), { stepSize: 1, gamma: 0.5 });
    const g = tf.tensor1d([1]);
    for (let epoch = 0; epoch < 3; epoch++) {
      opt.applyGradients({ [v.name]: g });
      scheduler.step();
    }
    expect(v.dataSync()).toEqual(f32([1 - 0.5 - 0.25 - 0.125]));
    expect(opt.optimizer.paramGroups[0]!.lr).toBe(0.0625);
    g.dispose();
    opt.dispose();
  });

  it("skipNonFinite through settings.wrap: a NaN gradient is skipped, a large one clipped to maxNorm", () => {
    const v = tf.variable(tf.tensor1d([1, 1]), true, fresh());
    let guard: SkipNonFinite | undefined;
    const opt = sgd({ lr: 1 }, { wrap: (o) => (guard = skipNonFinite(o, { maxNorm: 1 })) });
    const nan = tf.tensor1d([Number.NaN, 1]);
    const big = tf.tensor1d([30, 40]);
    opt.applyGradients({ [v.name]: nan });
    expect(v.dataSync()).toEqual(f32([1, 1]));
    expect(guard!.skippedSteps).toBe(1);
    opt.applyGradients({ [v.name]: big });
    const [x, y] = v.dataSync(); // torch's clip_grad_norm_ scales by maxNorm / (norm + 1e-6): g = [0.6, 0.8]
    expect(x).toBeCloseTo(0.4, 6);
    expect(y).toBeCloseTo(0.2, 6);
    tf.dispose([nan, big]);
    opt.dispose();
  });
});

describe("TF.js serialization", () => {
  it("getClassName / getConfig / fromConfig, registered with tf.serialization", () => {
    const opt = muon({ lr: 0.02, momentum: 0.9 }, { others: { rule: "Adam", options: { lr: 3e-4 } } });
    expect(opt.getClassName()).toBe("WasmOptimOptimizer");
    const config = opt.getConfig();
    expect(config).toEqual({ rule: "Muon", options: { lr: 0.02, momentum: 0.9 }, others: { rule: "Adam", options: { lr: 3e-4 } } });
    const registered = tf.serialization.SerializationMap.getMap().classNameMap.WasmOptimOptimizer!;
    const back = asAdapter(registered[1](registered[0], config));
    expect(back.getConfig()).toEqual(config);
    back.dispose();
    opt.dispose();
  });
});

it("the main entry (dist/index.js and the chunks it imports) never imports TF.js", () => {
  const dist = join(import.meta.dirname, "..", "..", "dist");
  const seen = new Set<string>();
  const local = (code: string) => [...code.matchAll(/from\s*"(\.\/[^"]+)"|import\(\s*"(\.\/[^"]+)"\s*\)/g)].map((m) => m[1] ?? m[2]!);
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, "utf8");
    expect(code).not.toMatch(/@tensorflow/);
    for (const next of local(code)) visit(join(dirname(file), next));
  };
  visit(join(dist, "index.js"));
  // the adapter's own file imports TF.js and the main entry's code through the same import syntax the walk follows
  const adapter = readFileSync(join(dist, "tfjs.js"), "utf8");
  expect(adapter).toMatch(/from\s*"@tensorflow\/tfjs-core"/);
  expect(local(adapter).map((f) => join(dist, f))).toContain(join(dist, "index.js"));
});
