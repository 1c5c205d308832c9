// Schedules: pure functions of the step (the Optax way) that can drive any numeric
// hyperparameter of any optimizer, per group, through the validated group setters; and the
// Scheduler base class every scheduler (these and the PyTorch-named ones) shares.
import { InvalidOptionError } from "./errors.js";
import { integer, nonNegative, oneOf, type Check } from "./options.js";
import { Optimizer, type ParamGroup } from "./optimizer.js";
import { asInteger, asTree, expectSame, type Attachment, type PendingLoad, type StateTree, type StateValue } from "./checkpoint.js";

/** A value for every step t = 0, 1, 2, ... (t = 0 before the first optimizer step). */
export type Schedule = (step: number) => number;

const finite: Check<number> = (name, v) => {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidOptionError(name, v, "a finite number");
  return v;
};
const positiveInt = integer(1);

/** The same value at every step. */
export function constant(value: number): Schedule {
  finite("value", value);
  return () => value;
}

/** From `from` at step 0 to `to` at step `steps` in equal increments, then `to`. */
export function linear(from: number, to: number, steps: number): Schedule {
  finite("from", from);
  finite("to", to);
  positiveInt("steps", steps);
  return (t) => (t >= steps ? to : from + ((to - from) * t) / steps);
}

/** `value * gamma^floor(t / stepSize)` (StepLR's closed form). */
export function stepDecay(value: number, stepSize: number, gamma = 0.1): Schedule {
  finite("value", value);
  positiveInt("stepSize", stepSize);
  finite("gamma", gamma);
  return (t) => value * gamma ** Math.floor(t / stepSize);
}

/** `value * gamma^k` where k is the number of milestones <= t (a repeated one counts twice, as in MultiStepLR). */
export function multiStep(value: number, milestones: readonly number[], gamma = 0.1): Schedule {
  finite("value", value);
  const ms = checkIncreasing("milestones", milestones, 1, false);
  finite("gamma", gamma);
  return (t) => value * gamma ** countAtMost(ms, t);
}

/** `value * gamma^t`. */
export function exponential(value: number, gamma: number): Schedule {
  finite("value", value);
  finite("gamma", gamma);
  return (t) => value * gamma ** t;
}

/** Half a cosine from `value` at step 0 down to `floor` at step `steps`, then `floor`. */
export function cosineDecay(value: number, steps: number, floor = 0): Schedule {
  finite("value", value);
  positiveInt("steps", steps);
  finite("floor", floor);
  return (t) => (t >= steps ? floor : floor + ((value - floor) * (1 + Math.cos((Math.PI * t) / steps))) / 2);
}

/** `(from - to) * (1 - t/steps)^power + to` up to `steps`, then `to`. */
export function polynomial(from: number, to: number, steps: number, power = 1): Schedule {
  finite("from", from);
  finite("to", to);
  positiveInt("steps", steps);
  nonNegative("power", power);
  return (t) => (t >= steps ? to : (from - to) * (1 - t / steps) ** power + to);
}

/**
 * Linear warm-up over `steps` from `from` to the first value of `then` (a schedule or a
 * number), followed by `then` started afresh: warmup(100, cosineDecay(1e-3, 900)).
 */
export function warmup(steps: number, then: Schedule | number, from = 0): Schedule {
  positiveInt("steps", steps);
  finite("from", from);
  const after = typeof then === "number" ? constant(then) : checkSchedule("then", then);
  const peak = after(0);
  return (t) => (t < steps ? from + ((peak - from) * t) / steps : after(t - steps));
}

export interface WarmRestartsOptions {
  /** Each period is `mult` times the previous one (an integer >= 1). */
  mult?: number;
  /** The value at the end of each period. */
  floor?: number;
}

/**
 * Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017): a cosine from
 * `value` to `floor` over `period` steps, then again from `value` over `period * mult`...
 */
export function warmRestarts(value: number, period: number, options: WarmRestartsOptions = {}): Schedule {
  const { mult = 1, floor = 0 } = options;
  finite("value", value);
  positiveInt("period", period);
  positiveInt("mult", mult);
  finite("floor", floor);
  return (t) => {
    let len = period;
    let cur = t;
    while (cur >= len) {
      cur -= len;
      len *= mult;
    }
    return floor + ((value - floor) * (1 + Math.cos((Math.PI * cur) / len))) / 2;
  };
}

/**
 * One schedule after another: `schedules[i]` runs from `boundaries[i-1]` (0 for the first)
 * and sees the steps counted from its own start (optax.join_schedules).
 */
export function join(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  if (!Array.isArray(schedules) || schedules.length === 0) throw new InvalidOptionError("schedules", schedules, "a non-empty array of schedules");
  schedules.forEach((s, i) => checkSchedule(`schedules[${i}]`, s));
  const bs = checkIncreasing("boundaries", boundaries, 1);
  if (bs.length !== schedules.length - 1) throw new InvalidOptionError("boundaries", boundaries, `${schedules.length - 1} boundaries (one fewer than the schedules)`);
  return (t) => {
    const i = countAtMost(bs, t);
    return schedules[i]!(i === 0 ? t : t - bs[i - 1]!);
  };
}

export type Anneal = "cos" | "linear";

export interface OneCycleOptions {
  /** Share of the steps spent rising (default 0.3). */
  pctStart?: number;
  /** Starting value = maxValue / divFactor (default 25). */
  divFactor?: number;
  /** Final value = starting value / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  anneal?: Anneal;
  /** Rise, fall back to the start, then anneal to the final value (fast.ai's variant). */
  threePhase?: boolean;
}

/**
 * The 1cycle policy (Smith & Topin 2018) as torch's OneCycleLR computes the lr: from
 * maxValue/divFactor up to maxValue, then down to the start / finalDivFactor, over
 * `totalSteps` (the final value holds after).
 */
export function oneCycle(maxValue: number, totalSteps: number, options: OneCycleOptions = {}): Schedule {
  const { divFactor = 25, finalDivFactor = 1e4 } = options;
  finite("maxValue", maxValue);
  positiveInt("totalSteps", totalSteps);
  finite("divFactor", divFactor);
  finite("finalDivFactor", finalDivFactor);
  const initial = maxValue / divFactor;
  const f = cyclePhases(totalSteps, options, initial, maxValue, initial / finalDivFactor);
  return (t) => f(Math.min(t, totalSteps - 1));
}

/** The momentum that goes with oneCycle: maxMomentum down to baseMomentum at the peak and back. */
export function oneCycleMomentum(baseMomentum: number, maxMomentum: number, totalSteps: number, options: Omit<OneCycleOptions, "divFactor" | "finalDivFactor"> = {}): Schedule {
  finite("baseMomentum", baseMomentum);
  finite("maxMomentum", maxMomentum);
  positiveInt("totalSteps", totalSteps);
  const f = cyclePhases(totalSteps, options, maxMomentum, baseMomentum, maxMomentum);
  return (t) => f(Math.min(t, totalSteps - 1));
}

/**
 * torch OneCycleLR's phases: two (start -> peak -> end) or three (start -> peak -> start ->
 * end), boundaries at pctStart * total - 1 (and 2 * pctStart * total - 2), the last phase
 * ending at total - 1. Returns the value at step t (not clamped).
 */
export function cyclePhases(totalSteps: number, options: { pctStart?: number; anneal?: Anneal; threePhase?: boolean }, start: number, peak: number, end: number): Schedule {
  const { pctStart = 0.3, anneal = "cos", threePhase = false } = options;
  if (typeof pctStart !== "number" || !(pctStart >= 0 && pctStart <= 1)) throw new InvalidOptionError("pctStart", pctStart, "a number in [0, 1]");
  oneOf("cos", "linear")("anneal", anneal);
  const f = anneal === "cos" ? (a: number, b: number, pct: number) => b + ((a - b) / 2.0) * (Math.cos(Math.PI * pct) + 1) : (a: number, b: number, pct: number) => (b - a) * pct + a;
  const phases: [number, number, number][] = threePhase
    ? [[pctStart * totalSteps - 1, start, peak], [2 * pctStart * totalSteps - 2, peak, start], [totalSteps - 1, start, end]]
    : [[pctStart * totalSteps - 1, start, peak], [totalSteps - 1, peak, end]];
  return (t) => {
    let from = 0;
    for (let i = 0; i < phases.length; i++) {
      const [to, a, b] = phases[i]!;
      if (t <= to || i === phases.length - 1) return f(a, b, (t - from) / (to - from));
      from = to;
    }
    return end; // not reached: the last phase always returns
  };
}

function checkSchedule(name: string, s: unknown): Schedule {
  if (typeof s !== "function") throw new InvalidOptionError(name, s, "a schedule: a function of the step returning a number");
  return s as Schedule;
}

function checkIncreasing(name: string, v: unknown, min: number, strict = true): number[] {
  if (!Array.isArray(v) || v.some((x, i) => !Number.isSafeInteger(x) || x < min || (i > 0 && (strict ? x <= v[i - 1] : x < v[i - 1])))) {
    throw new InvalidOptionError(name, v, `${strict ? "an increasing" : "a non-decreasing"} array of integers >= ${min}`);
  }
  return [...(v as number[])];
}

/** How many of the sorted `xs` are <= t (bisect_right). */
export function countAtMost(xs: readonly number[], t: number): number {
  let n = 0;
  while (n < xs.length && xs[n]! <= t) n++;
  return n;
}

// ---- schedulers

type AnyOptimizer = Optimizer<object>;

/**
 * The base of every scheduler: bound to one optimizer and attached to it, so the
 * optimizer's checkpoints carry the scheduler's position (see docs/checkpoints.md).
 */
export abstract class Scheduler implements Attachment {
  constructor(readonly optimizer: AnyOptimizer) {
    checkOptimizer(optimizer);
    optimizer.attach(this);
  }

  /** The name checkpoints record (the class name). */
  get kind(): string {
    return this.constructor.name;
  }

  /** Stops saving this scheduler with the optimizer (e.g. before replacing it). */
  detach(): void {
    this.optimizer.detach(this);
  }

  /** The constructor's settings, normalised; a checkpoint must have the same to load. */
  protected abstract config(): StateTree;
  /** The mutable position (step counts, ...). */
  protected abstract position(): StateTree;
  /** Checks a saved position and returns how to restore it. */
  protected abstract preparePosition(saved: StateTree, where: string): PendingLoad;

  stateDict(): StateTree {
    return { config: this.config(), ...this.position() };
  }

  prepareLoad(state: StateValue | undefined, where: string): PendingLoad {
    const s = asTree(state, where);
    expectSame(s.config, this.config(), `${where}.config`);
    return this.preparePosition(s, where);
  }

  /** Restores stateDict() (checked first; on error nothing changes). Does not set hyperparameters. */
  loadStateDict(state: StateValue): void {
    this.prepareLoad(state, this.kind).commit();
  }
}

export function checkOptimizer(optimizer: unknown): AnyOptimizer {
  if (!(optimizer instanceof Optimizer)) throw new InvalidOptionError("optimizer", optimizer, "an Optimizer");
  return optimizer as AnyOptimizer;
}

/** One hyperparameter value to set: `key` may index a pair, as in "betas[0]". */
export interface GroupUpdate {
  group: ParamGroup<object>;
  key: string;
  value: number;
}

/**
 * Sets every update through the groups' validated setters, all or nothing: if one value is
 * rejected (InvalidOptionError), the ones already set are put back and the error rethrown.
 */
export function setGroupValues(updates: readonly GroupUpdate[]): void {
  const done: { group: Record<string, unknown>; base: string; old: unknown }[] = [];
  try {
    for (const { group, key, value } of updates) {
      const g = group as unknown as Record<string, unknown>;
      const { base, index } = parseKey(key);
      const old = g[base];
      const next = index === undefined ? value : Object.assign([...(old as number[])], { [index]: value });
      g[base] = next;
      done.push({ group: g, base, old });
    }
  } catch (e) {
    for (const { group, base, old } of done.reverse()) group[base] = old;
    throw e;
  }
}

/** "betas[1]" -> { base: "betas", index: 1 }; "lr" -> { base: "lr" }. */
export function parseKey(key: string): { base: string; index?: number } {
  const m = /^([A-Za-z_$][\w$]*)(?:\[(\d+)\])?$/.exec(key);
  if (!m) throw new InvalidOptionError("hyperparameter", key, 'a hyperparameter name such as "lr", "momentum" or "betas[0]"');
  return m[2] === undefined ? { base: m[1]! } : { base: m[1]!, index: Number(m[2]) };
}

/** The current value of `key` in `group` (validating that it is a number there). */
export function readGroupValue(group: ParamGroup<object>, key: string, where: string): number {
  const { base, index } = parseKey(key);
  const g = group as unknown as Record<string, unknown>;
  const v = base in g ? g[base] : undefined;
  const x = index === undefined ? v : Array.isArray(v) ? v[index] : undefined;
  if (typeof x !== "number") throw new InvalidOptionError("hyperparameter", key, `a numeric hyperparameter of ${where} (it has ${Object.keys(g).filter((k) => k !== "params").join(", ")})`);
  return x;
}

export interface ScheduleHyperparameterOptions {
  /** Which groups (index or indices); default all. */
  group?: number | readonly number[];
}

/**
 * Drives one hyperparameter (lr, momentum, "betas[0]", weightDecay, ...) of some groups by a
 * pure schedule: the value for step 0 is set now, and each step() moves to the next step.
 */
export class HyperparameterScheduler extends Scheduler {
  readonly key: string;
  readonly groups: readonly number[];
  #t = 0;

  constructor(
    optimizer: AnyOptimizer,
    key: string,
    readonly schedule: Schedule,
    options: ScheduleHyperparameterOptions = {},
  ) {
    super(optimizer);
    try {
      checkSchedule("schedule", schedule);
      const n = optimizer.paramGroups.length;
      const g = options.group ?? [...Array(n).keys()];
      const list = typeof g === "number" ? [g] : g;
      if (!Array.isArray(list) || list.length === 0 || list.some((i) => !Number.isSafeInteger(i) || i < 0 || i >= n) || new Set(list).size !== list.length) {
        throw new InvalidOptionError("group", options.group, `a group index in [0, ${n - 1}] or an array of distinct ones`);
      }
      for (const i of list) readGroupValue(optimizer.paramGroups[i]!, key, `paramGroups[${i}]`);
      this.key = key;
      this.groups = Object.freeze([...list]);
      this.#apply(0);
    } catch (e) {
      this.detach();
      throw e;
    }
  }

  /** The current step t (0 after construction). */
  get t(): number {
    return this.#t;
  }

  /** The value at the current step. */
  get value(): number {
    return this.schedule(this.#t);
  }

  /** Advances one step and sets the new value (all groups or none, if a value is invalid). */
  step(): void {
    this.#apply(this.#t + 1);
  }

  #apply(t: number): void {
    const value = this.schedule(t);
    setGroupValues(this.groups.map((i) => ({ group: this.optimizer.paramGroups[i]!, key: this.key, value })));
    this.#t = t;
  }

  protected config(): StateTree {
    return { key: this.key, groups: [...this.groups] };
  }
  protected position(): StateTree {
    return { t: this.#t };
  }
  protected preparePosition(saved: StateTree, where: string): PendingLoad {
    const t = asInteger(saved.t, `${where}.t`);
    return { commit: () => void (this.#t = t) };
  }
}

/** scheduleHyperparameter(opt, "momentum", linear(0.5, 0.9, 1000), { group: 0 }). */
export function scheduleHyperparameter(optimizer: AnyOptimizer, key: string, schedule: Schedule, options: ScheduleHyperparameterOptions = {}): HyperparameterScheduler {
  return new HyperparameterScheduler(optimizer, key, schedule, options);
}
