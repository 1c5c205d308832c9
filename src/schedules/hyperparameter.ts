// Drives one hyperparameter of some groups by a pure schedule (optax.inject_hyperparams).
import { InvalidOptionError } from "../errors.js";
import { isArray, optionsObject } from "../options.js";
import type { AnyOptimizer } from "../any-optimizer.js";
import type { PendingLoad, StateTree } from "../checkpoint/attachment.js";
import { asInteger } from "../checkpoint/read.js";
import { checkSchedule, type Schedule } from "./core.js";
import { readGroupValue, Scheduler, setGroupValues } from "./scheduler.js";

/** Options of {@link scheduleHyperparameter}. */
export interface ScheduleHyperparameterOptions {
  /** Which groups (index or indices); default all. */
  group?: number | readonly number[];
}

/**
 * Drives one hyperparameter (lr, momentum, "betas[0]", weightDecay, ...) of some groups by a
 * pure schedule: the value for step 0 is set now, and each step() moves to the next step.
 */
export class HyperparameterScheduler extends Scheduler {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind = "HyperparameterScheduler";
  /** The hyperparameter driven (`"lr"`, `"momentum"`, `"betas[0]"`, ...). */
  readonly key: string;
  /** The indices of the groups driven. */
  readonly groups: readonly number[];
  #t = 0;

  constructor(
    optimizer: AnyOptimizer,
    key: string,
    /** The schedule: step t → value. */
    readonly schedule: Schedule,
    options: ScheduleHyperparameterOptions = {},
  ) {
    optionsObject(options, "options", ["group"]);
    super(optimizer);
    try {
      checkSchedule("schedule", schedule);
      const n = optimizer.paramGroups.length;
      const g = options.group ?? [...Array(n).keys()];
      const list = typeof g === "number" ? [g] : g;
      if (
        !isArray(list) ||
        list.length === 0 ||
        list.some((i) => !Number.isSafeInteger(i) || i < 0 || i >= n) ||
        new Set(list).size !== list.length
      ) {
        throw new InvalidOptionError(
          "group",
          options.group,
          `a group index in [0, ${n - 1}] or an array of distinct ones`,
          isArray(options.group) ? "value" : undefined,
        );
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

/** scheduleHyperparameter(opt, "momentum", schedules.linear(0.5, 0.9, 1000), { group: 0 }). */
export function scheduleHyperparameter(
  optimizer: AnyOptimizer,
  key: string,
  schedule: Schedule,
  options: ScheduleHyperparameterOptions = {},
): HyperparameterScheduler {
  return new HyperparameterScheduler(optimizer, key, schedule, options);
}
