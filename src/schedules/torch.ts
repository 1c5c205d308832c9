// PyTorch-named learning-rate schedulers, for porting scripts: the constructor arguments of
// torch.optim.lr_scheduler and torch.optim.swa_utils.SWALR (camelCase) and, step by step,
// the values torch 1.13 computes (its recursive "chainable" forms included, so the float64
// numbers agree). Each step() writes group.lr through the validated setter, all groups or
// none. Behaviour torch 2.x added is followed where noted (CyclicLR cycling Adam's betas[0],
// per-group options following groups added later).
//
// Every per-group value follows the optimizer's groups: a group added with addParamGroup
// after the scheduler was built gets the scheduler's one-number options (and its own lr as
// initial lr); an option given as one value per group cannot cover it, and step() then
// throws a StateError, as torch 2.x raises for ReduceLROnPlateau's list-valued min_lr.
//
// torch's group["initial_lr"] lives in the optimizer's per-group scalar state
// (optimizer.groupState, saved as paramGroups[i].state.initial_lr in stateDict()), so it
// travels with the optimizer's checkpoint and torch's resume recipe works: load the
// optimizer's state into a fresh optimizer (`{ attachments: false }` when the checkpoint
// also holds the old scheduler), then build the scheduler with `lastEpoch: N`.
import { InvalidOptionError, StateError } from "../errors.js";
import { bool, integer, isArray, nonNegative, oneOf, optionsObject, positive, range, type Check } from "../options.js";
import { CheckpointError, type PendingLoad, type StateTree, type StateValue } from "../checkpoint/attachment.js";
import { asArray, asInteger, asNumber } from "../checkpoint/read.js";
import type { ParamGroup } from "../optimizer.js";
import { checkOptimizer, type AnyOptimizer } from "../any-optimizer.js";
import { checkIncreasing, countAtMost, cyclePhases, finite, type Anneal, type Schedule } from "./core.js";
import { readGroupValue, Scheduler, setGroupValues, type GroupUpdate } from "./scheduler.js";

type Group = ParamGroup<object>;

/** The key of torch's group["initial_lr"] in optimizer.groupState. */
export const INITIAL_LR = "initial_lr";

function initialLrOf(optimizer: AnyOptimizer, group: Group): number | undefined {
  return optimizer.groupState.get(group)?.[INITIAL_LR];
}
/** torch's group.setdefault("initial_lr", lr) (or, with `force`, group["initial_lr"] = lr). */
function recordInitialLr(optimizer: AnyOptimizer, group: Group, lr: number, force: boolean): void {
  let s = optimizer.groupState.get(group);
  if (!s) optimizer.groupState.set(group, (s = {}));
  if (force || s[INITIAL_LR] === undefined) s[INITIAL_LR] = lr;
}

const lastEpochCheck = integer(-1);

/**
 * An option given as one value for every group (also groups added later) or as one value
 * per group at construction (torch's _format_param).
 */
class GroupOption<V> {
  readonly given: V | readonly V[];
  constructor(
    readonly name: string,
    value: unknown,
    groups: number,
    check: Check<V>,
    readonly owner: string,
  ) {
    if (Array.isArray(value)) {
      if (value.length !== groups) throw new InvalidOptionError(name, value, `one value or an array of ${groups} (one per group)`);
      this.given = Object.freeze(value.map((x, i) => check(`${name}[${i}]`, x)));
    } else this.given = check(name, value);
  }
  /** The value of group i of n; a StateError when given per group and n groups no longer match. */
  at(i: number, n: number): V {
    const g = this.given;
    if (!Array.isArray(g)) return g as V;
    if (g.length !== n) {
      throw new StateError(
        `wasm-optim: ${this.owner}'s ${this.name} has ${g.length} values (one per group when it was built) but the optimizer now has ${n} groups; build a new ${this.owner}, or give ${this.name} as one value to cover groups added later`,
      );
    }
    return g[i] as V;
  }
  values(n: number): V[] {
    return Array.from({ length: n }, (_, i) => this.at(i, n));
  }
  /** The form given (numbers only; functions are recorded by count). */
  config(): StateValue {
    const g = this.given;
    if (Array.isArray(g)) return g.map((x) => (typeof x === "number" ? x : "function"));
    return typeof g === "number" ? g : "function";
  }
}

/** The values of every group's hyperparameters that schedulers write, to put back after a failed step. */
function snapshotGroups(optimizer: AnyOptimizer): () => void {
  const saved = optimizer.paramGroups.map((group) => {
    const g = group as unknown as Record<string, unknown>;
    const values = { ...g };
    delete values.params;
    return [g, values] as const;
  });
  return () => {
    for (const [g, values] of saved) for (const [k, v] of Object.entries(values)) if (g[k] !== v) g[k] = v;
  };
}

/** How a new scheduler records the groups' initial lrs (torch's initial_lr). */
export interface InitialLrs {
  /** One per group at construction. */
  lrs: readonly number[];
  /** true: overwrite what an earlier scheduler set (OneCycleLR); false: only where none is set. */
  force: boolean;
}

/**
 * torch.optim.lr_scheduler._LRScheduler: `lastEpoch` counts the step() calls (-1 before
 * the first, which the constructor makes), `baseLrs` are the groups' initial lrs (torch's
 * base_lrs; extended for groups added later with their initial_lr, or their lr).
 *
 * Every scheduler is built from its optimizer and an options object of torch's keyword
 * arguments in camelCase, and makes its first step (torch's initial step) in the constructor.
 * A bad option throws {@link InvalidOptionError} naming it, before anything changes; a
 * per-group option that no longer matches the groups makes step() throw {@link StateError};
 * a checkpoint that does not fit throws {@link CheckpointError}. Step counts are scheduler
 * steps (torch's epochs): whatever unit you call step() at.
 * @see torch.optim.lr_scheduler, torch 1.13: https://pytorch.org/docs/1.13/optim.html#how-to-adjust-learning-rate
 */
export abstract class LRScheduler extends Scheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "LRScheduler";
  /** The number of step() calls made (torch's `last_epoch`; the constructor's own step makes it 0). */
  lastEpoch: number;
  /** Each group's initial lr (torch's `base_lrs`), extended for groups added later. */
  readonly baseLrs: number[];
  /** torch's _step_count (CosineAnnealingLR and SWALR look at it). */
  protected stepCount = 0;
  #lastLr: number[] = [];
  /** The initial lrs this scheduler records for the groups once its first step succeeded. */
  readonly #initial: InitialLrs | null;

  /**
   * `initial`: what the groups' initial lrs are to be; by default each group keeps the one
   * an earlier scheduler set, or its current lr. With `lastEpoch` >= 0 (resuming) every
   * group must have an initial lr already (InvalidOptionError otherwise, as torch's KeyError).
   * Subclasses check their own arguments before calling this, so that a bad argument leaves
   * everything as it was.
   */
  constructor(optimizer: AnyOptimizer, lastEpoch = -1, initial?: InitialLrs) {
    lastEpochCheck("lastEpoch", lastEpoch);
    const groups = checkOptimizer(optimizer).paramGroups;
    if (lastEpoch !== -1) {
      groups.forEach((g, i) => {
        if (initialLrOf(optimizer, g) === undefined) {
          throw new InvalidOptionError(
            "lastEpoch",
            lastEpoch,
            `-1: paramGroups[${i}] has no initial_lr to resume from (load the optimizer's state saved while a scheduler drove it first)`,
          );
        }
      });
    }
    super(optimizer);
    if (lastEpoch === -1) {
      const lrs = groups.map((g, i) => {
        const own = initial?.lrs[i];
        return initial?.force ? own! : (initialLrOf(optimizer, g) ?? own ?? readGroupValue(g, "lr", "the group"));
      });
      this.#initial = { lrs, force: initial?.force ?? false };
      this.baseLrs = [...lrs];
    } else {
      this.#initial = null;
      this.baseLrs = groups.map((g) => initialLrOf(optimizer, g)!);
    }
    this.lastEpoch = lastEpoch;
  }

  /** torch's _initial_step: the constructor's step (subclasses call it once set up). */
  protected initialStep(): void {
    try {
      this.stepCount = 0;
      this.step();
    } catch (e) {
      this.detach();
      throw e;
    }
    const initial = this.#initial;
    if (initial)
      this.optimizer.paramGroups.forEach(
        (g, i) => i < initial.lrs.length && recordInitialLr(this.optimizer, g, initial.lrs[i]!, initial.force),
      );
  }

  /** The lrs the last step() set. */
  getLastLr(): number[] {
    return [...this.#lastLr];
  }

  /**
   * Moves to the next epoch (or, deprecated as in torch, to `epoch`, with the closed form
   * where the scheduler has one) and sets each group's lr. All groups or none.
   */
  step(epoch?: number): void {
    this.runStep(() => {
      if (epoch === undefined) {
        this.lastEpoch++;
        return this.getLr();
      }
      this.lastEpoch = lastEpochCheck("epoch", epoch);
      return this.closedFormLr() ?? this.getLr();
    });
  }

  /**
   * One step: catches up with groups added since the last one, counts it, lets `advance`
   * move the position and return the lrs, and sets them with extraUpdates(). On any error
   * the position (and `undo`'s part of it) is put back and no group changes.
   */
  protected runStep(advance: () => number[], undo?: () => void): void {
    this.syncGroups();
    const saved = { lastEpoch: this.lastEpoch, stepCount: this.stepCount };
    try {
      this.stepCount++;
      const values = advance();
      this.setLrs(values, this.extraUpdates());
    } catch (e) {
      Object.assign(this, saved);
      undo?.();
      throw e;
    }
    this.#lastLr = this.lrs();
  }

  /** Extends baseLrs (and initial_lr) to groups added with addParamGroup since the last step. */
  protected syncGroups(): void {
    const groups = this.optimizer.paramGroups;
    for (let i = this.baseLrs.length; i < groups.length; i++) {
      const g = groups[i]!;
      const lr = initialLrOf(this.optimizer, g) ?? readGroupValue(g, "lr", "the group");
      recordInitialLr(this.optimizer, g, lr, false);
      this.baseLrs.push(lr);
    }
  }

  /** baseLrs for the current groups, without recording anything (for stateDict). */
  #currentBaseLrs(): number[] {
    const groups = this.optimizer.paramGroups;
    return groups.map((g, i) => this.baseLrs[i] ?? initialLrOf(this.optimizer, g) ?? readGroupValue(g, "lr", "the group"));
  }

  /** The chainable form: the lrs for `lastEpoch`, usually from the current ones. */
  protected abstract getLr(): number[];
  /** The closed form, used by step(epoch); null where torch has none. */
  protected closedFormLr(): number[] | null {
    return null;
  }
  /** Other values to set with the lrs (CyclicLR's and OneCycleLR's momentum). */
  protected extraUpdates(): GroupUpdate[] {
    return [];
  }

  /** Sets every group's lr (and the `extra` values) through the validated setters, all or none. */
  protected setLrs(values: readonly number[], extra: GroupUpdate[]): void {
    setGroupValues([...extra, ...this.optimizer.paramGroups.map((group, i) => ({ group, key: "lr", value: values[i]! }))]);
  }

  /** The groups' current lrs. */
  protected lrs(): number[] {
    return this.optimizer.paramGroups.map((g) => readGroupValue(g, "lr", "the group"));
  }

  protected position(): StateTree {
    return { lastEpoch: this.lastEpoch, stepCount: this.stepCount, baseLrs: this.#currentBaseLrs(), lastLr: [...this.#lastLr] };
  }

  protected preparePosition(saved: StateTree, where: string): PendingLoad {
    const n = this.optimizer.paramGroups.length;
    const lastEpoch = asInteger(saved.lastEpoch, `${where}.lastEpoch`, -1);
    const stepCount = asInteger(saved.stepCount, `${where}.stepCount`);
    const baseLrs = asArray(saved.baseLrs, `${where}.baseLrs`, n).map((x, i) => asNumber(x, `${where}.baseLrs[${i}]`, true));
    const lastLr = readLastLr(saved.lastLr, `${where}.lastLr`, n);
    return {
      commit: () => {
        this.lastEpoch = lastEpoch;
        this.stepCount = stepCount;
        this.baseLrs.splice(0, this.baseLrs.length, ...baseLrs);
        this.#lastLr = lastLr;
        this.optimizer.paramGroups.forEach((g, i) => recordInitialLr(this.optimizer, g, baseLrs[i]!, false));
      },
    };
  }
}

/** A saved lastLr: finite numbers, one per group at the last step (groups may have been added since). */
function readLastLr(v: StateValue | undefined, where: string, groups: number): number[] {
  const list = asArray(v, where);
  if (list.length > groups) throw new CheckpointError("mismatch", `${where} has ${list.length} entries, the optimizer ${groups} groups`);
  return list.map((x, i) => asNumber(x, `${where}[${i}]`, true));
}

/** A factor of the initial lr as a function of the epoch (`lastEpoch`), as torch's `lr_lambda`. */
export type LrLambda = (epoch: number) => number;
function lambdaCheck(name: string, v: unknown): LrLambda {
  if (typeof v !== "function") throw new InvalidOptionError(name, v, "a function of the epoch returning a factor");
  return v as LrLambda;
}

/** The options of {@link LambdaLR} (torch's keyword arguments, camelCase). */
export interface LambdaLROptions {
  /**
   * One function for every group (also groups added later), or one per group: epoch → factor of the initial lr.
   */
  lrLambda: LrLambda | readonly LrLambda[];
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/** The positional form (torch's) or the options form, as `{ lrLambda, lastEpoch }`. */
function lambdaArgs(
  optimizer: AnyOptimizer,
  arg: unknown, // LrLambda | readonly LrLambda[] | LambdaLROptions, from JavaScript
  lastEpoch: number | undefined,
  owner: string,
): { lambdas: GroupOption<LrLambda>; lastEpoch: number } {
  const n = checkOptimizer(optimizer).paramGroups.length;
  const isOptions = arg !== null && typeof arg === "object" && !Array.isArray(arg);
  const o = isOptions
    ? optionsObject(arg as LambdaLROptions, "options", ["lrLambda", "lastEpoch"])
    : { lrLambda: arg as LrLambda | readonly LrLambda[], lastEpoch };
  if (isOptions && lastEpoch !== undefined)
    throw new InvalidOptionError("lastEpoch", lastEpoch, "no third argument with the options form (put lastEpoch in the options)");
  return { lambdas: new GroupOption("lrLambda", o.lrLambda, n, lambdaCheck, owner), lastEpoch: o.lastEpoch ?? -1 };
}

/**
 * lr = initial lr * lrLambda(epoch) (one function, or one per group).
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.LambdaLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.LambdaLR.html
 */
export class LambdaLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "LambdaLR";
  readonly #lambdas: GroupOption<LrLambda>;
  /** `new LambdaLR(opt, lrLambda, lastEpoch?)` (torch's positional form) or `new LambdaLR(opt, { lrLambda, lastEpoch })`. */
  constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[] | LambdaLROptions, lastEpoch?: number) {
    const a = lambdaArgs(optimizer, lrLambda, lastEpoch, "LambdaLR");
    super(optimizer, a.lastEpoch);
    this.#lambdas = a.lambdas;
    this.initialStep();
  }
  /** The functions, one per current group. */
  get lrLambdas(): readonly LrLambda[] {
    return this.#lambdas.values(this.optimizer.paramGroups.length);
  }
  protected getLr(): number[] {
    const n = this.baseLrs.length;
    return this.baseLrs.map((b, i) => b * this.#lambdas.at(i, n)(this.lastEpoch));
  }
  protected config(): StateTree {
    return { lrLambda: this.#lambdas.config() };
  }
}

/**
 * Multiplies the current lr by lrLambda(epoch) at every step after the first (torch's MultiplicativeLR).
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.MultiplicativeLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.MultiplicativeLR.html
 */
export class MultiplicativeLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "MultiplicativeLR";
  readonly #lambdas: GroupOption<LrLambda>;
  /** `new MultiplicativeLR(opt, { lrLambda, lastEpoch })` (or torch's positional form). */
  constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[] | LambdaLROptions, lastEpoch?: number) {
    const a = lambdaArgs(optimizer, lrLambda, lastEpoch, "MultiplicativeLR");
    super(optimizer, a.lastEpoch);
    this.#lambdas = a.lambdas;
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.lrs();
    if (this.lastEpoch <= 0) return lrs;
    return lrs.map((lr, i) => lr * this.#lambdas.at(i, lrs.length)(this.lastEpoch));
  }
  protected config(): StateTree {
    return { lrLambda: this.#lambdas.config() };
  }
}
/** The options of {@link StepLR} (torch's keyword arguments, camelCase). */
export interface StepLROptions {
  /**
   * Period of the decay, in scheduler steps (torch's epochs: whatever unit you call step() at); an integer ≥ 1.
   */
  stepSize: number;
  /**
   * Multiplicative factor of the decay, ≥ 0.
   * @defaultValue `0.1`
   */
  gamma?: number;
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/**
 * Multiplies the lr by gamma every stepSize epochs.
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 *
 * @example
 * ```ts
 * import { Param, SGD, StepLR } from "wasm-optim";
 * const w = new Param(4);
 * const opt = new SGD([w], { lr: 0.1 });
 * const scheduler = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
 * const lrs: number[] = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]!);
 *   opt.step(); // (an epoch of training)
 *   scheduler.step();
 * }
 * console.log(lrs); // → [ 0.1, 0.1, 0.05, 0.05, 0.025 ]
 * opt.dispose();
 * w.dispose();
 * ```
 * @see torch.optim.lr_scheduler.StepLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.StepLR.html
 */
export class StepLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "StepLR";
  /** The `stepSize` option (see {@link StepLROptions.stepSize}). */
  readonly stepSize: number;
  /** The `gamma` option (see {@link StepLROptions.gamma}). */
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, options: StepLROptions) {
    const { stepSize, gamma = 0.1, lastEpoch = -1 } = optionsObject(options, "options", ["stepSize", "gamma", "lastEpoch"]);
    integer(1)("stepSize", stepSize);
    finite("gamma", gamma);
    super(optimizer, lastEpoch);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.lrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
  protected config(): StateTree {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }
}

/** The options of {@link MultiStepLR} (torch's keyword arguments, camelCase). */
export interface MultiStepLROptions {
  /**
   * Steps at which the lr is multiplied by gamma, in scheduler steps (torch's epochs: whatever unit you call step() at); integers ≥ 0 (a repeated one counts twice).
   */
  milestones: readonly number[];
  /**
   * Multiplicative factor of the decay, ≥ 0.
   * @defaultValue `0.1`
   */
  gamma?: number;
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/**
 * Multiplies the lr by gamma at each milestone (a repeated milestone counts twice).
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.MultiStepLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.MultiStepLR.html
 */
export class MultiStepLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "MultiStepLR";
  /** The `milestones` option (see {@link MultiStepLROptions.milestones}). */
  readonly milestones: readonly number[];
  /** The `gamma` option (see {@link MultiStepLROptions.gamma}). */
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, options: MultiStepLROptions) {
    const { milestones, gamma = 0.1, lastEpoch = -1 } = optionsObject(options, "options", ["milestones", "gamma", "lastEpoch"]);
    if (!isArray(milestones)) throw new InvalidOptionError("milestones", milestones, "an array of integers >= 0", "type");
    milestones.forEach((m, i) => integer(0)(`milestones[${i}]`, m)); // in any order, repeats counting twice (torch's Counter)
    finite("gamma", gamma);
    super(optimizer, lastEpoch);
    this.milestones = Object.freeze([...milestones].sort((a, b) => a - b));
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const k = this.milestones.filter((m) => m === this.lastEpoch).length;
    const lrs = this.lrs();
    return k === 0 ? lrs : lrs.map((lr) => lr * this.gamma ** k);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** countAtMost(this.milestones, this.lastEpoch));
  }
  protected config(): StateTree {
    return { milestones: [...this.milestones], gamma: this.gamma };
  }
}

/** The options of {@link ExponentialLR} (torch's keyword arguments, camelCase). */
export interface ExponentialLROptions {
  /**
   * Multiplicative factor applied every step, ≥ 0.
   */
  gamma: number;
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/**
 * Multiplies the lr by gamma every epoch.
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.ExponentialLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.ExponentialLR.html
 */
export class ExponentialLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "ExponentialLR";
  /** The `gamma` option (see {@link ExponentialLROptions.gamma}). */
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, options: ExponentialLROptions) {
    const { gamma, lastEpoch = -1 } = optionsObject(options, "options", ["gamma", "lastEpoch"]);
    finite("gamma", gamma);
    super(optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.lrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
  protected config(): StateTree {
    return { gamma: this.gamma };
  }
}

/** The options of {@link LinearLR} (torch's keyword arguments, camelCase). */
export interface LinearLROptions {
  /**
   * The factor of the initial lr at the start, in (0, 1].
   * @defaultValue `1 / 3`
   */
  startFactor?: number;
  /**
   * The factor reached after totalIters, in [0, 1].
   * @defaultValue `1`
   */
  endFactor?: number;
  /**
   * Steps of the ramp, in scheduler steps (torch's epochs: whatever unit you call step() at); an integer ≥ 1.
   * @defaultValue `5`
   */
  totalIters?: number;
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/**
 * Multiplies the initial lr by a factor going linearly from startFactor to endFactor over totalIters.
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.LinearLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.LinearLR.html
 */
export class LinearLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "LinearLR";
  /** The `startFactor` option (see {@link LinearLROptions.startFactor}). */
  readonly startFactor: number;
  /** The `endFactor` option (see {@link LinearLROptions.endFactor}). */
  readonly endFactor: number;
  /** The `totalIters` option (see {@link LinearLROptions.totalIters}). */
  readonly totalIters: number;
  constructor(optimizer: AnyOptimizer, options: LinearLROptions = {}) {
    const {
      startFactor = 1 / 3,
      endFactor = 1,
      totalIters = 5,
      lastEpoch = -1,
    } = optionsObject(options, "options", ["startFactor", "endFactor", "totalIters", "lastEpoch"]);
    // torch rejects 0 only implicitly (a division by zero); a factor must be in (0, 1] here
    range(0, 1, { loOpen: true })("startFactor", startFactor);
    range(0, 1)("endFactor", endFactor);
    integer(1)("totalIters", totalIters);
    super(optimizer, lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.lrs();
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    if (t === 0) return lrs.map((lr) => lr * s);
    if (t > n) return lrs;
    return lrs.map((lr) => lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }
  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, t)) / n));
  }
  protected config(): StateTree {
    return { startFactor: this.startFactor, endFactor: this.endFactor, totalIters: this.totalIters };
  }
}

/** The options of {@link CosineAnnealingLR} (torch's keyword arguments, camelCase). */
export interface CosineAnnealingLROptions {
  /**
   * Half-period of the cosine, in scheduler steps (torch's epochs: whatever unit you call step() at); an integer ≥ 1.
   */
  tMax: number;
  /**
   * The lowest lr, ≥ 0.
   * @defaultValue `0`
   */
  etaMin?: number;
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/**
 * Cosine annealing from the initial lr to etaMin over tMax epochs (and back up after, as torch).
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.CosineAnnealingLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.CosineAnnealingLR.html
 */
export class CosineAnnealingLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "CosineAnnealingLR";
  /** The `tMax` option (see {@link CosineAnnealingLROptions.tMax}). */
  readonly tMax: number;
  /** The `etaMin` option (see {@link CosineAnnealingLROptions.etaMin}). */
  readonly etaMin: number;
  constructor(optimizer: AnyOptimizer, options: CosineAnnealingLROptions) {
    const { tMax, etaMin = 0, lastEpoch = -1 } = optionsObject(options, "options", ["tMax", "etaMin", "lastEpoch"]);
    integer(1)("tMax", tMax);
    nonNegative("etaMin", etaMin);
    super(optimizer, lastEpoch);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { tMax: T, etaMin: m, lastEpoch: t } = this;
    const lrs = this.lrs();
    if (t === 0) return lrs;
    if (this.stepCount === 1 && t > 0) return this.baseLrs.map((b) => m + ((b - m) * (1 + Math.cos((t * Math.PI) / T))) / 2);
    if ((t - 1 - T) % (2 * T) === 0) return lrs.map((lr, i) => lr + ((this.baseLrs[i]! - m) * (1 - Math.cos(Math.PI / T))) / 2);
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (lr - m) + m);
  }
  protected override closedFormLr(): number[] {
    const { tMax: T, etaMin: m, lastEpoch: t } = this;
    return this.baseLrs.map((b) => m + ((b - m) * (1 + Math.cos((Math.PI * t) / T))) / 2);
  }
  protected config(): StateTree {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }
}

/** The options of {@link ConstantLR} (torch's keyword arguments, camelCase). */
export interface ConstantLROptions {
  /**
   * The factor applied until totalIters, in (0, 1].
   * @defaultValue `1 / 3`
   */
  factor?: number;
  /**
   * Steps during which the factor applies, in scheduler steps (torch's epochs: whatever unit you call step() at); an integer ≥ 0.
   * @defaultValue `5`
   */
  totalIters?: number;
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/**
 * Multiplies the initial lr by `factor` for the first totalIters epochs (torch's ConstantLR).
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.ConstantLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.ConstantLR.html
 */
export class ConstantLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "ConstantLR";
  /** The `factor` option (see {@link ConstantLROptions.factor}). */
  readonly factor: number;
  /** The `totalIters` option (see {@link ConstantLROptions.totalIters}). */
  readonly totalIters: number;
  constructor(optimizer: AnyOptimizer, options: ConstantLROptions = {}) {
    const { factor = 1 / 3, totalIters = 5, lastEpoch = -1 } = optionsObject(options, "options", ["factor", "totalIters", "lastEpoch"]);
    // torch accepts 0 and then divides by it at totalIters; (0, 1] here
    range(0, 1, { loOpen: true })("factor", factor);
    integer(0)("totalIters", totalIters);
    super(optimizer, lastEpoch);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.lrs();
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return lrs;
    return lrs.map((lr) => lr * (1.0 / this.factor));
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
  protected config(): StateTree {
    return { factor: this.factor, totalIters: this.totalIters };
  }
}

/** The options of {@link PolynomialLR} (torch's keyword arguments, camelCase). */
export interface PolynomialLROptions {
  /**
   * Steps until the lr reaches 0, in scheduler steps (torch's epochs: whatever unit you call step() at); an integer ≥ 1.
   * @defaultValue `5`
   */
  totalIters?: number;
  /**
   * The power of the polynomial, ≥ 0 (1: linear).
   * @defaultValue `1`
   */
  power?: number;
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/**
 * lr = initial lr * (1 - min(epoch, totalIters) / totalIters)^power, in torch 1.13's chainable form.
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.PolynomialLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.PolynomialLR.html
 */
export class PolynomialLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "PolynomialLR";
  /** The `totalIters` option (see {@link PolynomialLROptions.totalIters}). */
  readonly totalIters: number;
  /** The `power` option (see {@link PolynomialLROptions.power}). */
  readonly power: number;
  constructor(optimizer: AnyOptimizer, options: PolynomialLROptions = {}) {
    const { totalIters = 5, power = 1, lastEpoch = -1 } = optionsObject(options, "options", ["totalIters", "power", "lastEpoch"]);
    integer(1)("totalIters", totalIters);
    nonNegative("power", power);
    super(optimizer, lastEpoch);
    this.totalIters = totalIters;
    this.power = power;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { totalIters: n, lastEpoch: t } = this;
    const lrs = this.lrs();
    if (t === 0 || t > n) return lrs;
    const factor = ((1.0 - t / n) / (1.0 - (t - 1) / n)) ** this.power;
    return lrs.map((lr) => lr * factor);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (1.0 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
  protected config(): StateTree {
    return { totalIters: this.totalIters, power: this.power };
  }
}

/** The options of {@link OneCycleLR} (torch's keyword arguments, camelCase). */
export interface OneCycleLROptions {
  /**
   * The peak lr (one, or one per group), ≥ 0.
   */
  maxLr: number | readonly number[];
  /**
   * Length of the cycle in step() calls (usually optimizer steps); or give `epochs` and `stepsPerEpoch`.
   */
  totalSteps?: number;
  /**
   * With stepsPerEpoch, gives totalSteps = epochs · stepsPerEpoch.
   */
  epochs?: number;
  /**
   * With epochs, gives totalSteps = epochs · stepsPerEpoch.
   */
  stepsPerEpoch?: number;
  /**
   * Fraction of the cycle spent raising the lr, in [0, 1].
   * @defaultValue `0.3`
   */
  pctStart?: number;
  /**
   * `"cos"` or `"linear"` annealing between the phases.
   * @defaultValue `"cos"`
   */
  annealStrategy?: Anneal;
  /**
   * Cycle the momentum (SGD, RMSprop) or `betas[0]` (Adam-like, torch 2.x) inversely to the lr, between maxMomentum and baseMomentum.
   * @defaultValue `true`
   */
  cycleMomentum?: boolean;
  /**
   * The lowest momentum (at the lr's peak), one or one per group.
   * @defaultValue `0.85`
   */
  baseMomentum?: number | readonly number[];
  /**
   * The highest momentum (at the start and end), one or one per group.
   * @defaultValue `0.95`
   */
  maxMomentum?: number | readonly number[];
  /**
   * The initial lr is maxLr / divFactor; > 0.
   * @defaultValue `25`
   */
  divFactor?: number;
  /**
   * The final lr is the initial lr / finalDivFactor; > 0.
   * @defaultValue `1e4`
   */
  finalDivFactor?: number;
  /**
   * A third phase anneals from the initial lr to the final lr (fast.ai's schedule); false: two phases, as Smith & Topin.
   * @defaultValue `false`
   */
  threePhase?: boolean;
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/** "betas[0]" for Adam-like optimizers, else "momentum" (torch 2.x's use_beta1); "" when neither. */
function momentumKeyOf(optimizer: AnyOptimizer): string {
  const d = optimizer.defaults as Record<string, unknown>;
  return "betas" in d ? "betas[0]" : "momentum" in d ? "momentum" : "";
}

/**
 * The 1cycle policy: lr (and, inversely, momentum or betas[0]) over totalSteps steps.
 * Stepping exactly totalSteps times is allowed, as in torch: with cosine annealing the last
 * value is torch's (extrapolated, above the final lr); with linear annealing, where torch's
 * would fall below the final lr (even below 0), the final values are held, and no lr is
 * below the final one (torch's last-step value can be an ulp below it).
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.OneCycleLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.OneCycleLR.html
 */
export class OneCycleLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "OneCycleLR";
  /** The `totalSteps` option (see {@link OneCycleLROptions.totalSteps}). */
  readonly totalSteps: number;
  readonly #phase: { pctStart: number; anneal: Anneal; threePhase: boolean };
  readonly #divFactor: number;
  readonly #finalDivFactor: number;
  readonly #maxLr: GroupOption<number>;
  readonly #cycleMomentum: boolean;
  readonly #baseMomentum: GroupOption<number>;
  readonly #maxMomentum: GroupOption<number>;
  readonly #momentumKey: string;
  /** Per group: the lr schedule and the momentum one (made for groups as they appear). */
  readonly #schedules: { lr: Schedule; final: number; momentum: Schedule | null }[] = [];

  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    const o = optionsObject(options, "options", [
      "maxLr",
      "totalSteps",
      "epochs",
      "stepsPerEpoch",
      "pctStart",
      "annealStrategy",
      "cycleMomentum",
      "baseMomentum",
      "maxMomentum",
      "divFactor",
      "finalDivFactor",
      "threePhase",
      "lastEpoch",
    ]);
    const n = checkOptimizer(optimizer).paramGroups.length;
    const lastEpoch = lastEpochCheck("lastEpoch", o.lastEpoch ?? -1);
    const totalSteps =
      o.totalSteps !== undefined
        ? integer(1)("totalSteps", o.totalSteps)
        : o.epochs !== undefined || o.stepsPerEpoch !== undefined
          ? integer(1)("epochs", o.epochs) * integer(1)("stepsPerEpoch", o.stepsPerEpoch)
          : (() => {
              throw new InvalidOptionError("totalSteps", undefined, "totalSteps, or epochs and stepsPerEpoch");
            })();
    const anneal = oneOf<Anneal>("cos", "linear")("annealStrategy", o.annealStrategy ?? "cos");
    const phase = { pctStart: o.pctStart ?? 0.3, anneal, threePhase: bool("threePhase", o.threePhase ?? false) };
    cyclePhases(totalSteps, phase, 0, 1, 0); // checks pctStart and annealStrategy
    const divFactor = positive("divFactor", o.divFactor ?? 25);
    const finalDivFactor = positive("finalDivFactor", o.finalDivFactor ?? 1e4);
    const maxLr = new GroupOption("maxLr", o.maxLr, n, nonNegative, "OneCycleLR");
    const cycleMomentum = bool("cycleMomentum", o.cycleMomentum ?? true);
    const maxMomentum = new GroupOption("maxMomentum", o.maxMomentum ?? 0.95, n, nonNegative, "OneCycleLR");
    const baseMomentum = new GroupOption("baseMomentum", o.baseMomentum ?? 0.85, n, nonNegative, "OneCycleLR");
    const key = cycleMomentum ? momentumKeyOf(optimizer) : "";
    if (cycleMomentum && !key)
      throw new InvalidOptionError("cycleMomentum", true, `false: ${optimizer.kind} has neither momentum nor betas`);
    // torch sets each group's initial lr to maxLr / divFactor (whatever an earlier scheduler set)
    super(optimizer, lastEpoch, { lrs: maxLr.values(n).map((m) => m / divFactor), force: true });
    this.totalSteps = totalSteps;
    this.#phase = phase;
    this.#divFactor = divFactor;
    this.#finalDivFactor = finalDivFactor;
    this.#maxLr = maxLr;
    this.#cycleMomentum = cycleMomentum;
    this.#maxMomentum = maxMomentum;
    this.#baseMomentum = baseMomentum;
    this.#momentumKey = key;
    this.initialStep();
  }

  /** The schedules of the current groups (made once per group). */
  #current(): { lr: Schedule; final: number; momentum: Schedule | null }[] {
    const n = this.optimizer.paramGroups.length;
    for (let i = this.#schedules.length; i < n; i++) {
      const m = this.#maxLr.at(i, n);
      const start = m / this.#divFactor;
      const hi = this.#maxMomentum.at(i, n);
      const final = start / this.#finalDivFactor;
      this.#schedules.push({
        lr: cyclePhases(this.totalSteps, this.#phase, start, m, final),
        final,
        momentum: this.#cycleMomentum ? cyclePhases(this.totalSteps, this.#phase, hi, this.#baseMomentum.at(i, n), hi) : null,
      });
    }
    return this.#schedules.slice(0, n);
  }

  /** The step the schedules are evaluated at: linear annealing holds its final values on the totalSteps-th call. */
  #t(): number {
    if (this.lastEpoch > this.totalSteps) {
      throw new InvalidOptionError("step", this.lastEpoch + 1, `at most ${this.totalSteps} steps (OneCycleLR's totalSteps)`);
    }
    return this.#phase.anneal === "linear" ? Math.min(this.lastEpoch, this.totalSteps - 1) : this.lastEpoch;
  }

  protected getLr(): number[] {
    const t = this.#t();
    // linear: torch's (b - a) * 1 + a at the last step can round an ulp below b; held at b
    const linear = this.#phase.anneal === "linear";
    return this.#current().map((s) => (linear ? Math.max(s.lr(t), s.final) : s.lr(t)));
  }
  protected override extraUpdates(): GroupUpdate[] {
    if (!this.#cycleMomentum) return [];
    const t = this.#t();
    const s = this.#current();
    return this.optimizer.paramGroups.map((group, i) => ({ group, key: this.#momentumKey, value: s[i]!.momentum!(t) }));
  }
  protected config(): StateTree {
    return {
      totalSteps: this.totalSteps,
      ...this.#phase,
      divFactor: this.#divFactor,
      finalDivFactor: this.#finalDivFactor,
      maxLr: this.#maxLr.config(),
      cycleMomentum: this.#cycleMomentum,
      baseMomentum: this.#baseMomentum.config(),
      maxMomentum: this.#maxMomentum.config(),
    };
  }
}

/** The amplitude policy of {@link CyclicLR}: see {@link CyclicLROptions.mode}. */
export type CyclicMode = "triangular" | "triangular2" | "exp_range";

/** The options of {@link CyclicLR} (torch's keyword arguments, camelCase). */
export interface CyclicLROptions {
  /** The lower lr of the cycle (one, or one per group); the lr after construction. */
  baseLr: number | readonly number[];
  /** The upper lr (one, or one per group). */
  maxLr: number | readonly number[];
  /**
   * Steps (optimizer iterations, not epochs) of the rising half-cycle, > 0 (may be fractional).
   * @defaultValue `2000`
   */
  stepSizeUp?: number;
  /**
   * Steps of the falling half-cycle, ≥ 0 (null or absent: stepSizeUp).
   * @defaultValue `stepSizeUp`
   */
  stepSizeDown?: number | null;
  /**
   * `triangular`: constant amplitude; `triangular2`: halved each cycle; `exp_range`: times gammaⁱᵗᵉʳᵃᵗⁱᵒⁿ. Ignored when scaleFn is given.
   * @defaultValue `"triangular"`
   */
  mode?: CyclicMode;
  /**
   * exp_range's factor per iteration.
   * @defaultValue `1`
   */
  gamma?: number;
  /**
   * A custom amplitude factor of the cycle number (scaleMode `"cycle"`) or of the iteration (`"iterations"`); overrides mode. Recorded in checkpoints as `"function"`: give it again when loading.
   */
  scaleFn?: ((x: number) => number) | null;
  /**
   * What scaleFn takes: the cycle number or the iteration (only with scaleFn).
   * @defaultValue `"cycle"`
   */
  scaleMode?: "cycle" | "iterations";
  /**
   * Cycle the momentum (SGD, RMSprop) or `betas[0]` (Adam-like, as torch 2.x) inversely to the lr.
   * @defaultValue `true`
   */
  cycleMomentum?: boolean;
  /**
   * The lower momentum (at the lr's peak), one or one per group.
   * @defaultValue `0.8`
   */
  baseMomentum?: number | readonly number[];
  /**
   * The upper momentum (at the lr's low end), one or one per group.
   * @defaultValue `0.9`
   */
  maxMomentum?: number | readonly number[];
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/**
 * Cyclical learning rates (Smith 2017) as torch's CyclicLR: the lr goes from baseLr to maxLr
 * over stepSizeUp steps and back over stepSizeDown, its amplitude scaled by the mode; the
 * momentum goes the opposite way, between maxMomentum and baseMomentum. Step it per batch.
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.CyclicLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.CyclicLR.html
 */
export class CyclicLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "CyclicLR";
  readonly #baseLr: GroupOption<number>;
  readonly #maxLr: GroupOption<number>;
  readonly #baseMomentum: GroupOption<number>;
  readonly #maxMomentum: GroupOption<number>;
  readonly #momentumKey: string;
  readonly #scaleFn: (x: number) => number;
  readonly #cfg: StateTree;
  /** The length of one cycle in steps (stepSizeUp + stepSizeDown). */
  readonly totalSize: number;
  /** The rising fraction of the cycle, stepSizeUp / totalSize. */
  readonly stepRatio: number;
  /** What the amplitude factor takes: the cycle number or the iteration. */
  readonly scaleMode: "cycle" | "iterations";

  constructor(optimizer: AnyOptimizer, options: CyclicLROptions) {
    const o = optionsObject(
      options,
      "options",
      [
        "baseLr",
        "maxLr",
        "stepSizeUp",
        "stepSizeDown",
        "mode",
        "gamma",
        "scaleFn",
        "scaleMode",
        "cycleMomentum",
        "baseMomentum",
        "maxMomentum",
        "lastEpoch",
      ],
      ["stepSizeDown", "scaleFn"],
    );
    const n = checkOptimizer(optimizer).paramGroups.length;
    const baseLr = new GroupOption("baseLr", o.baseLr, n, nonNegative, "CyclicLR");
    const maxLr = new GroupOption("maxLr", o.maxLr, n, nonNegative, "CyclicLR");
    const up = positive("stepSizeUp", o.stepSizeUp ?? 2000);
    const down = o.stepSizeDown === undefined || o.stepSizeDown === null ? up : nonNegative("stepSizeDown", o.stepSizeDown);
    const mode = oneOf<CyclicMode>("triangular", "triangular2", "exp_range")("mode", o.mode ?? "triangular");
    const gamma = finite("gamma", o.gamma ?? 1);
    const custom = o.scaleFn ?? null;
    if (custom !== null && typeof custom !== "function")
      throw new InvalidOptionError("scaleFn", custom, "a function of the cycle or iteration returning a factor, or null");
    const givenMode = oneOf("cycle", "iterations")("scaleMode", o.scaleMode ?? "cycle"); // checked even where unused
    const scaleMode = custom ? givenMode : mode === "exp_range" ? "iterations" : "cycle";
    const scaleFn =
      custom ?? (mode === "triangular" ? () => 1 : mode === "triangular2" ? (x: number) => 1 / 2 ** (x - 1) : (x: number) => gamma ** x);
    const cycleMomentum = bool("cycleMomentum", o.cycleMomentum ?? true);
    const baseMomentum = new GroupOption("baseMomentum", o.baseMomentum ?? 0.8, n, nonNegative, "CyclicLR");
    const maxMomentum = new GroupOption("maxMomentum", o.maxMomentum ?? 0.9, n, nonNegative, "CyclicLR");
    const key = cycleMomentum ? momentumKeyOf(optimizer) : "";
    if (cycleMomentum && !key)
      throw new InvalidOptionError("cycleMomentum", true, `false: ${optimizer.kind} has neither momentum nor betas`);
    // torch sets the lrs to baseLr before its first step, so baseLr becomes the initial lr
    super(optimizer, lastEpochCheck("lastEpoch", o.lastEpoch ?? -1), { lrs: baseLr.values(n), force: false });
    this.#baseLr = baseLr;
    this.#maxLr = maxLr;
    this.#baseMomentum = baseMomentum;
    this.#maxMomentum = maxMomentum;
    this.#momentumKey = key;
    this.#scaleFn = scaleFn;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.scaleMode = scaleMode;
    this.#cfg = {
      baseLr: baseLr.config(),
      maxLr: maxLr.config(),
      stepSizeUp: up,
      stepSizeDown: down,
      mode: custom ? "custom" : mode,
      gamma,
      scaleMode,
      cycleMomentum,
      baseMomentum: baseMomentum.config(),
      maxMomentum: maxMomentum.config(),
    };
    this.initialStep();
  }

  /** The position in the cycle (0 at the low end, 1 at the peak) and the amplitude factor. */
  #scale(): { x: number; amplitude: number } {
    const t = this.lastEpoch;
    const cycle = Math.floor(1 + t / this.totalSize);
    const x = 1 + t / this.totalSize - cycle;
    const r = this.stepRatio;
    return { x: x <= r ? x / r : (x - 1) / (r - 1), amplitude: this.#scaleFn(this.scaleMode === "cycle" ? cycle : t) };
  }

  protected getLr(): number[] {
    const { x, amplitude } = this.#scale();
    const n = this.optimizer.paramGroups.length;
    return Array.from({ length: n }, (_, i) => {
      const lo = this.#baseLr.at(i, n);
      return lo + (this.#maxLr.at(i, n) - lo) * x * amplitude;
    });
  }
  protected override extraUpdates(): GroupUpdate[] {
    if (!this.#momentumKey) return [];
    const { x, amplitude } = this.#scale();
    const groups = this.optimizer.paramGroups;
    return groups.map((group, i) => {
      const hi = this.#maxMomentum.at(i, groups.length);
      return { group, key: this.#momentumKey, value: hi - (hi - this.#baseMomentum.at(i, groups.length)) * x * amplitude };
    });
  }
  protected config(): StateTree {
    return this.#cfg;
  }
}

/** The options of {@link CosineAnnealingWarmRestarts} (torch's keyword arguments, camelCase). */
export interface CosineAnnealingWarmRestartsOptions {
  /**
   * Length of the first period, in scheduler steps (torch's epochs: whatever unit you call step() at); an integer ≥ 1.
   */
  t0: number;
  /**
   * Each period is tMult times the previous one; an integer ≥ 1.
   * @defaultValue `1`
   */
  tMult?: number;
  /**
   * The lr at the end of each period, ≥ 0.
   * @defaultValue `0`
   */
  etaMin?: number;
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/**
 * SGDR (Loshchilov & Hutter 2017) as torch's CosineAnnealingWarmRestarts: a cosine from the
 * initial lr to etaMin over t0 epochs, then over t0 * tMult, ... step() moves one epoch;
 * step(epoch) jumps to any epoch, fractional ones included (per-batch use: epoch + i / iters),
 * with the period found in closed form (O(1) whatever the epoch).
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.CosineAnnealingWarmRestarts, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.CosineAnnealingWarmRestarts.html
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "CosineAnnealingWarmRestarts";
  /** The `t0` option (see {@link CosineAnnealingWarmRestartsOptions.t0}). */
  readonly t0: number;
  /** The `tMult` option (see {@link CosineAnnealingWarmRestartsOptions.tMult}). */
  readonly tMult: number;
  /** The `etaMin` option (see {@link CosineAnnealingWarmRestartsOptions.etaMin}). */
  readonly etaMin: number;
  /** The current period's length (torch's T_i). */
  tI: number;
  /** Epochs since the last restart (torch's T_cur; fractional after step(epoch)). */
  tCur: number;

  constructor(optimizer: AnyOptimizer, options: CosineAnnealingWarmRestartsOptions) {
    const { t0, tMult = 1, etaMin = 0, lastEpoch = -1 } = optionsObject(options, "options", ["t0", "tMult", "etaMin", "lastEpoch"]);
    integer(1)("t0", t0);
    integer(1)("tMult", tMult);
    finite("etaMin", etaMin);
    super(optimizer, lastEpoch);
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tCur = lastEpoch;
    this.initialStep();
  }

  override step(epoch?: number): void {
    const saved = { tCur: this.tCur, tI: this.tI };
    this.runStep(
      () => {
        let e = epoch;
        if (e === undefined && this.lastEpoch < 0) e = 0;
        if (e === undefined) {
          this.lastEpoch++;
          this.tCur += 1;
          if (this.tCur >= this.tI) {
            this.tCur -= this.tI;
            this.tI *= this.tMult;
          }
        } else {
          if (typeof e !== "number" || !Number.isFinite(e) || e < 0) throw new InvalidOptionError("epoch", e, "a finite number >= 0");
          const { t0, tMult } = this;
          if (e >= t0) {
            if (tMult === 1) this.tCur = e % t0;
            else {
              const k = Math.floor(Math.log((e / t0) * (tMult - 1) + 1) / Math.log(tMult));
              this.tCur = e - (t0 * (tMult ** k - 1)) / (tMult - 1);
              this.tI = t0 * tMult ** k;
            }
          } else {
            this.tI = t0;
            this.tCur = e;
          }
          this.lastEpoch = Math.floor(e);
        }
        return this.getLr();
      },
      () => Object.assign(this, saved),
    );
  }

  protected getLr(): number[] {
    const m = this.etaMin;
    return this.baseLrs.map((b) => m + ((b - m) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
  protected config(): StateTree {
    return { t0: this.t0, tMult: this.tMult, etaMin: this.etaMin };
  }
  protected override position(): StateTree {
    return { ...super.position(), tCur: this.tCur, tI: this.tI };
  }
  protected override preparePosition(saved: StateTree, where: string): PendingLoad {
    const base = super.preparePosition(saved, where);
    const tCur = asNumber(saved.tCur, `${where}.tCur`, true);
    const tI = asNumber(saved.tI, `${where}.tI`, true);
    if (tI < 1) throw new CheckpointError("invalid", `${where}.tI is ${tI}, expected a period >= 1`);
    return {
      commit: () => {
        base.commit();
        this.tCur = tCur;
        this.tI = tI;
      },
    };
  }
}

/** The options of {@link SWALR} (torch's keyword arguments, camelCase). */
export interface SWALROptions {
  /** The lr to anneal to and hold (one, or one per group). */
  swaLr: number | readonly number[];
  /**
   * Steps of the annealing, in scheduler steps (torch's epochs: whatever unit you call step() at); an integer ≥ 0 (0: swaLr at once).
   * @defaultValue `10`
   */
  annealEpochs?: number;
  /**
   * `"cos"` or `"linear"`.
   * @defaultValue `"cos"`
   */
  annealStrategy?: Anneal;
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/**
 * torch.optim.swa_utils.SWALR: anneals each group's lr from its current value to swaLr over
 * annealEpochs steps (cosine or linear) and holds it, for stochastic weight averaging
 * (Izmailov et al. 2018; see AveragedModel). Computed as torch does, from the current lr.
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.swa_utils.SWALR, torch 1.13: https://pytorch.org/docs/1.13/optim.html#stochastic-weight-averaging
 */
export class SWALR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "SWALR";
  readonly #swaLr: GroupOption<number>;
  /** The `annealEpochs` option (see {@link SWALROptions.annealEpochs}). */
  readonly annealEpochs: number;
  /** The `annealStrategy` option (see {@link SWALROptions.annealStrategy}). */
  readonly annealStrategy: Anneal;

  constructor(optimizer: AnyOptimizer, options: SWALROptions) {
    const o = optionsObject(options, "options", ["swaLr", "annealEpochs", "annealStrategy", "lastEpoch"]);
    const n = checkOptimizer(optimizer).paramGroups.length;
    const swaLr = new GroupOption("swaLr", o.swaLr, n, nonNegative, "SWALR");
    const annealEpochs = integer(0)("annealEpochs", o.annealEpochs ?? 10);
    const annealStrategy = oneOf<Anneal>("cos", "linear")("annealStrategy", o.annealStrategy ?? "cos");
    super(optimizer, lastEpochCheck("lastEpoch", o.lastEpoch ?? -1));
    this.#swaLr = swaLr;
    this.annealEpochs = annealEpochs;
    this.annealStrategy = annealStrategy;
    this.initialStep();
  }

  #anneal(t: number): number {
    return this.annealStrategy === "cos" ? (1 - Math.cos(Math.PI * t)) / 2 : t;
  }

  protected getLr(): number[] {
    let step = this.stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const span = Math.max(1, this.annealEpochs);
    const prevAlpha = this.#anneal(Math.max(0, Math.min(1, (step - 1) / span)));
    const alpha = this.#anneal(Math.max(0, Math.min(1, step / span)));
    const lrs = this.lrs();
    return lrs.map((lr, i) => {
      const swa = this.#swaLr.at(i, lrs.length);
      const prev = prevAlpha === 1 ? swa : (lr - prevAlpha * swa) / (1 - prevAlpha);
      return swa * alpha + prev * (1 - alpha);
    });
  }
  protected config(): StateTree {
    return { swaLr: this.#swaLr.config(), annealEpochs: this.annealEpochs, annealStrategy: this.annealStrategy };
  }
}

/** The options of {@link SequentialLR} (torch's keyword arguments, camelCase). */
export interface SequentialLROptions {
  /**
   * LR schedulers of this optimizer, built before; each runs from its milestone on (restarted there).
   */
  schedulers: readonly LRScheduler[];
  /**
   * Where each scheduler after the first takes over, in scheduler steps (torch's epochs: whatever unit you call step() at); increasing integers, one fewer than the schedulers.
   */
  milestones: readonly number[];
  /**
   * The number of step() calls already made (torch's `last_epoch`): -1 for a new schedule; ≥ 0 to resume (each group then needs the `initial_lr` a saved optimizer state carries).
   * @defaultValue `-1`
   */
  lastEpoch?: number;
}

/**
 * Runs `schedulers[i]` from milestone i-1 on (restarting it at its milestone), as torch's SequentialLR.
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.SequentialLR, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.SequentialLR.html
 */
export class SequentialLR extends LRScheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static override readonly kind = "SequentialLR";
  /** The `schedulers` option (see {@link SequentialLROptions.schedulers}). */
  readonly schedulers: readonly LRScheduler[];
  /** The `milestones` option (see {@link SequentialLROptions.milestones}). */
  readonly milestones: readonly number[];
  #seqLastLr: number[] = [];
  constructor(optimizer: AnyOptimizer, options: SequentialLROptions) {
    const { schedulers, milestones, lastEpoch = -1 } = optionsObject(options, "options", ["schedulers", "milestones", "lastEpoch"]);
    checkChildren(optimizer, schedulers);
    checkIncreasing("milestones", milestones, 1, true, schedulers.length - 1); // one fewer than the schedulers
    super(optimizer, lastEpoch);
    this.schedulers = Object.freeze([...schedulers]);
    this.milestones = Object.freeze([...milestones]);
    for (const s of schedulers) s.detach(); // saved inside this one
    this.lastEpoch = lastEpoch + 1;
    // as torch: back to the initial lrs, undo the children's constructor steps, then start the first
    setGroupValues(optimizer.paramGroups.map((group) => ({ group, key: "lr", value: initialLrOf(optimizer, group)! })));
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]!["initialStep"](); // protected; element access reaches it from a sibling class
    this.#seqLastLr = schedulers[0]!.getLastLr();
  }

  override getLastLr(): number[] {
    return [...this.#seqLastLr];
  }

  /** Moves every child on by one epoch (torch's SequentialLR.step takes no epoch: one given is refused). */
  override step(...args: unknown[]): void {
    if (args.length > 0 && args[0] !== undefined) {
      const epoch = args[0];
      throw new InvalidOptionError(
        "epoch",
        epoch,
        "nothing: SequentialLR steps one epoch at a time",
        typeof epoch === "number" ? "value" : "type",
      );
    }
    const t = this.lastEpoch + 1;
    const i = countAtMost(this.milestones, t);
    const s = this.schedulers[i]!;
    if (i > 0 && this.milestones[i - 1] === t) s.step(0);
    else s.step();
    this.lastEpoch = t;
    this.#seqLastLr = s.getLastLr();
  }
  protected getLr(): number[] {
    return this.lrs(); // not used: step() delegates
  }
  protected config(): StateTree {
    return { milestones: [...this.milestones], schedulers: this.schedulers.map((s) => s.kind) };
  }
  protected override position(): StateTree {
    return { lastEpoch: this.lastEpoch, lastLr: [...this.#seqLastLr], schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  protected override preparePosition(saved: StateTree, where: string): PendingLoad {
    const lastEpoch = asInteger(saved.lastEpoch, `${where}.lastEpoch`);
    const lastLr = readLastLr(saved.lastLr, `${where}.lastLr`, this.optimizer.paramGroups.length);
    const children = prepareChildren(this.schedulers, saved.schedulers, `${where}.schedulers`);
    return {
      commit: () => {
        this.lastEpoch = lastEpoch;
        this.#seqLastLr = lastLr;
        for (const c of children) c.commit();
      },
    };
  }
}

function checkChildren(optimizer: AnyOptimizer, schedulers: unknown): asserts schedulers is readonly LRScheduler[] {
  if (
    !Array.isArray(schedulers) ||
    schedulers.length === 0 ||
    schedulers.some((s) => !(s instanceof LRScheduler) || s.optimizer !== optimizer) ||
    new Set(schedulers).size !== schedulers.length
  ) {
    throw new InvalidOptionError("schedulers", schedulers, "a non-empty array of distinct LR schedulers of this optimizer");
  }
}
function prepareChildren(schedulers: readonly LRScheduler[], saved: StateValue | undefined, where: string): PendingLoad[] {
  const list = asArray(saved, where, schedulers.length);
  return schedulers.map((s, i) => s.prepareLoad(list[i], `${where}[${i}]`));
}

/** The options of {@link ChainedScheduler}. */
export interface ChainedSchedulerOptions {
  /** LR schedulers of this optimizer, built before (each has made its constructor step). */
  schedulers: readonly LRScheduler[];
}

/**
 * torch's ChainedScheduler: every step() steps each scheduler in order, so the chainable
 * ones compose by multiplication. It makes no step of its own when built. Its children are
 * saved inside it (they are detached from the optimizer).
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.ChainedScheduler, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.ChainedScheduler.html
 */
export class ChainedScheduler extends Scheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind = "ChainedScheduler";
  /** The `schedulers` option (see {@link ChainedSchedulerOptions.schedulers}). */
  readonly schedulers: readonly LRScheduler[];
  #lastLr: number[];

  constructor(optimizer: AnyOptimizer, options: ChainedSchedulerOptions) {
    const { schedulers } = optionsObject(options, "options", ["schedulers"]);
    checkChildren(checkOptimizer(optimizer), schedulers);
    super(optimizer);
    this.schedulers = Object.freeze([...schedulers]);
    for (const s of schedulers) s.detach();
    this.#lastLr = optimizer.paramGroups.map((g) => readGroupValue(g, "lr", "the group"));
  }

  /** Steps every scheduler in order; if one throws, those already stepped are put back too. */
  step(): void {
    const restoreGroups = snapshotGroups(this.optimizer);
    const before = this.schedulers.map((s, i) => s.prepareLoad(s.stateDict(), `schedulers[${i}]`));
    try {
      for (const s of this.schedulers) s.step();
    } catch (e) {
      restoreGroups();
      for (const b of before) b.commit();
      throw e;
    }
    this.#lastLr = this.optimizer.paramGroups.map((g) => readGroupValue(g, "lr", "the group"));
  }

  /** The lrs the last step() set (the groups' lrs at construction before any). */
  getLastLr(): number[] {
    return [...this.#lastLr];
  }

  protected config(): StateTree {
    return { schedulers: this.schedulers.map((s) => s.kind) };
  }
  protected position(): StateTree {
    return { lastLr: [...this.#lastLr], schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  protected preparePosition(saved: StateTree, where: string): PendingLoad {
    const lastLr = readLastLr(saved.lastLr, `${where}.lastLr`, this.optimizer.paramGroups.length);
    const children = prepareChildren(this.schedulers, saved.schedulers, `${where}.schedulers`);
    return {
      commit: () => {
        this.#lastLr = lastLr;
        for (const c of children) c.commit();
      },
    };
  }
}

/** The options of {@link ReduceLROnPlateau} (torch's keyword arguments, camelCase). */
export interface ReduceLROnPlateauOptions {
  /**
   * `"min"`: the metric should go down (a loss); `"max"`: up (an accuracy).
   * @defaultValue `"min"`
   */
  mode?: "min" | "max";
  /**
   * The lr is multiplied by this on a plateau, in [0, 1).
   * @defaultValue `0.1`
   */
  factor?: number;
  /**
   * Steps without improvement tolerated before reducing (an integer ≥ 0); step() is called once per evaluation of the metric.
   * @defaultValue `10`
   */
  patience?: number;
  /**
   * The least improvement that counts, ≥ 0 (relative or absolute, per thresholdMode).
   * @defaultValue `1e-4`
   */
  threshold?: number;
  /**
   * `"rel"`: better than best · (1 ∓ threshold); `"abs"`: better than best ∓ threshold.
   * @defaultValue `"rel"`
   */
  thresholdMode?: "rel" | "abs";
  /**
   * Steps to wait after a reduction before counting bad steps again (an integer ≥ 0).
   * @defaultValue `0`
   */
  cooldown?: number;
  /**
   * The floor of the lr: one for every group (also those added later), or one per group; ≥ 0.
   * @defaultValue `0`
   */
  minLr?: number | readonly number[];
  /**
   * Reductions smaller than this are not applied, ≥ 0.
   * @defaultValue `1e-8`
   */
  eps?: number;
}

/**
 * Multiplies the lr by `factor` once the metric passed to step() stops improving for
 * `patience` epochs. Groups added later are reduced too (minLr given as one number covers
 * them; given per group, step() throws a StateError, as torch 2.x raises).
 *
 * Tested against torch's numbers: see [oracle versions](../../docs/oracle-versions.md).
 * @see torch.optim.lr_scheduler.ReduceLROnPlateau, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.ReduceLROnPlateau.html
 */
export class ReduceLROnPlateau extends Scheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind = "ReduceLROnPlateau";
  /** The `mode` option (see {@link ReduceLROnPlateauOptions.mode}). */
  readonly mode: "min" | "max";
  /** The `factor` option (see {@link ReduceLROnPlateauOptions.factor}). */
  readonly factor: number;
  /** The `patience` option (see {@link ReduceLROnPlateauOptions.patience}). */
  readonly patience: number;
  /** The `threshold` option (see {@link ReduceLROnPlateauOptions.threshold}). */
  readonly threshold: number;
  /** The `thresholdMode` option (see {@link ReduceLROnPlateauOptions.thresholdMode}). */
  readonly thresholdMode: "rel" | "abs";
  /** The `cooldown` option (see {@link ReduceLROnPlateauOptions.cooldown}). */
  readonly cooldown: number;
  readonly #minLr: GroupOption<number>;
  /** The `eps` option (see {@link ReduceLROnPlateauOptions.eps}). */
  readonly eps: number;
  /** The best metric seen so far (±Infinity before the first step). */
  best: number;
  /** Consecutive steps without improvement (torch's `num_bad_epochs`). */
  numBadEpochs = 0;
  /** Steps left in the cooldown after a reduction. */
  cooldownCounter = 0;
  /** The number of step() calls so far. */
  lastEpoch = 0;
  #lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const o = optionsObject(options, "options", ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr", "eps"]);
    const n = checkOptimizer(optimizer).paramGroups.length;
    const mode = oneOf("min", "max")("mode", o.mode ?? "min");
    const factor = range(0, 1, { hiOpen: true })("factor", o.factor ?? 0.1);
    const patience = integer(0)("patience", o.patience ?? 10);
    const threshold = nonNegative("threshold", o.threshold ?? 1e-4);
    const thresholdMode = oneOf("rel", "abs")("thresholdMode", o.thresholdMode ?? "rel");
    const cooldown = integer(0)("cooldown", o.cooldown ?? 0);
    const minLr = new GroupOption("minLr", o.minLr ?? 0, n, nonNegative, "ReduceLROnPlateau");
    const eps = nonNegative("eps", o.eps ?? 1e-8);
    super(optimizer);
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.#minLr = minLr;
    this.eps = eps;
    this.best = mode === "min" ? Infinity : -Infinity;
    this.#lastLr = optimizer.paramGroups.map((g) => readGroupValue(g, "lr", "the group"));
  }

  /** The floors of the current groups (a StateError when minLr was given per group and groups were added). */
  get minLrs(): readonly number[] {
    return this.#minLr.values(this.optimizer.paramGroups.length);
  }

  /** Records this epoch's metric and reduces the lrs if it has not improved for long enough. */
  step(metric: number): void {
    if (typeof metric !== "number") throw new InvalidOptionError("metric", metric, "a number (NaN counts as no improvement, as in torch)");
    const epoch = this.lastEpoch + 1;
    let { best, numBadEpochs: bad, cooldownCounter: cool } = this;
    if (this.isBetter(metric, best)) {
      best = metric;
      bad = 0;
    } else bad++;
    if (cool > 0) {
      cool--;
      bad = 0; // ignore bad epochs in cooldown
    }
    if (bad > this.patience) {
      const minLrs = this.minLrs;
      const updates = this.optimizer.paramGroups.flatMap((group, i) => {
        const old = readGroupValue(group, "lr", "the group");
        const lr = Math.max(old * this.factor, minLrs[i]!);
        return old - lr > this.eps ? [{ group, key: "lr", value: lr }] : [];
      });
      setGroupValues(updates);
      cool = this.cooldown;
      bad = 0;
    }
    Object.assign(this, { best, numBadEpochs: bad, cooldownCounter: cool, lastEpoch: epoch });
    this.#lastLr = this.optimizer.paramGroups.map((g) => readGroupValue(g, "lr", "the group"));
  }

  /** The lrs the last step() set (the groups' lrs at construction before any). */
  getLastLr(): number[] {
    return [...this.#lastLr];
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === "rel" ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  protected config(): StateTree {
    const { mode, factor, patience, threshold, thresholdMode, cooldown, eps } = this;
    return { mode, factor, patience, threshold, thresholdMode, cooldown, minLr: this.#minLr.config(), eps };
  }
  protected position(): StateTree {
    return {
      best: this.best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
      lastLr: [...this.#lastLr],
    };
  }
  protected preparePosition(saved: StateTree, where: string): PendingLoad {
    const best = asNumber(saved.best, `${where}.best`);
    if (Number.isNaN(best)) throw new CheckpointError("invalid", `${where}.best is NaN`);
    const numBadEpochs = asInteger(saved.numBadEpochs, `${where}.numBadEpochs`);
    const cooldownCounter = asInteger(saved.cooldownCounter, `${where}.cooldownCounter`);
    const lastEpoch = asInteger(saved.lastEpoch, `${where}.lastEpoch`);
    const lastLr = readLastLr(saved.lastLr, `${where}.lastLr`, this.optimizer.paramGroups.length);
    return {
      commit: () => {
        Object.assign(this, { best, numBadEpochs, cooldownCounter, lastEpoch });
        this.#lastLr = lastLr;
      },
    };
  }
}
