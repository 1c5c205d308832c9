// The Scheduler base every scheduler shares (the pure-schedule one in hyperparameter.ts and
// the torch-named ones in torch.ts), and the all-or-nothing group setters they write through.
import { InvalidOptionError } from "../errors.js";
import { isArray } from "../options.js";
import type { ParamGroup } from "../optimizer.js";
import { checkOptimizer, type AnyOptimizer } from "../any-optimizer.js";
import { kindOf, type Attachment, type PendingLoad, type StateTree, type StateValue } from "../checkpoint/attachment.js";
import { fromJSONForm, withJSONForm } from "../checkpoint/json.js";
import { asTree, expectSame } from "../checkpoint/read.js";

/**
 * The base of every scheduler: bound to one optimizer and attached to it, so the
 * optimizer's checkpoints carry the scheduler's position (see docs/checkpoints.md).
 * Each concrete subclass names itself in checkpoints by `static readonly kind = "StepLR"`.
 */
export abstract class Scheduler implements Attachment {
  /**
   * Attaches the new scheduler to `optimizer`.
   * @throws {@link InvalidOptionError} naming `optimizer` when it is not an Optimizer.
   */
  constructor(
    /** The optimizer whose groups this scheduler sets. */
    readonly optimizer: AnyOptimizer,
  ) {
    checkOptimizer(optimizer);
    optimizer.attach(this);
  }

  /** The name checkpoints record: the class's own `static kind` (kindOf), not a minifiable class name. */
  get kind(): string {
    return kindOf(this);
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

  /**
   * The scheduler's settings (`config`, checked on load) and position, saved with the optimizer's
   * checkpoints (with a toJSON writing the JSON form, see checkpoint/json.ts).
   */
  stateDict(): StateTree {
    return withJSONForm({ config: this.config(), ...this.position() });
  }

  /** Checks a saved state (throwing {@link CheckpointError}) and returns how to apply it; changes nothing. */
  prepareLoad(state: StateValue | undefined, where: string): PendingLoad {
    const s = asTree(state, where);
    expectSame(s.config, this.config(), `${where}.config`);
    return this.preparePosition(s, where);
  }

  /** Restores stateDict() (checked first; on error nothing changes). Does not set hyperparameters. */
  loadStateDict(state: StateValue): void {
    this.prepareLoad(fromJSONForm(state), this.kind).commit();
  }
}

/** One hyperparameter value to set: `key` may index a pair, as in "betas[0]". */
export interface GroupUpdate {
  /** The group to set. */
  group: ParamGroup<object>;
  /** The hyperparameter's name, or an element of a pair (`"betas[0]"`). */
  key: string;
  /** The new value (validated by the group's setter). */
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
  const m = typeof key === "string" ? /^([A-Za-z_$][\w$]*)(?:\[(\d+)\])?$/.exec(key) : null;
  if (!m)
    throw new InvalidOptionError(
      "hyperparameter",
      key,
      'a hyperparameter name such as "lr", "momentum" or "betas[0]"',
      typeof key === "string" ? "value" : "type",
    );
  return m[2] === undefined ? { base: m[1]! } : { base: m[1]!, index: Number(m[2]) };
}

/** The current value of `key` in `group` (validating that it is a number there). */
export function readGroupValue(group: ParamGroup<object>, key: string, where: string): number {
  const { base, index } = parseKey(key);
  const g = group as unknown as Record<string, unknown>;
  const v = Object.hasOwn(g, base) ? g[base] : undefined; // own options only: not toString, not __proto__
  const x = index === undefined ? v : isArray(v) ? v[index] : undefined;
  if (typeof x !== "number")
    throw new InvalidOptionError(
      "hyperparameter",
      key,
      `a numeric hyperparameter of ${where} (it has ${Object.keys(g)
        .filter((k) => k !== "params")
        .join(", ")})`,
      "value",
    );
  return x;
}
