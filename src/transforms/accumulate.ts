// Gradient accumulation: averages the gradients of k micro-batches and steps once every k
// calls. The first micro-batch is copied, the next ones added (one SIMD pass), and the k-th
// pass writes the mean (acc + g) / k into the gradients before the optimizer's step.
import { integer } from "../options.js";
import { kernelsByDType } from "../runtime/kernels.js";
import { trainable, withGrad, WasmBuffer, type Param } from "../param.js";
import { CheckpointError, type PendingLoad, type StateTree, type StateValue } from "../checkpoint/attachment.js";
import { asArray, asFloatArray, asInteger, asTree } from "../checkpoint/read.js";
import { optimizerOf, Transform, type Steppable } from "./transform.js";

const add = kernelsByDType("accumulate");
const mean = kernelsByDType("accumulateMean");

/**
 * Wraps an optimizer (or a transform around one, e.g. skipNonFinite): step() takes one
 * micro-batch's gradients; every `every`-th call replaces the gradients by the mean of the
 * last `every` and steps. Attached to the optimizer, so a checkpoint taken between
 * micro-batches resumes exactly. See also optax.MultiSteps.
 */
export class GradientAccumulator extends Transform {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind = "GradientAccumulator";
  /** The number of micro-batches per optimizer step (an integer ≥ 1). */
  readonly every: number;
  #pending = 0;
  readonly #sums = new Map<Param, WasmBuffer>();

  /**
   * Prefer {@link accumulateGradients}. Attaches itself to the optimizer under `target`.
   * @param target - what to step: an optimizer, or a transform around one.
   * @param every - micro-batches per step, an integer ≥ 1.
   * @throws {@link InvalidOptionError} naming `target` or `every`.
   */
  constructor(
    /** What every `every`-th call steps: an optimizer or a transform around one. */
    readonly target: Steppable,
    every: number,
  ) {
    super(optimizerOf(target, "target"));
    this.every = integer(1)("every", every);
    this.optimizer.attach(this);
  }

  /** Micro-batches held since the last step (0 .. every-1). */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Takes this micro-batch's gradients; returns true when this call stepped the optimizer.
   * On the stepping call the gradients are replaced by the mean first; if the wrapped step
   * then throws (skipNonFinite with `throw: true` meeting NaN, out of memory), they hold that
   * mean and the micro-batches stay pending.
   */
  step(): boolean {
    const params = this.#params();
    const i = this.#pending + 1;
    if (i === this.every) {
      this.optimizer.checkStep(); // before the gradients are replaced by the mean
      if (i > 1) for (const p of params) withGrad(p, true, (g) => mean[p.dtype](this.#sum(p).ptr, g, p.size, this.every));
      this.target.step();
      this.#pending = 0;
      return true;
    }
    for (const p of params) {
      if (i === 1) this.#sum(p).view.set(p.grad);
      else withGrad(p, false, (g) => add[p.dtype](this.#sum(p).ptr, g, p.size));
    }
    this.#pending = i;
    return false;
  }

  /** Drops the micro-batches held so far. */
  reset(): void {
    this.#pending = 0;
  }

  /** Frees the sums and detaches from the optimizer. */
  dispose(): void {
    for (const b of this.#sums.values()) b.free();
    this.#sums.clear();
    this.#pending = 0;
    this.detach();
  }

  #params(): Param[] {
    return trainable(this.optimizer.paramGroups.flatMap((g) => g.params));
  }

  #sum(p: Param): WasmBuffer {
    let b = this.#sums.get(p);
    if (!b) this.#sums.set(p, (b = new WasmBuffer(p.dtype, p.size)));
    return b;
  }

  stateDict(): StateTree {
    const sums = this.#pending > 0 ? this.#params().map((p) => this.#sum(p).view.slice()) : [];
    return { every: this.every, pending: this.#pending, sums };
  }

  prepareLoad(state: StateValue | undefined, where: string): PendingLoad {
    const s = asTree(state, where);
    const every = asInteger(s.every, `${where}.every`, 1);
    if (every !== this.every)
      throw new CheckpointError("mismatch", `${where} accumulates ${every} micro-batches in the checkpoint, ${this.every} here`);
    const pending = asInteger(s.pending, `${where}.pending`);
    if (pending >= every) throw new CheckpointError("invalid", `${where}.pending is ${pending}, expected less than ${every}`);
    const params = this.#params();
    const saved = asArray(s.sums, `${where}.sums`, pending > 0 ? params.length : 0);
    const data = saved.map((x, i) => asFloatArray(x, `${where}.sums[${i}]`, params[i]!.dtype, params[i]!.size));
    const fresh = new Map<Param, WasmBuffer>();
    try {
      for (const p of params.slice(0, data.length)) if (!this.#sums.has(p)) fresh.set(p, new WasmBuffer(p.dtype, p.size));
    } catch (e) {
      for (const b of fresh.values()) b.free();
      throw e;
    }
    return {
      commit: () => {
        for (const [p, b] of fresh) this.#sums.set(p, b);
        data.forEach((d, i) => this.#sums.get(params[i]!)!.view.set(d));
        this.#pending = pending;
      },
      abort: () => {
        for (const b of fresh.values()) b.free();
      },
    };
  }
}

/** accumulateGradients(opt, k): a GradientAccumulator stepping `target` once every k micro-batches. */
export function accumulateGradients(target: Steppable, every: number): GradientAccumulator {
  return new GradientAccumulator(target, every);
}
