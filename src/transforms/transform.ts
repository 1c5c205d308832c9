// The base of the training transforms (skip-non-finite.ts, accumulate.ts): each wraps one
// optimizer's step and travels in its checkpoints as an attachment. A transform depends on
// this base, never on a sibling: accumulate can wrap any transform, not one class it knows.
import { checkOptimizer, type AnyOptimizer } from "../any-optimizer.js";
import { kindOf, type Attachment, type PendingLoad, type StateTree, type StateValue } from "../checkpoint/attachment.js";

/**
 * A transform around one optimizer: `step()` does its work (check, clip, accumulate) and steps
 * the optimizer, or not. Concrete classes name themselves in checkpoints by
 * `static readonly kind = "..."` (see kindOf) and attach themselves once their options are
 * checked. Optax's GradientTransformation, as an object bound to its optimizer.
 */
export abstract class Transform implements Attachment {
  /** The optimizer this transform (or the transform it wraps) steps. */
  readonly optimizer: AnyOptimizer;

  protected constructor(optimizer: AnyOptimizer) {
    this.optimizer = optimizer;
  }

  /** The name checkpoints record: the class's own `static kind`. */
  get kind(): string {
    return kindOf(this);
  }

  /** Steps the optimizer through this transform; what it returns depends on the transform. */
  abstract step(): unknown;
  /** This transform's state, saved with the optimizer's checkpoints. */
  abstract stateDict(): StateTree;
  /** Checks a saved state (throwing {@link CheckpointError}) and returns how to apply it; changes nothing. */
  abstract prepareLoad(state: StateValue | undefined, where: string): PendingLoad;

  /** The optimizer's zeroGrad(). */
  zeroGrad(): void {
    this.optimizer.zeroGrad();
  }

  /** Stops saving this transform with the optimizer. */
  detach(): void {
    this.optimizer.detach(this);
  }
}

/** What a transform can wrap: an optimizer, or a transform around one. */
export type Steppable = AnyOptimizer | Transform;

/**
 * The optimizer under `target` (itself, or the one a transform wraps).
 * @throws InvalidOptionError naming `name` when `target` is neither.
 */
export function optimizerOf(target: unknown, name: string): AnyOptimizer {
  return target instanceof Transform
    ? target.optimizer
    : checkOptimizer(target, name, "an Optimizer or a transform around one (e.g. skipNonFinite(opt))");
}
