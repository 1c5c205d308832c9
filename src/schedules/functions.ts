// Schedules: pure functions of the step (the Optax way, optax.schedules) that can drive any
// numeric hyperparameter of any optimizer, per group (schedules/hyperparameter.ts). Exported
// from the package root as the `schedules` namespace: schedules.linear(0, 1e-3, 100).
import { InvalidOptionError } from "../errors.js";
import { isArray, nonNegative } from "../options.js";
import { checkIncreasing, checkSchedule, countAtMost, cyclePhases, finite, positiveInt, type Anneal, type Schedule } from "./core.js";

export type { Anneal, Schedule };

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

/** Options of {@link warmRestarts}. */
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
  // O(1) in t: the cycle index k comes from the closed form of the geometric series of cycle
  // starts, period * (mult^k - 1) / (mult - 1), corrected by at most a step for log rounding.
  const startOf = (k: number): number => (period * (mult ** k - 1)) / (mult - 1);
  return (t) => {
    let cur: number, len: number;
    if (mult === 1) {
      cur = t % period;
      len = period;
    } else {
      let k = Math.floor(Math.log((t / period) * (mult - 1) + 1) / Math.log(mult));
      while (k > 0 && startOf(k) > t) k--;
      while (startOf(k + 1) <= t) k++;
      cur = t - startOf(k);
      len = period * mult ** k;
    }
    return floor + ((value - floor) * (1 + Math.cos((Math.PI * cur) / len))) / 2;
  };
}

/**
 * One schedule after another: `schedules[i]` runs from `boundaries[i-1]` (0 for the first)
 * and sees the steps counted from its own start (optax.join_schedules).
 */
export function join(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  if (!isArray(schedules) || schedules.length === 0) throw new InvalidOptionError("schedules", schedules, "a non-empty array of schedules");
  schedules.forEach((s, i) => checkSchedule(`schedules[${i}]`, s));
  const bs = checkIncreasing("boundaries", boundaries, 1);
  if (bs.length !== schedules.length - 1)
    throw new InvalidOptionError("boundaries", boundaries, `${schedules.length - 1} boundaries (one fewer than the schedules)`);
  return (t) => {
    const i = countAtMost(bs, t);
    return schedules[i]!(i === 0 ? t : t - bs[i - 1]!);
  };
}

/** Options of {@link oneCycle}. */
export interface OneCycleOptions {
  /** Share of the steps spent rising (default 0.3). */
  pctStart?: number;
  /** Starting value = maxValue / divFactor (default 25). */
  divFactor?: number;
  /** Final value = starting value / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** `"cos"` (default) or `"linear"` between the phases. */
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
export function oneCycleMomentum(
  baseMomentum: number,
  maxMomentum: number,
  totalSteps: number,
  options: Omit<OneCycleOptions, "divFactor" | "finalDivFactor"> = {},
): Schedule {
  finite("baseMomentum", baseMomentum);
  finite("maxMomentum", maxMomentum);
  positiveInt("totalSteps", totalSteps);
  const f = cyclePhases(totalSteps, options, maxMomentum, baseMomentum, maxMomentum);
  return (t) => f(Math.min(t, totalSteps - 1));
}
