// wasm-optim/tfjs: TF.js optimizers whose update runs in wasm-optim (docs/tfjs.md). Needs
// @tensorflow/tfjs-core 4 (an optional peer dependency); the main entry never imports it.
//
// One factory per first-order rule, with PyTorch's option names:
//   import { adamw } from "wasm-optim/tfjs";
//   model.compile({ optimizer: adamw({ lr: 1e-3, weightDecay: 1e-2 }), loss: "categoricalCrossentropy" });
// Schedule-Free rules: call opt.eval() before model.evaluate/predict/save, opt.train() before fit.
// Left out: LBFGS / Newton (a step re-evaluates the loss and gradients through a closure;
// TF.js's optimizers get one gradient per step).
import type { Rule, RuleOptions, AdapterSettings } from "./optimizer.js";
import { WasmOptimizer } from "./optimizer.js";

export { WasmOptimizer, type Rule, type RuleOptions, type AdapterSettings, type StepTarget, type NamedTensor } from "./optimizer.js";

type Factory<R extends Rule> = (options?: Partial<RuleOptions[R]>, settings?: AdapterSettings) => WasmOptimizer<R>;
const factory =
  <R extends Rule>(rule: R): Factory<R> =>
  (options = {}, settings = {}) =>
    new WasmOptimizer(rule, options, settings);

/** SGD (momentum, dampening, nesterov, weightDecay; `lr` required) as a TF.js optimizer. See {@link WasmOptimizer} and wasm-optim's `SGD`. */
export const sgd: Factory<"SGD"> = factory("SGD");
/** Adagrad as a TF.js optimizer. See wasm-optim's `Adagrad` for the options and defaults. */
export const adagrad: Factory<"Adagrad"> = factory("Adagrad");
/** RMSprop as a TF.js optimizer. See wasm-optim's `RMSprop` for the options and defaults. */
export const rmsprop: Factory<"RMSprop"> = factory("RMSprop");
/** Adam (PyTorch's: eps outside the bias-corrected sqrt) as a TF.js optimizer. See wasm-optim's `Adam` and docs/tfjs.md (parity with tf.train.adam). */
export const adam: Factory<"Adam"> = factory("Adam");
/** AdamW (decoupled weight decay, default 1e-2) as a TF.js optimizer. See wasm-optim's `AdamW`. */
export const adamw: Factory<"AdamW"> = factory("AdamW");
/** Adamax as a TF.js optimizer. See wasm-optim's `Adamax`. */
export const adamax: Factory<"Adamax"> = factory("Adamax");
/** NAdam as a TF.js optimizer. See wasm-optim's `NAdam`. */
export const nadam: Factory<"NAdam"> = factory("NAdam");
/** RAdam as a TF.js optimizer. See wasm-optim's `RAdam`. */
export const radam: Factory<"RAdam"> = factory("RAdam");
/** Adadelta as a TF.js optimizer. See wasm-optim's `Adadelta`. */
export const adadelta: Factory<"Adadelta"> = factory("Adadelta");
/** Lion as a TF.js optimizer. See wasm-optim's `Lion`. */
export const lion: Factory<"Lion"> = factory("Lion");
/** Rprop (full-batch training) as a TF.js optimizer. See wasm-optim's `Rprop`. */
export const rprop: Factory<"Rprop"> = factory("Rprop");
/** ASGD as a TF.js optimizer. See wasm-optim's `ASGD`. */
export const asgd: Factory<"ASGD"> = factory("ASGD");
/** Adafactor (factored over the last two dimensions of each variable, TF.js's shapes) as a TF.js optimizer. See wasm-optim's `Adafactor`. */
export const adafactor: Factory<"Adafactor"> = factory("Adafactor");

/**
 * SGDScheduleFree (Defazio et al., 2024; no lr schedule: lr 1 by default, momentum 0.9) as a TF.js
 * optimizer. Call `opt.eval()` before `model.evaluate` / `predict` / `save` (the variables get x,
 * the averaged point) and `opt.train()` before fitting again (applyGradients throws a StateError
 * in eval mode). See {@link WasmOptimizer.eval} and wasm-optim's `SGDScheduleFree`.
 */
export const sgdScheduleFree: Factory<"SGDScheduleFree"> = factory("SGDScheduleFree");
/** AdamWScheduleFree (lr 0.0025 by default) as a TF.js optimizer; `opt.eval()` / `opt.train()` as for {@link sgdScheduleFree}. See wasm-optim's `AdamWScheduleFree`. */
export const adamwScheduleFree: Factory<"AdamWScheduleFree"> = factory("AdamWScheduleFree");

/**
 * Muon for the 2-D variables (Dense kernels, in TF.js's [inputs, units] layout) and another
 * rule, by default AdamW, for the others (biases, ...), as PyTorch advises for Muon.
 * @param options - Muon's options (see wasm-optim's `Muon`).
 * @param settings - {@link AdapterSettings}, and `others`: the rule and options of the other variables (default `{ rule: "AdamW", options: {} }`).
 * @throws InvalidOptionError naming a bad option of either rule.
 */
export function muon(
  options: Partial<RuleOptions["Muon"]> = {},
  settings: AdapterSettings & { others?: { rule: Rule; options: object } } = {},
): WasmOptimizer<"Muon"> {
  const { others, ...rest } = settings;
  return new WasmOptimizer("Muon", options, rest, others);
}
