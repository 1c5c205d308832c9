// A TF.js optimizer whose update runs in wasm-optim: the class behind every factory of
// wasm-optim/tfjs (index.ts). See docs/tfjs.md.
import * as tf from "@tensorflow/tfjs-core";
import type { NamedTensorMap, Tensor, Variable } from "@tensorflow/tfjs-core";
import { InvalidOptionError, StateError } from "../errors.js";
import type { FirstOrderOptimizer } from "../first-order.js";
import { Param } from "../param.js";
import type { OptimizerStateDict, ParamStateDict } from "../state-dict.js";
import { Adadelta, type AdadeltaOptions } from "../optimizers/adadelta.js";
import { Adafactor, type AdafactorOptions } from "../optimizers/adafactor.js";
import { Adagrad, type AdagradOptions } from "../optimizers/adagrad.js";
import { Adam, type AdamOptions } from "../optimizers/adam.js";
import { Adamax, type AdamaxOptions } from "../optimizers/adamax.js";
import { AdamW, type AdamWOptions } from "../optimizers/adamw.js";
import { ASGD, type ASGDOptions } from "../optimizers/asgd.js";
import { Lion, type LionOptions } from "../optimizers/lion.js";
import { Muon, type MuonOptions } from "../optimizers/muon.js";
import { NAdam, type NAdamOptions } from "../optimizers/nadam.js";
import { RAdam, type RAdamOptions } from "../optimizers/radam.js";
import { RMSprop, type RMSpropOptions } from "../optimizers/rmsprop.js";
import { Rprop, type RpropOptions } from "../optimizers/rprop.js";
import { SGD, type SGDOptions } from "../optimizers/sgd.js";
import { AdamWScheduleFree, type AdamWScheduleFreeOptions } from "../optimizers/schedule-free/adamw.js";
import { ScheduleFreeOptimizer, type Mode } from "../optimizers/schedule-free/base.js";
import { SGDScheduleFree, type SGDScheduleFreeOptions } from "../optimizers/schedule-free/sgd.js";
import { dataPath, type DataPath } from "./data-path.js";

/** A tensor with a name: TF.js's `NamedTensor` (which @tensorflow/tfjs-core does not export from its index). */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/** The options of each rule the adapter offers, by the rule's class name (its checkpoint `kind`). */
export interface RuleOptions {
  SGD: SGDOptions;
  Adagrad: AdagradOptions;
  RMSprop: RMSpropOptions;
  Adam: AdamOptions;
  AdamW: AdamWOptions;
  Adamax: AdamaxOptions;
  NAdam: NAdamOptions;
  RAdam: RAdamOptions;
  Adadelta: AdadeltaOptions;
  Lion: LionOptions;
  Rprop: RpropOptions;
  ASGD: ASGDOptions;
  Muon: MuonOptions;
  Adafactor: AdafactorOptions;
  SGDScheduleFree: SGDScheduleFreeOptions;
  AdamWScheduleFree: AdamWScheduleFreeOptions;
}

/** A rule's name: a key of {@link RuleOptions}. */
export type Rule = keyof RuleOptions;

type Make = (params: Param[], options: object) => FirstOrderOptimizer<object>;
const RULES: Readonly<Record<Rule, Make>> = {
  SGD: (p, o) => new SGD(p, o),
  Adagrad: (p, o) => new Adagrad(p, o),
  RMSprop: (p, o) => new RMSprop(p, o),
  Adam: (p, o) => new Adam(p, o),
  AdamW: (p, o) => new AdamW(p, o),
  Adamax: (p, o) => new Adamax(p, o),
  NAdam: (p, o) => new NAdam(p, o),
  RAdam: (p, o) => new RAdam(p, o),
  Adadelta: (p, o) => new Adadelta(p, o),
  Lion: (p, o) => new Lion(p, o),
  Rprop: (p, o) => new Rprop(p, o),
  ASGD: (p, o) => new ASGD(p, o),
  Muon: (p, o) => new Muon(p, o),
  Adafactor: (p, o) => new Adafactor(p, o),
  SGDScheduleFree: (p, o) => new SGDScheduleFree(p, o),
  AdamWScheduleFree: (p, o) => new AdamWScheduleFree(p, o),
};

/** The prefix of getWeights' entries that belong to an inner optimizer, not to a variable: `wasm-optim/<part>/...`. */
const OWN = "wasm-optim/";

/** What steps an inner optimizer: itself, or a transform around it (e.g. `skipNonFinite(opt)`). */
export interface StepTarget {
  step(): unknown;
}

/** Settings of the adapter itself (not serialized by getConfig: give them again after loading a model). */
export interface AdapterSettings {
  /**
   * Called once for each inner wasm-optim optimizer, when it is made (on the first step, or by
   * {@link WasmOptimizer.build}): returns what each step calls `step()` on — the optimizer,
   * or a transform around it (`(opt) => skipNonFinite(opt, { maxNorm: 1 })`). The place to
   * attach a scheduler too (`(opt) => ((sched = new StepLR(opt, ...)), opt)`).
   * @defaultValue the optimizer itself
   */
  wrap?: (optimizer: FirstOrderOptimizer<object>) => StepTarget;
}

/** The serialized form (getConfig): the rule, its options, and Muon's rule for the other variables. */
interface Config {
  rule: Rule;
  options: object;
  others?: { rule: Rule; options: object };
}

/** One inner optimizer and the variables it takes. */
interface Part {
  readonly rule: Rule;
  readonly options: object;
  readonly takes: (shape: readonly number[]) => boolean;
  optimizer: FirstOrderOptimizer<object> | null;
  stepper: StepTarget | null;
}

/** A variable the adapter has seen: its Param (a view of one Param.many block) and inner optimizer. */
interface Slot {
  readonly variable: Variable;
  readonly param: Param<Float32Array>;
  readonly part: Part;
  /** The variable's storage id after the adapter last wrote or read it: another one means it was assigned outside. */
  dataId: object;
}

/** One variable's optimizer state as getWeights writes it and setWeights reads it. */
interface SavedState {
  step?: number;
  buffers: Record<string, Float32Array>;
  scalars: Record<string, number>;
}

/** An inner optimizer's own state as getWeights writes it: its groups' scalar state (by group index) and Schedule-Free's mode. */
interface SavedExtra {
  groups: Map<number, Record<string, number>>;
  mode?: Mode;
}

/** A float64 as the two int32 words of its bits (TF.js tensors have no float64: the round trip stays exact). */
function wordsOf(x: number): Int32Array {
  return new Int32Array(new Float64Array([x]).buffer);
}
function numberOf(words: ArrayLike<number>): number {
  return new Float64Array(Int32Array.from(words).buffer)[0]!;
}

/**
 * A TF.js optimizer (a subclass of `tf.Optimizer`, so `model.compile({ optimizer })`,
 * `optimizer.minimize(f)` and `applyGradients(grads)` take it) whose update is one of
 * wasm-optim's rules, configured with PyTorch's option names. Made by the factories of
 * `wasm-optim/tfjs` (`adamw({ lr: 1e-3, weightDecay: 1e-2 })`).
 *
 * Each set of variables first seen together in applyGradients gets one `Param.many` block in
 * wasm memory (their values copied in) and becomes a param group of the inner optimizer
 * (made on the first step). Each step copies the gradients into the params' `grad`, steps the
 * inner optimizer (or the transform `settings.wrap` returned), and assigns each variable a
 * copy of its updated values (never a view of wasm memory; no tensor is left behind). A
 * variable assigned outside the optimizer (`model.setWeights`) is read again before its next
 * step. Variables without a gradient in a call are not stepped (their state is kept).
 *
 * Free the wasm memory with {@link WasmOptimizer.dispose} (TF.js's `model.dispose()` does not
 * dispose the optimizer either).
 */
export class WasmOptimizer<R extends Rule = Rule> extends tf.Optimizer {
  /** The name TF.js serializes this class under (`getClassName()`, registered with tf.serialization). */
  static className = "WasmOptimOptimizer";
  readonly #config: Config;
  readonly #settings: AdapterSettings;
  readonly #parts: readonly Part[];
  readonly #slots = new Map<string, Slot>();
  /** setWeights() state of variables not seen yet, by variable name: applied when they are. */
  readonly #pending = new Map<string, SavedState>();
  /** setWeights() group state and mode of inner optimizers (by part index) not applied yet: applied with the pending variables' state. */
  readonly #pendingExtra = new Map<number, SavedExtra>();
  #disposed = false;

  /**
   * Prefer the factories (`adam(options)`). Options are checked here, by the rule itself.
   * @param rule - the rule's class name ("Adam").
   * @param options - its options (PyTorch's names in camelCase; see the rule's class).
   * @param settings - see {@link AdapterSettings}.
   * @param others - Muon only: the rule and options for variables that are not 2-D (default AdamW).
   * @throws InvalidOptionError naming a bad option.
   */
  constructor(rule: R, options: Partial<RuleOptions[R]> = {}, settings: AdapterSettings = {}, others?: { rule: Rule; options: object }) {
    super();
    if (!Object.hasOwn(RULES, rule)) throw new InvalidOptionError("rule", rule, `one of ${Object.keys(RULES).join(", ")}`, "value");
    if (typeof settings !== "object" || (settings.wrap !== undefined && typeof settings.wrap !== "function")) {
      throw new InvalidOptionError("settings.wrap", settings.wrap, "a function (optimizer) => optimizer or transform");
    }
    const parts: Part[] = [];
    const add = (r: Rule, o: object, takes: Part["takes"]): void => {
      probe(r, o);
      parts.push({ rule: r, options: { ...o }, takes, optimizer: null, stepper: null });
    };
    if (rule === "Muon") {
      add(rule, options, (shape) => shape.length === 2);
      add(others?.rule ?? "AdamW", others?.options ?? {}, () => true);
    } else {
      add(rule, options, () => true);
    }
    this.#parts = parts;
    this.#settings = settings;
    this.#config = {
      rule,
      options: { ...options },
      ...(rule === "Muon" ? { others: { rule: parts[1]!.rule, options: parts[1]!.options } } : {}),
    };
  }

  /** The rule's name ("Adam"). */
  get rule(): R {
    return this.#config.rule as R;
  }

  /**
   * The inner wasm-optim optimizer (of the 2-D variables, for Muon): its `paramGroups` (set
   * `lr`), `state`, schedulers and transforms. Made on the first step or by {@link build}.
   * @throws StateError before that, or after dispose().
   */
  get optimizer(): FirstOrderOptimizer<RuleOptions[R]> {
    this.#checkLive();
    const o = this.#parts[0]!.optimizer;
    if (!o) throw new StateError(`wasm-optim: this ${this.rule} adapter has no variables yet: step once, or call build(variables) first`);
    return o as unknown as FirstOrderOptimizer<RuleOptions[R]>;
  }

  /** Every inner optimizer made so far (Muon's and the one of its other variables). */
  get optimizers(): readonly FirstOrderOptimizer<object>[] {
    return this.#parts.flatMap((p) => (p.optimizer ? [p.optimizer] : []));
  }

  /**
   * Makes the params (and the inner optimizer, on the first call) of `variables` now instead of
   * on their first gradient: e.g. to attach a scheduler before `model.fit`
   * (`opt.build(model.trainableWeights)`). Variables already known are skipped.
   * @param variables - tf.Variables, or anything with the `name` of a registered one (a Layers `LayerVariable`).
   * @returns the inner optimizer ({@link optimizer}).
   * @throws InvalidOptionError for a name that is no registered float32 variable.
   */
  build(variables: Iterable<{ readonly name: string }>): FirstOrderOptimizer<RuleOptions[R]> {
    this.#checkLive();
    const list = [...variables].map((v, i) => variableNamed(v.name, `variables[${i}]`));
    this.#add(list.filter((v) => this.#slots.get(v.name)?.variable !== v));
    return this.optimizer;
  }

  /**
   * Schedule-Free rules: puts x, the averaged point, in the params and assigns every variable
   * the optimizer knows its new values — call it before `model.evaluate`, `predict` or `save`;
   * applyGradients then throws a StateError until {@link train}. A variable assigned outside
   * is read first. No-op in eval mode, before the first step, and for the other rules (which,
   * as torch's, have no modes).
   * @throws StateError after dispose().
   */
  eval(): void {
    this.#setMode("eval");
  }

  /**
   * Schedule-Free rules: puts y back in the params (where gradients are taken) and assigns
   * every variable the optimizer knows its new values — call it before `model.fit` again
   * after {@link eval}. No-op in train mode, before the first step, and for the other rules.
   * @throws StateError after dispose().
   */
  train(): void {
    this.#setMode("train");
  }

  /**
   * One step: the gradients (`{ [variableName]: gradient }` or `[{ name, tensor }]`, as
   * TF.js's own optimizers take them; a null gradient is skipped) are copied into wasm memory,
   * the rule updates the params, and each variable is assigned its new values. The gradients
   * stay the caller's (not disposed).
   * @throws InvalidOptionError for a name that is no registered float32 variable, or a
   * gradient of another shape; StateError after dispose() or in eval mode (Schedule-Free: see
   * {@link eval}); what the inner optimizer or
   * `settings.wrap`'s transform throws (then no variable is changed).
   */
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    this.#checkLive();
    const named: NamedTensor[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const work: { variable: Variable; grad: Tensor }[] = [];
    for (const { name, tensor } of named) {
      if ((tensor as Tensor | null | undefined) == null) continue; // TF.js's optimizers skip them too
      const variable = variableNamed(name, `variableGradients["${name}"]`);
      if (tensor.dtype !== "float32" || !sameShape(tensor.shape, variable.shape)) {
        throw new InvalidOptionError(
          `variableGradients["${name}"]`,
          tensor.shape,
          `a float32 gradient of shape [${variable.shape.join(", ")}]`,
        );
      }
      work.push({ variable, grad: tensor });
    }
    this.#add(work.map((w) => w.variable).filter((v) => this.#slots.get(v.name)?.variable !== v));
    const slots = work.map((w) => this.#slots.get(w.variable.name)!);
    const stepped = new Set(slots);
    for (const s of this.#slots.values()) if (s.param.requiresGrad !== stepped.has(s)) s.param.requiresGrad = stepped.has(s);
    const path = dataPath();
    slots.forEach((s, i) => {
      readIfAssigned(s, path);
      path.read(work[i]!.grad, s.param.grad);
    });
    for (const part of this.#parts) if (part.stepper && slots.some((s) => s.part === part)) part.stepper.step();
    for (const s of slots) writeBack(s, path);
    this.incrementIterations();
  }

  /**
   * The optimizer's state as TF.js defines it: `iter` (the number of applyGradients calls,
   * int32) first, then for each variable with state, in the order first seen: `<name>/step`
   * (int32 scalar), each state buffer under PyTorch's name (`<name>/exp_avg`, float32, the
   * variable's shape, or flat where its length differs, as Adafactor's `row_var`), and each
   * float64 scalar (`<name>/mu_product`) as an int32 tensor of its two 32-bit words (exact).
   * Last, the inner optimizers' own state under `wasm-optim/<part>/` (part 0, and 1 for Muon's
   * other variables): each group's scalar state (`wasm-optim/0/<group>/k`, Schedule-Free's `k`,
   * `weight_sum`, `lr_max`, as words) and Schedule-Free's mode (`wasm-optim/0/mode`, int32
   * scalar: 0 train, 1 eval). The tensors are new copies: the caller disposes them.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    this.#checkLive();
    const out = [await this.saveIterations()];
    for (const [name, s] of this.#slots) {
      const st = s.part.optimizer!.state.get(s.param);
      if (!st) continue;
      out.push({ name: `${name}/step`, tensor: tf.scalar(st.step, "int32") });
      for (const [b, buf] of st.buffers) {
        const v = buf.view as Float32Array;
        out.push({
          name: `${name}/${b}`,
          tensor: tf.tensor(v.slice(), v.length === s.param.size ? s.variable.shape : [v.length], "float32"),
        });
      }
      for (const [k, x] of Object.entries(st.scalars)) out.push({ name: `${name}/${k}`, tensor: tf.tensor(wordsOf(x), [2], "int32") });
    }
    this.#parts.forEach(({ optimizer }, pi) => {
      if (!optimizer) return;
      optimizer.stateDict().paramGroups.forEach(({ state }, gi) => {
        for (const [k, x] of Object.entries(state ?? {}))
          out.push({ name: `${OWN}${pi}/${gi}/${k}`, tensor: tf.tensor(wordsOf(x), [2], "int32") });
      });
      if (optimizer instanceof ScheduleFreeOptimizer)
        out.push({ name: `${OWN}${pi}/mode`, tensor: tf.scalar(optimizer.mode === "eval" ? 1 : 0, "int32") });
    });
    return out;
  }

  /**
   * Replaces the optimizer's state with getWeights()'s form: the first tensor is the iteration
   * count, the others `<variable>/<slot>`. Variables known to the optimizer get exactly the
   * state given (none: not stepped yet); variables not seen yet get theirs on their first step,
   * matched by name or, when no name matches, by position (as TF.js's optimizers match slots:
   * `tf.loadLayersModel` gives the variables new names). The `wasm-optim/<part>/` entries
   * (group state, Schedule-Free's mode) go to the inner optimizers, now or when they are made.
   * After loading an eval-mode state, call {@link train} before the next step (on a new adapter,
   * `build(variables)` first). The tensors stay the caller's (copied).
   * @throws InvalidOptionError for a malformed entry; CheckpointError (from loadStateDict)
   * when a state does not fit its variable's rule (a missing or wrongly sized buffer).
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.#checkLive();
    const first = weightValues[0];
    if (first === undefined)
      throw new InvalidOptionError("weightValues", weightValues, "the iteration count first, then the slots", "value");
    const iterations = (await first.tensor.data())[0]!;
    const saved = new Map<string, SavedState>();
    const extras = new Map<number, SavedExtra>();
    for (const [i, { name, tensor }] of weightValues.slice(1).entries()) {
      const cut = name.lastIndexOf("/");
      const where = `weightValues[${i + 1}] ("${name}")`;
      if (name.startsWith(OWN)) {
        await readExtra(name.slice(OWN.length).split("/"), tensor, where, extras, this.#parts.length);
        continue;
      }
      if (cut <= 0) throw new InvalidOptionError(where, name, "a name <variable>/<slot>", "value");
      const variable = name.slice(0, cut);
      const slot = name.slice(cut + 1);
      let st = saved.get(variable);
      if (!st) saved.set(variable, (st = { buffers: {}, scalars: {} }));
      const values = await tensor.data();
      if (slot === "step" && tensor.dtype === "int32" && values.length === 1) st.step = values[0]!;
      else if (tensor.dtype === "int32" && values.length === 2) st.scalars[slot] = numberOf(values);
      else if (tensor.dtype === "float32") st.buffers[slot] = Float32Array.from(values);
      else throw new InvalidOptionError(where, tensor.dtype, "int32 step, int32[2] scalar or float32 buffer", "value");
    }
    for (const [variable, st] of saved)
      if (st.step === undefined) throw new InvalidOptionError(`weightValues["${variable}/step"]`, undefined, "the step count (int32)");
    const loaded: [FirstOrderOptimizer<object>, OptimizerStateDict][] = [];
    try {
      for (const [pi, part] of this.#parts.entries()) {
        if (!part.optimizer) continue;
        const before = part.optimizer.stateDict();
        this.#load(part, saved, true, extras.get(pi));
        extras.delete(pi);
        loaded.push([part.optimizer, before]);
      }
    } catch (e) {
      for (const [opt, before] of loaded) opt.loadStateDict(before, { attachments: false }); // all or nothing (Muon's two rules)
      throw e;
    }
    this.#pending.clear();
    for (const [name, st] of saved) if (!this.#slots.has(name)) this.#pending.set(name, st);
    this.#pendingExtra.clear();
    for (const [pi, extra] of extras) this.#pendingExtra.set(pi, extra);
    this.iterations_ = iterations;
  }

  /** `{ rule, options }` (and Muon's `others`): what fromConfig needs (not `settings`). */
  override getConfig(): tf.serialization.ConfigDict {
    return structuredClone(this.#config) as unknown as tf.serialization.ConfigDict;
  }

  /** TF.js's deserialization (`model.compile` after loading a model saved with its optimizer). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = config as unknown as Config;
    return new cls(c.rule, c.options, {}, c.others);
  }

  /** Frees the wasm memory: the inner optimizers' state and the params. Later use throws StateError. */
  override dispose(): void {
    for (const part of this.#parts) {
      part.optimizer?.dispose();
      part.optimizer = part.stepper = null;
    }
    for (const s of this.#slots.values()) s.param.dispose();
    this.#slots.clear();
    this.#pending.clear();
    this.#pendingExtra.clear();
    this.#disposed = true;
    super.dispose();
  }

  /** Params for `variables` (not known yet), one Param.many block per part; all-or-nothing. */
  #add(variables: readonly Variable[]): void {
    if (variables.length === 0) return;
    const made: { part: Part; params: Param<Float32Array>[]; vars: Variable[] }[] = [];
    const path = dataPath();
    try {
      for (const part of this.#parts) {
        const vars = variables.filter((v) => this.#parts.find((p) => p.takes(v.shape)) === part);
        if (vars.length === 0) continue;
        const params = Param.many(
          vars.map((v) => v.shape),
          { names: vars.map((v) => v.name) },
        );
        made.push({ part, params, vars });
        vars.forEach((v, i) => path.read(v, params[i]!.data));
      }
      for (const { part, params } of made) {
        if (part.optimizer) part.optimizer.addParamGroup({ params });
        else {
          part.optimizer = RULES[part.rule](params, part.options);
          part.stepper = this.#settings.wrap?.(part.optimizer) ?? part.optimizer;
        }
      }
    } catch (e) {
      for (const { params } of made) for (const p of params) p.dispose();
      throw e;
    }
    for (const { part, params, vars } of made) {
      vars.forEach((v, i) => {
        const old = this.#slots.get(v.name);
        if (old) old.param.requiresGrad = false; // a variable of the same name was disposed: its param is left frozen
        this.#slots.set(v.name, { variable: v, param: params[i]!, part, dataId: v.dataId });
      });
    }
    if (this.#pending.size > 0) this.#loadPending(made.flatMap(({ vars }) => vars.map((v) => v.name)));
  }

  /**
   * Gives the new variables `names` (in the order getWeights lists them) their state saved by
   * setWeights: by name, or, when no name matches, by position, as TF.js's own optimizers
   * match their slots (a model loaded by tf.loadLayersModel has new variable names).
   */
  #loadPending(names: readonly string[]): void {
    const state = new Map<string, SavedState>();
    const take = (name: string, key: string): void => {
      state.set(name, this.#pending.get(key)!);
      this.#pending.delete(key);
    };
    const named = names.filter((n) => this.#pending.has(n));
    if (named.length > 0) for (const n of named) take(n, n);
    else {
      const keys = [...this.#pending.keys()];
      names.forEach((n, i) => {
        if (i < keys.length) take(n, keys[i]!);
      });
    }
    this.#parts.forEach((part, pi) => {
      if (!names.some((n) => this.#slots.get(n)!.part === part && state.has(n))) return;
      this.#load(part, state, false, this.#pendingExtra.get(pi));
      this.#pendingExtra.delete(pi);
    });
  }

  /**
   * Loads `saved` into `part`'s optimizer (all-or-nothing, by its loadStateDict); `reset`: the
   * params not in it lose their state. `extra`: group scalars (by group index) and the mode to set.
   */
  #load(part: Part, saved: ReadonlyMap<string, SavedState>, reset: boolean, extra?: SavedExtra): void {
    const opt = part.optimizer!;
    const names = new Map<Param, string>();
    for (const [name, s] of this.#slots) if (s.part === part) names.set(s.param, name);
    const dict = opt.stateDict();
    const patched: OptimizerStateDict = {
      ...dict,
      paramGroups: dict.paramGroups.map((g, gi) => ({
        ...g,
        state: extra?.groups.has(gi) ? { ...g.state, ...extra.groups.get(gi) } : g.state,
        params: g.params.map((entry, pi) => {
          const st = saved.get(names.get(opt.paramGroups[gi]!.params[pi]!) ?? "");
          if (!st) return reset ? { ...entry, state: null } : entry;
          const state: ParamStateDict = { step: st.step!, scalars: st.scalars, buffers: st.buffers };
          return { ...entry, state };
        }),
      })),
      extra: extra?.mode ? { ...dict.extra, mode: extra.mode } : dict.extra,
    };
    opt.loadStateDict(patched, { attachments: false });
  }

  /** eval() / train(): switches the Schedule-Free inner optimizers and assigns their variables the new values. */
  #setMode(mode: Mode): void {
    this.#checkLive();
    const path = dataPath();
    for (const part of this.#parts) {
      const opt = part.optimizer;
      if (!(opt instanceof ScheduleFreeOptimizer) || opt.mode === mode) continue;
      const slots = [...this.#slots.values()].filter((s) => s.part === part);
      for (const s of slots) readIfAssigned(s, path);
      if (mode === "eval") opt.eval();
      else opt.train();
      for (const s of slots) writeBack(s, path);
    }
  }

  #checkLive(): void {
    if (this.#disposed) throw new StateError(`wasm-optim: this ${this.rule} adapter was disposed`);
  }
}

tf.serialization.registerClass(WasmOptimizer);

/**
 * Reads one `wasm-optim/` entry of setWeights (`path`: after the prefix) into `extras`:
 * `<part>/<group>/<key>` (int32[2], a float64's words) or `<part>/mode` (int32 scalar, 0 train, 1 eval).
 */
async function readExtra(
  path: readonly string[],
  tensor: Tensor,
  where: string,
  extras: Map<number, SavedExtra>,
  parts: number,
): Promise<void> {
  const index = (s: string | undefined, below: number): number | null => {
    const i = Number(s);
    return s !== undefined && /^\d+$/.test(s) && i < below ? i : null;
  };
  const pi = index(path[0], parts);
  const values = await tensor.data();
  const ok = tensor.dtype === "int32";
  const extra = (): SavedExtra => {
    let e = extras.get(pi!);
    if (!e) extras.set(pi!, (e = { groups: new Map() }));
    return e;
  };
  if (pi !== null && path.length === 2 && path[1] === "mode" && ok && values.length === 1 && (values[0] === 0 || values[0] === 1)) {
    extra().mode = values[0] === 1 ? "eval" : "train";
    return;
  }
  const gi = index(path[1], Infinity);
  if (pi !== null && gi !== null && path.length === 3 && ok && values.length === 2) {
    const e = extra();
    let g = e.groups.get(gi);
    if (!g) e.groups.set(gi, (g = {}));
    g[path[2]!] = numberOf(values);
    return;
  }
  throw new InvalidOptionError(
    where,
    tensor.dtype,
    "wasm-optim/<part>/<group>/<key> (int32[2]) or wasm-optim/<part>/mode (int32 0 or 1)",
    "value",
  );
}

/** Reads a variable assigned outside the optimizer since the adapter last wrote or read it into its param. */
function readIfAssigned(s: Slot, path: DataPath): void {
  if (s.variable.dataId === s.dataId) return;
  path.read(s.variable, s.param.data);
  s.dataId = s.variable.dataId;
}

/** Assigns the variable its param's values (a copy: see data-path.ts) and records its new storage. */
function writeBack(s: Slot, path: DataPath): void {
  path.write(s.variable, s.param.data);
  s.dataId = s.variable.dataId;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The registered float32 tf.Variable called `name`. */
function variableNamed(name: string, where: string): Variable {
  const v = tf.engine().registeredVariables[name];
  if (!v || v.dtype !== "float32") throw new InvalidOptionError(where, name, "the name of a registered float32 tf.Variable", "value");
  // getWeights() names the adapter's own entries OWN + ...: a variable there would be read back as one
  if (name.startsWith(OWN))
    throw new InvalidOptionError(where, name, `a variable whose name does not start with "${OWN}" (reserved)`, "value");
  return v;
}

/** Checks `options` as the rule's constructor does (on a 1 x 1 param, freed at once). */
function probe(rule: Rule, options: object): void {
  const p = new Param([1, 1]);
  try {
    RULES[rule]([p], options).dispose();
  } finally {
    p.dispose();
  }
}
