// wasm-optim/tfjs's Schedule-Free rules: the adapter's sgdScheduleFree / adamwScheduleFree on an
// MLP equal wasm-optim's own SGDScheduleFree / AdamWScheduleFree stepped on the same gradients,
// bit for bit, in train mode (y) and after eval() (x); getWeights/setWeights carry the group
// state (k, weight_sum, lr_max) and the mode; applyGradients in eval mode is refused.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-cpu";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { AdamWScheduleFree, Param, SGDScheduleFree, StateError, type ScheduleFreeOptimizer } from "../../src/index.js";
import { adamwScheduleFree, sgd, sgdScheduleFree, type WasmOptimizer } from "../../src/tfjs/index.js";
import { batches, mlpLoss, mlpVariables, valuesOf } from "./mlp.js";

let serial = 0;
const fresh = (): string => `sf${serial++}`;

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterEach(() => {
  tf.disposeVariables();
});

const SIZES = [6, 16, 3];

const cases: {
  name: string;
  ours: () => WasmOptimizer<"SGDScheduleFree" | "AdamWScheduleFree">;
  own: (params: Param[]) => ScheduleFreeOptimizer<never>;
}[] = [
  {
    name: "SGDScheduleFree",
    ours: () => sgdScheduleFree({ lr: 0.3, momentum: 0.9, weightDecay: 1e-3, warmupSteps: 5 }),
    own: (p) => new SGDScheduleFree(p, { lr: 0.3, momentum: 0.9, weightDecay: 1e-3, warmupSteps: 5 }) as never,
  },
  {
    name: "AdamWScheduleFree",
    ours: () => adamwScheduleFree({ lr: 1e-2, weightDecay: 1e-2, warmupSteps: 5, r: 1 }),
    own: (p) => new AdamWScheduleFree(p, { lr: 1e-2, weightDecay: 1e-2, warmupSteps: 5, r: 1 }) as never,
  },
];

/** `steps` minibatches (seed): the gradients of the MLP loss at `vars`, applied by `opt`; also handed to `each`. */
function run(opt: tf.Optimizer, vars: tf.Variable[], steps: number, seed = 3, each?: (grads: tf.NamedTensorMap) => void): void {
  const data = batches(steps, 8, SIZES[0]!, SIZES.at(-1)!, seed);
  for (const { x, y } of data) {
    const { value, grads } = tf.variableGrads(() => mlpLoss(vars, x, y), vars);
    opt.applyGradients(grads);
    each?.(grads);
    tf.dispose([value, ...Object.values(grads)]);
  }
  tf.dispose(data.flatMap((b) => [b.x, b.y]));
}

describe.each(cases)("$name", ({ ours, own }) => {
  it("equals wasm-optim's own class stepped on the same gradients, bit for bit: y in train mode, x after eval()", () => {
    const vars = mlpVariables(SIZES, 5, fresh());
    const params = vars.map((v) => {
      const p = new Param(v.shape);
      p.data.set(v.dataSync());
      return p;
    });
    const initial = valuesOf(vars);
    const ref = own(params);
    const opt = ours();
    run(opt, vars, 30, 3, (grads) => {
      vars.forEach((v, i) => params[i]!.grad.set(grads[v.name]!.dataSync()));
      ref.step();
    });
    const y = valuesOf(vars);
    expect(y).toEqual(params.map((p) => p.data));
    expect(y[0]).not.toEqual(initial[0]); // it moved
    const gs = opt.optimizer.stateDict().paramGroups[0]!.state!;
    expect(gs).toEqual(ref.stateDict().paramGroups[0]!.state);
    expect(gs.k).toBe(30);

    opt.eval();
    ref.eval();
    const x = valuesOf(vars);
    expect(x).toEqual(params.map((p) => p.data));
    const inner = opt.optimizer;
    expect(x).toEqual(inner.paramGroups[0]!.params.map((p) => inner.state.get(p)!.buffers.get("x")!.view)); // the adapter's own x
    expect(x).not.toEqual(y);
    opt.eval(); // no-op
    expect(valuesOf(vars)).toEqual(x);

    opt.train();
    expect(valuesOf(vars)).toEqual(y); // y back, bit for bit
    opt.dispose();
    ref.dispose();
    for (const p of params) p.dispose();
  });

  it("applyGradients in eval mode throws the inner StateError and changes no variable", () => {
    const vars = mlpVariables(SIZES, 5, fresh());
    const opt = ours();
    run(opt, vars, 3);
    opt.eval();
    const before = valuesOf(vars);
    const state = opt.optimizer.stateDict();
    expect(() => {
      run(opt, vars, 1, 9);
    }).toThrow(StateError);
    expect(valuesOf(vars)).toEqual(before);
    expect(opt.iterations).toBe(3);
    expect(opt.optimizer.stateDict()).toEqual(state);
    opt.train();
    run(opt, vars, 1, 9); // allowed again
    expect(opt.iterations).toBe(4);
    opt.dispose();
  });

  it.each(["train", "eval"] as const)(
    "getWeights -> a new adapter's setWeights continues bit-identically (saved in %s mode), with k, weight_sum, lr_max and the mode",
    async (mode) => {
      const vars = mlpVariables(SIZES, 5, fresh());
      const a = ours();
      run(a, vars, 10);
      if (mode === "eval") a.eval();
      const saved = valuesOf(vars);
      const weights = await a.getWeights();
      const own = weights.filter((w) => w.name.startsWith("wasm-optim/")).map((w) => w.name);
      expect(own).toEqual(["wasm-optim/0/0/k", "wasm-optim/0/0/weight_sum", "wasm-optim/0/0/lr_max", "wasm-optim/0/mode"]);
      expect(weights.at(-1)!.tensor.dataSync()[0]).toBe(mode === "eval" ? 1 : 0);
      a.train();
      run(a, vars, 10, 4);
      a.eval();
      const straight = valuesOf(vars);
      const straightState = a.optimizer.stateDict().paramGroups[0]!.state;

      for (const built of [false, true]) {
        vars.forEach((v, i) => {
          v.assign(tf.tensor(saved[i]!, v.shape));
        });
        const b = ours();
        if (built) b.build(vars); // state and mode loaded now; else when the variables are first seen
        await b.setWeights(weights);
        if (built) {
          expect(b.optimizer.stateDict().extra).toEqual({ mode });
          b.train(); // eval mode: y recomputed from z and x
        } else if (mode === "eval") {
          expect(() => {
            run(b, vars, 1, 4);
          }).toThrow(StateError); // the variables are seen (and the eval-mode state loaded), not stepped
          expect(valuesOf(vars)).toEqual(saved);
          b.train();
        }
        run(b, vars, 10, 4);
        b.eval();
        expect(valuesOf(vars)).toEqual(straight);
        expect(b.optimizer.stateDict().paramGroups[0]!.state).toEqual(straightState);
        expect(b.iterations).toBe(20);
        b.dispose();
      }
      tf.dispose(weights.map((w) => w.tensor));
      a.dispose();
    },
  );
});

it("eval() / train() are no-ops for the other rules, and setWeights refuses a malformed wasm-optim/ entry whole", async () => {
  const vars = mlpVariables(SIZES, 5, fresh());
  const opt = sgd({ lr: 0.1 });
  run(opt, vars, 2);
  const before = valuesOf(vars);
  opt.eval();
  opt.train();
  expect(valuesOf(vars)).toEqual(before);
  const sf = sgdScheduleFree();
  run(sf, vars, 2);
  const weights = await sf.getWeights();
  const bad = weights.map((w) => (w.name === "wasm-optim/0/mode" ? { name: w.name, tensor: tf.scalar(2, "int32") } : w));
  await expect(sf.setWeights(bad)).rejects.toThrow(/wasm-optim\/0\/mode/);
  expect(sf.iterations).toBe(2);
  tf.dispose([...weights, ...bad].map((w) => w.tensor));
  opt.dispose();
  sf.dispose();
});

it("a variable whose name starts with the reserved wasm-optim/ prefix is refused, nothing made", () => {
  const v = tf.variable(tf.zeros([2]), true, "wasm-optim/0/mode");
  const opt = sgd({ lr: 0.1 });
  const grad = tf.ones([2]);
  expect(() => {
    opt.applyGradients({ [v.name]: grad });
  }).toThrow(/reserved/);
  expect(opt.optimizers).toHaveLength(0);
  expect(Array.from(v.dataSync())).toEqual([0, 0]);
  tf.dispose([v, grad]);
  opt.dispose();
});
