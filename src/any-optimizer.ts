// What the training toolkit (schedulers, transforms) is bound to: any optimizer, whatever its
// options type, checked at the boundary.
import { InvalidOptionError, StateError } from "./errors.js";
import { Optimizer } from "./optimizer.js";

/** An optimizer of any kind (the toolkit reads and sets its groups, never its option type). */
export type AnyOptimizer = Optimizer<object>;

/**
 * `value` as an optimizer.
 * @throws InvalidOptionError naming `name` when `value` is not an Optimizer.
 */
export function checkOptimizer(value: unknown, name = "optimizer", expected = "an Optimizer"): AnyOptimizer {
  if (!(value instanceof Optimizer)) throw new InvalidOptionError(name, value, expected, "type");
  if (value.disposed) throw new StateError(`wasm-optim: ${name} (${value.kind}) was disposed`);
  return value as AnyOptimizer;
}
