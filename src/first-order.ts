// The first-order step (torch's per-optimizer `step`: `_init_group`, then the update of each
// param): every missing state buffer is made first, for every param, so that running out of
// memory changes nothing; then each group's params are updated in turn, one fused kernel
// call per param. A subclass says which buffers a group needs and which kernel gets which
// scalars; the math lives in assembly/.
import { Optimizer, type GroupInput, type ParamGroup } from "./optimizer.js";
import { ParamState, type Param } from "./param.js";

/**
 * A state buffer a param needs for its next step: a torch state name, how it starts (default
 * 0) and its length (default: the param's size; Adafactor's row_var and col_var are shorter).
 */
export type StateBufferSpec = string | { readonly name: string; readonly init?: number | "params"; readonly length?: number };

/** No buffer was created for this param in this step (the common case). */
const NONE: ReadonlySet<string> = new Set();

/**
 * An optimizer whose step updates each param from its own gradient and state with one
 * kernel call (SGD, Adam, ..., Schedule-Free). Subclasses implement `stateBuffers` and
 * `update`, and may override `beforeGroup` for per-group scalars.
 */
export abstract class FirstOrderOptimizer<O extends object> extends Optimizer<O> {
  /**
   * Adds a parameter group (validated completely before anything changes).
   * @throws InvalidOptionError for a bad option or a param already in a group.
   */
  addParamGroup(group: GroupInput<O>): void {
    this.addGroup(group);
  }

  /**
   * One update of every param with requiresGrad. A closure, if given, is called first (it
   * recomputes the loss and writes the gradients); its value is returned. Everything that
   * can fail (a disposed param, a detached array of a wrapped one, running out of memory)
   * fails before the first param is updated.
   */
  step(closure?: () => number): number | undefined {
    this.checkStep();
    const loss = closure ? closure() : undefined;
    if (closure) this.checkStep(); // the closure may have disposed something
    const created = this.#prepareState();
    for (const group of this.paramGroups) for (const p of group.params) if (p.requiresGrad) p.syncIn();
    for (const group of this.paramGroups) {
      this.beforeGroup(group);
      for (const p of group.params) {
        if (!p.requiresGrad) continue;
        const s = this.state.get(p)!;
        this.update(p, group, s, created.size === 0 ? NONE : (created.get(s) ?? NONE));
        p.syncOut();
      }
    }
    return loss;
  }

  /** The state buffers param `p` of `group` needs for its next step, with their initial values. */
  protected abstract stateBuffers(group: ParamGroup<O>, p: Param): readonly StateBufferSpec[];

  /** Called once per group per step before its params (group-level scalars). */
  protected beforeGroup(_group: ParamGroup<O>): void {}

  /**
   * Updates one param in place. Its state `s` holds every buffer stateBuffers() asked for;
   * `fresh` names those created for this step (torch: state that did not exist yet, as SGD's
   * first momentum step); its step count is not yet advanced.
   */
  protected abstract update(p: Param, group: ParamGroup<O>, s: ParamState, fresh: ReadonlySet<string>): void;

  /**
   * Creates every missing state buffer of every param before any param is updated: when
   * memory runs out, nothing has been stepped and the new buffers are freed again.
   * Returns the names of the buffers created, by state.
   */
  #prepareState(): Map<ParamState, Set<string>> {
    const created = new Map<ParamState, Set<string>>();
    const fresh: Param[] = [];
    try {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (!p.requiresGrad) continue;
          const specs = this.stateBuffers(group, p);
          let s = this.state.get(p);
          if (!s) {
            this.state.set(p, (s = new ParamState(p)));
            fresh.push(p);
          }
          for (const spec of specs) {
            const name = typeof spec === "string" ? spec : spec.name;
            if (s.buffers.has(name)) continue;
            const init = typeof spec === "string" ? 0 : (spec.init ?? 0);
            const b = s.buffer(name, init === "params" ? 0 : init, typeof spec === "string" ? undefined : spec.length);
            if (init === "params") b.view.set(p.data);
            let names = created.get(s);
            if (!names) created.set(s, (names = new Set()));
            names.add(name);
          }
        }
      }
    } catch (e) {
      for (const [s, names] of created) {
        for (const name of names) {
          s.buffers.get(name)!.free();
          s.buffers.delete(name);
        }
      }
      for (const p of fresh) this.state.delete(p);
      throw e;
    }
    return created;
  }
}
