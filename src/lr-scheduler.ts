// PyTorch-named learning-rate schedulers, for porting scripts: the constructor arguments of
// torch.optim.lr_scheduler (camelCase) and, step by step, the values torch 1.13 computes
// (its recursive "chainable" forms included, so the float64 numbers agree). Each step()
// writes group.lr through the validated setter.
import { InvalidOptionError } from "./errors.js";
import { bool, integer, nonNegative, oneOf, positive, range, type Check } from "./options.js";
import { asArray, asInteger, asNumber, CheckpointError, type PendingLoad, type StateTree } from "./checkpoint.js";
import type { Optimizer } from "./optimizer.js";
import { checkOptimizer, countAtMost, cyclePhases, readGroupValue, Scheduler, setGroupValues, type Anneal, type GroupUpdate, type Schedule } from "./schedules.js";

type AnyOptimizer = Optimizer<object>;

/** torch's group["initial_lr"]: set by the first scheduler of a group, shared by later ones. */
const initialLrs = new WeakMap<object, number>();

const finite: Check<number> = (name, v) => {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidOptionError(name, v, "a finite number");
  return v;
};
const lastEpochCheck = integer(-1);

/** A number or one per group (torch's _format_param). */
function perGroup(name: string, v: unknown, groups: number, check: Check<number>): number[] {
  if (Array.isArray(v)) {
    if (v.length !== groups) throw new InvalidOptionError(name, v, `a number or an array of ${groups} (one per group)`);
    return v.map((x, i) => check(`${name}[${i}]`, x));
  }
  return Array.from({ length: groups }, () => check(name, v));
}

/**
 * torch.optim.lr_scheduler._LRScheduler: `lastEpoch` counts the step() calls (-1 before
 * the first, which the constructor makes), `baseLrs` are the groups' initial lrs.
 */
export abstract class LRScheduler extends Scheduler {
  lastEpoch: number;
  readonly baseLrs: number[];
  /** torch's _step_count (CosineAnnealingLR looks at it). */
  protected stepCount = 0;
  #lastLr: number[] = [];
  /** The initial lrs this scheduler sets for the groups once its first step succeeded. */
  readonly #initial: number[] | null;

  /**
   * `initial`: the groups' initial lrs to set (OneCycleLR); by default each group keeps the
   * one an earlier scheduler set, or its current lr. Subclasses check their own arguments
   * before calling this, so that a bad argument leaves everything as it was.
   */
  constructor(optimizer: AnyOptimizer, lastEpoch = -1, initial?: number[]) {
    lastEpochCheck("lastEpoch", lastEpoch);
    const groups = checkOptimizer(optimizer).paramGroups;
    if (lastEpoch !== -1) {
      groups.forEach((g, i) => {
        if (!initialLrs.has(g)) throw new InvalidOptionError("lastEpoch", lastEpoch, `-1: paramGroups[${i}] has no initial lr from an earlier scheduler to resume from`);
      });
    }
    super(optimizer);
    this.#initial = lastEpoch === -1 ? (initial ?? groups.map((g) => initialLrs.get(g) ?? readGroupValue(g, "lr", "the group"))) : null;
    this.baseLrs = this.#initial ? [...this.#initial] : groups.map((g) => initialLrs.get(g)!);
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
    if (initial) this.optimizer.paramGroups.forEach((g, i) => initialLrs.set(g, initial[i]!));
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
    const saved = { lastEpoch: this.lastEpoch, stepCount: this.stepCount };
    try {
      this.stepCount++;
      let values: number[];
      if (epoch === undefined) {
        this.lastEpoch++;
        values = this.getLr();
      } else {
        this.lastEpoch = lastEpochCheck("epoch", epoch);
        values = this.closedFormLr() ?? this.getLr();
      }
      this.setLrs(values, this.extraUpdates());
    } catch (e) {
      Object.assign(this, saved);
      throw e;
    }
    this.#lastLr = this.optimizer.paramGroups.map((g) => readGroupValue(g, "lr", "the group"));
  }

  /** The chainable form: the lrs for `lastEpoch`, usually from the current ones. */
  protected abstract getLr(): number[];
  /** The closed form, used by step(epoch); null where torch has none. */
  protected closedFormLr(): number[] | null {
    return null;
  }
  /** Other values to set with the lrs (OneCycleLR's momentum). */
  protected extraUpdates(): GroupUpdate[] {
    return [];
  }

  protected setLrs(values: readonly number[], extra: GroupUpdate[]): void {
    setGroupValues([...extra, ...this.optimizer.paramGroups.map((group, i) => ({ group, key: "lr", value: values[i]! }))]);
  }

  protected lrs(): number[] {
    return this.optimizer.paramGroups.map((g) => readGroupValue(g, "lr", "the group"));
  }

  protected position(): StateTree {
    return { lastEpoch: this.lastEpoch, stepCount: this.stepCount, baseLrs: [...this.baseLrs], lastLr: [...this.#lastLr] };
  }

  protected preparePosition(saved: StateTree, where: string): PendingLoad {
    const n = this.optimizer.paramGroups.length;
    const lastEpoch = asInteger(saved.lastEpoch, `${where}.lastEpoch`, -1);
    const stepCount = asInteger(saved.stepCount, `${where}.stepCount`);
    const baseLrs = asArray(saved.baseLrs, `${where}.baseLrs`, n).map((x, i) => asNumber(x, `${where}.baseLrs[${i}]`, true));
    const lastLr = asArray(saved.lastLr, `${where}.lastLr`, n).map((x, i) => asNumber(x, `${where}.lastLr[${i}]`, true));
    return {
      commit: () => {
        this.lastEpoch = lastEpoch;
        this.stepCount = stepCount;
        this.baseLrs.splice(0, n, ...baseLrs);
        this.#lastLr = lastLr;
        this.optimizer.paramGroups.forEach((g, i) => initialLrs.set(g, baseLrs[i]!));
      },
    };
  }
}

/** lr = initial lr * lrLambda(epoch) (one function, or one per group). */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: readonly ((epoch: number) => number)[];
  constructor(optimizer: AnyOptimizer, lrLambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[], lastEpoch = -1) {
    const n = checkOptimizer(optimizer).paramGroups.length;
    const list = Array.isArray(lrLambda) ? lrLambda : Array.from({ length: n }, () => lrLambda);
    if (list.length !== n || list.some((f) => typeof f !== "function")) {
      throw new InvalidOptionError("lrLambda", lrLambda, `a function, or an array of ${n} (one per group)`);
    }
    super(optimizer, lastEpoch);
    this.lrLambdas = Object.freeze([...list]);
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i]!(this.lastEpoch));
  }
  protected config(): StateTree {
    return { lambdas: this.lrLambdas.length };
  }
}

export interface StepLROptions {
  stepSize: number;
  gamma?: number;
  lastEpoch?: number;
}

/** Multiplies the lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, { stepSize, gamma = 0.1, lastEpoch = -1 }: StepLROptions) {
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

export interface MultiStepLROptions {
  milestones: readonly number[];
  gamma?: number;
  lastEpoch?: number;
}

/** Multiplies the lr by gamma at each milestone (a repeated milestone counts twice). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: readonly number[];
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, { milestones, gamma = 0.1, lastEpoch = -1 }: MultiStepLROptions) {
    if (!Array.isArray(milestones) || milestones.some((m) => !Number.isSafeInteger(m) || m < 0)) throw new InvalidOptionError("milestones", milestones, "an array of integers >= 0");
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

export interface ExponentialLROptions {
  gamma: number;
  lastEpoch?: number;
}

/** Multiplies the lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: AnyOptimizer, { gamma, lastEpoch = -1 }: ExponentialLROptions) {
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

export interface LinearLROptions {
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
  lastEpoch?: number;
}

/** Multiplies the initial lr by a factor going linearly from startFactor to endFactor over totalIters. */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(optimizer: AnyOptimizer, { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch = -1 }: LinearLROptions = {}) {
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

export interface CosineAnnealingLROptions {
  tMax: number;
  etaMin?: number;
  lastEpoch?: number;
}

/** Cosine annealing from the initial lr to etaMin over tMax epochs (and back up after, as torch). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: AnyOptimizer, { tMax, etaMin = 0, lastEpoch = -1 }: CosineAnnealingLROptions) {
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

export interface OneCycleLROptions {
  maxLr: number | readonly number[];
  /** Or epochs * stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: Anneal;
  /** Cycle the momentum (or betas[0]) inversely to the lr. */
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

/** The 1cycle policy: lr (and, inversely, momentum or betas[0]) over totalSteps steps. */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly #cfg: StateTree;
  readonly #lr: Schedule[];
  readonly #momentum: Schedule[] | null;
  readonly #momentumKey: string;

  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    const o = options ?? ({} as OneCycleLROptions);
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
    const phase = { pctStart: o.pctStart ?? 0.3, anneal: o.annealStrategy ?? "cos", threePhase: bool("threePhase", o.threePhase ?? false) };
    const divFactor = positive("divFactor", o.divFactor ?? 25);
    const finalDivFactor = positive("finalDivFactor", o.finalDivFactor ?? 1e4);
    const maxLrs = perGroup("maxLr", o.maxLr, n, nonNegative);
    const cycleMomentum = bool("cycleMomentum", o.cycleMomentum ?? true);
    let key = "";
    let momentum: Schedule[] | null = null;
    const maxM = perGroup("maxMomentum", o.maxMomentum ?? 0.95, n, nonNegative);
    const baseM = perGroup("baseMomentum", o.baseMomentum ?? 0.85, n, nonNegative);
    if (cycleMomentum) {
      const d = optimizer.defaults as Record<string, unknown>;
      key = "betas" in d ? "betas[0]" : "momentum" in d ? "momentum" : "";
      if (!key) throw new InvalidOptionError("cycleMomentum", true, `false: ${optimizer.kind} has neither momentum nor betas`);
      momentum = maxM.map((m, i) => cyclePhases(totalSteps, phase, m, baseM[i]!, m));
    }
    const lr = maxLrs.map((m) => cyclePhases(totalSteps, phase, m / divFactor, m, m / divFactor / finalDivFactor));
    // torch sets each group's initial lr to maxLr / divFactor (whatever an earlier scheduler set)
    super(optimizer, lastEpoch, maxLrs.map((m) => m / divFactor));
    this.totalSteps = totalSteps;
    this.#lr = lr;
    this.#momentum = momentum;
    this.#momentumKey = key;
    this.#cfg = { totalSteps, ...phase, divFactor, finalDivFactor, maxLr: maxLrs, cycleMomentum, baseMomentum: baseM, maxMomentum: maxM };
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch > this.totalSteps) {
      throw new InvalidOptionError("step", this.lastEpoch + 1, `at most ${this.totalSteps} steps (OneCycleLR's totalSteps)`);
    }
    return this.#lr.map((f) => f(this.lastEpoch));
  }
  protected override extraUpdates(): GroupUpdate[] {
    const m = this.#momentum;
    return m ? this.optimizer.paramGroups.map((group, i) => ({ group, key: this.#momentumKey, value: m[i]!(this.lastEpoch) })) : [];
  }
  protected config(): StateTree {
    return this.#cfg;
  }
}

export interface SequentialLROptions {
  schedulers: readonly LRScheduler[];
  milestones: readonly number[];
  lastEpoch?: number;
}

/** Runs `schedulers[i]` from milestone i-1 on (restarting it at its milestone), as torch's SequentialLR. */
export class SequentialLR extends LRScheduler {
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: readonly number[];
  constructor(optimizer: AnyOptimizer, { schedulers, milestones, lastEpoch = -1 }: SequentialLROptions) {
    if (!Array.isArray(schedulers) || schedulers.length === 0 || schedulers.some((s) => !(s instanceof LRScheduler) || s.optimizer !== optimizer)) {
      throw new InvalidOptionError("schedulers", schedulers, "a non-empty array of LR schedulers of this optimizer");
    }
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1 || milestones.some((m, i) => !Number.isSafeInteger(m) || m < 1 || (i > 0 && m <= milestones[i - 1]!))) {
      throw new InvalidOptionError("milestones", milestones, `${schedulers.length - 1} increasing integers >= 1 (one fewer than the schedulers)`);
    }
    super(optimizer, lastEpoch);
    this.schedulers = Object.freeze([...schedulers]);
    this.milestones = Object.freeze([...milestones]);
    for (const s of schedulers) s.detach(); // saved inside this one
    this.lastEpoch = lastEpoch + 1;
    // as torch: back to the initial lrs, undo the children's constructor steps, then start the first
    setGroupValues(optimizer.paramGroups.map((group) => ({ group, key: "lr", value: initialLrs.get(group)! })));
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]!.initialStep();
    this.#lastLr = schedulers[0]!.getLastLr();
  }

  #lastLr: number[] = [];
  override getLastLr(): number[] {
    return [...this.#lastLr];
  }

  override step(): void {
    const t = this.lastEpoch + 1;
    const i = countAtMost(this.milestones, t);
    const s = this.schedulers[i]!;
    if (i > 0 && this.milestones[i - 1] === t) s.step(0);
    else s.step();
    this.lastEpoch = t;
    this.#lastLr = s.getLastLr();
  }
  protected getLr(): number[] {
    return this.lrs(); // not used: step() delegates
  }
  protected config(): StateTree {
    return { milestones: [...this.milestones], schedulers: this.schedulers.map((s) => s.kind) };
  }
  protected override position(): StateTree {
    return { lastEpoch: this.lastEpoch, lastLr: [...this.#lastLr], schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  protected override preparePosition(saved: StateTree, where: string): PendingLoad {
    const n = this.optimizer.paramGroups.length;
    const lastEpoch = asInteger(saved.lastEpoch, `${where}.lastEpoch`);
    const lastLr = asArray(saved.lastLr, `${where}.lastLr`, n).map((x, i) => asNumber(x, `${where}.lastLr[${i}]`, true));
    const list = asArray(saved.schedulers, `${where}.schedulers`, this.schedulers.length);
    const children = this.schedulers.map((s, i) => s.prepareLoad(list[i], `${where}.schedulers[${i}]`));
    return {
      commit: () => {
        this.lastEpoch = lastEpoch;
        this.#lastLr = lastLr;
        for (const c of children) c.commit();
      },
    };
  }
}

export interface ReduceLROnPlateauOptions {
  mode?: "min" | "max";
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: "rel" | "abs";
  cooldown?: number;
  minLr?: number | readonly number[];
  eps?: number;
}

/** Multiplies the lr by `factor` once the metric passed to step() stops improving for `patience` epochs. */
export class ReduceLROnPlateau extends Scheduler {
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: readonly number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  #lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const o = options ?? {};
    const n = checkOptimizer(optimizer).paramGroups.length;
    const mode = oneOf("min", "max")("mode", o.mode ?? "min");
    const factor = range(0, 1, { hiOpen: true })("factor", o.factor ?? 0.1);
    const patience = integer(0)("patience", o.patience ?? 10);
    const threshold = nonNegative("threshold", o.threshold ?? 1e-4);
    const thresholdMode = oneOf("rel", "abs")("thresholdMode", o.thresholdMode ?? "rel");
    const cooldown = integer(0)("cooldown", o.cooldown ?? 0);
    const minLrs = Object.freeze(perGroup("minLr", o.minLr ?? 0, n, nonNegative));
    const eps = nonNegative("eps", o.eps ?? 1e-8);
    super(optimizer);
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = minLrs;
    this.eps = eps;
    this.best = mode === "min" ? Infinity : -Infinity;
    this.#lastLr = optimizer.paramGroups.map((g) => readGroupValue(g, "lr", "the group"));
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
      const updates = this.optimizer.paramGroups.flatMap((group, i) => {
        const old = readGroupValue(group, "lr", "the group");
        const lr = Math.max(old * this.factor, this.minLrs[i]!);
        return old - lr > this.eps ? [{ group, key: "lr", value: lr }] : [];
      });
      setGroupValues(updates);
      cool = this.cooldown;
      bad = 0;
    }
    Object.assign(this, { best, numBadEpochs: bad, cooldownCounter: cool, lastEpoch: epoch });
    this.#lastLr = this.optimizer.paramGroups.map((g) => readGroupValue(g, "lr", "the group"));
  }

  getLastLr(): number[] {
    return [...this.#lastLr];
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === "rel" ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  protected config(): StateTree {
    const { mode, factor, patience, threshold, thresholdMode, cooldown, eps } = this;
    return { mode, factor, patience, threshold, thresholdMode, cooldown, minLrs: [...this.minLrs], eps };
  }
  protected position(): StateTree {
    return { best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch, lastLr: [...this.#lastLr] };
  }
  protected preparePosition(saved: StateTree, where: string): PendingLoad {
    const best = asNumber(saved.best, `${where}.best`);
    if (Number.isNaN(best)) throw new CheckpointError("invalid", `${where}.best is NaN`);
    const numBadEpochs = asInteger(saved.numBadEpochs, `${where}.numBadEpochs`);
    const cooldownCounter = asInteger(saved.cooldownCounter, `${where}.cooldownCounter`);
    const lastEpoch = asInteger(saved.lastEpoch, `${where}.lastEpoch`);
    const lastLr = asArray(saved.lastLr, `${where}.lastLr`).map((x, i) => asNumber(x, `${where}.lastLr[${i}]`, true));
    return {
      commit: () => {
        Object.assign(this, { best, numBadEpochs, cooldownCounter, lastEpoch });
        this.#lastLr = lastLr;
      },
    };
  }
}
