// The Schedule-Free machinery (Defazio et al. 2024, "The Road Less Scheduled") that
// SGDScheduleFree and AdamWScheduleFree share: per-group averaging weights, the z and x
// buffers, and the train/eval mode of the parameter buffer.
//
// Three sequences per parameter: z (the base iterate), x (the weighted average: the point
// to evaluate and save) and y = beta*x + (1 - beta)*z (where gradients are taken). x is
// kept explicitly, so eval() is an exact copy of x and train() recomputes y with the very
// kernel arithmetic the step used: the round trip gives back y bit for bit.
import { CheckpointError, type PendingLoad, type StateTree } from "../../checkpoint/attachment.js";
import { asString } from "../../checkpoint/read.js";
import { InvalidOptionError, StateError } from "../../errors.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../../first-order.js";
import type { ParamGroup, ParamsInput, StepScalar } from "../../optimizer.js";
import type { Schema } from "../../options.js";
import { disposedError, type FloatArray, type Param, type ParamState } from "../../param.js";
import { kernelsByDType } from "../../runtime/kernels.js";

/** The options both Schedule-Free optimizers have. */
export interface ScheduleFreeOptions {
  /**
   * Learning rate, ≥ 0 (typically 10–50× what the scheduled counterpart uses; warmed up over `warmupSteps`).
   * @defaultValue SGDScheduleFree: `1`; AdamWScheduleFree: `0.0025`
   */
  lr: number;
  /**
   * Weight decay, ≥ 0, evaluated at y: `u ← u + weightDecay · y` before `z ← z − lr · u` (see [conventions](../../../docs/conventions.md)).
   * @defaultValue `0`
   */
  weightDecay: number;
  /**
   * Linear warm-up of the learning rate over this many steps (optimizer steps; 0: none), an integer ≥ 0.
   * @defaultValue `0`
   */
  warmupSteps: number;
  /**
   * Polynomial weighting of the average, ≥ 0: step k weighs (k + 1)ʳ · lr_maxʷ (w = `weightLrPower`).
   * @defaultValue `0`
   */
  r: number;
  /**
   * The power w of the largest lr so far in the averaging weight (k + 1)ʳ · lr_maxʷ, ≥ 0.
   * @defaultValue `2`
   */
  weightLrPower: number;
}

/** What one step of one group applies: its learning rate and averaging coefficient. */
export interface ScheduleFreeStep {
  /** 0-based step index k (before the increment). */
  k: number;
  /** The learning rate of this step (warm-up applied). */
  lr: number;
  /** x = (1 - c)*x + c*z. */
  c: number;
}

/** The mode of a Schedule-Free optimizer: `"train"` (the params hold y) or `"eval"` (they hold x). */
export type Mode = "train" | "eval";

const toY = kernelsByDType("scheduleFreeY");
/** z and x, both starting at the params. */
export const SCHEDULE_FREE_BUFFERS: readonly StateBufferSpec[] = [
  { name: "z", init: "params" },
  { name: "x", init: "params" },
];

/** The per-group scalars of the weighted average. */
const GROUP_STATE = ["k", "weight_sum", "lr_max"];

/**
 * The Schedule-Free machinery (Defazio et al., 2024) that {@link SGDScheduleFree} and
 * {@link AdamWScheduleFree} share: no learning-rate schedule, an online average instead.
 *
 * Three sequences per param, each the param's size and dtype: z (the base iterate, state `z`),
 * x (the weighted average: the point to evaluate and save, state `x`) and
 * y = β · x + (1 − β) · z (where gradients are taken; what the params hold in train mode).
 * Per step k = 0, 1, … of a group, with the learning rate lrₖ (warmed up over `warmupSteps`):
 * ```text
 * u ← (the rule's preconditioned gradient at y) + weightDecay · y
 * z ← z − lrₖ · u
 * x ← (1 − cₖ) · x + cₖ · z,      cₖ = wₖ / (w₀ + … + wₖ),  wₖ = (k + 1)ʳ · max(lr₀..lrₖ)^weightLrPower
 * y ← β · x + (1 − β) · z
 * ```
 * Call {@link ScheduleFreeOptimizer.eval} before evaluating or saving the model and
 * {@link ScheduleFreeOptimizer.train} before stepping again; the round trip gives y back bit for bit.
 * Group scalars (per group, in checkpoints): `k`, `weight_sum`, `lr_max`.
 *
 * @see Defazio et al., "The Road Less Scheduled", NeurIPS 2024: https://arxiv.org/abs/2405.15682
 * @see facebookresearch/schedule_free, the reference implementation: https://github.com/facebookresearch/schedule_free
 */
export abstract class ScheduleFreeOptimizer<O extends ScheduleFreeOptions> extends FirstOrderOptimizer<O> {
  #mode: Mode = "train";
  #current: ScheduleFreeStep = { k: 0, lr: 0, c: 0 };

  protected constructor(params: ParamsInput<O>, options: Partial<O> | undefined, schema: Schema<O>) {
    super(params, options, schema);
  }

  /** "train": the params hold y (take gradients, step); "eval": they hold x (evaluate, save). */
  get mode(): Mode {
    return this.#mode;
  }

  /** The mode travels with checkpoints: in eval mode the saved params are x. */
  protected override extraState(): StateTree {
    return { mode: this.#mode };
  }

  protected override prepareExtraState(extra: StateTree, where: string): PendingLoad {
    const unknown = Object.keys(extra).filter((k) => k !== "mode");
    if (unknown.length > 0) throw new CheckpointError("mismatch", `${where} has ${unknown.join(", ")}, which ${this.kind} does not keep`);
    const mode = asString(extra.mode, `${where}.mode`);
    if (mode !== "train" && mode !== "eval")
      throw new CheckpointError("invalid", `${where}.mode is ${JSON.stringify(mode)}, expected "train" or "eval"`);
    return {
      commit: () => {
        this.#mode = mode;
      },
    };
  }

  /** Puts y back in the params (after eval()); step() is allowed again. No-op in train mode. */
  train(): void {
    if (this.#mode === "train") return;
    for (const [p, s, group] of this.#stepped()) {
      toY[p.dtype](p.dataPtr, s.buffer("z").ptr, s.buffer("x").ptr, p.size, this.beta(group));
      p.syncOut();
    }
    this.#mode = "train";
  }

  /** Puts x, the averaged point, in the params: evaluate or save the model now. No-op in eval mode. */
  eval(): void {
    if (this.#mode === "eval") return;
    for (const [p, s] of this.#stepped()) p.data.set(s.buffer("x").view);
    this.#mode = "eval";
  }

  /** A copy of x (the eval-mode params of `param`), in either mode, without switching. */
  evalParams(param: Param): FloatArray {
    if (!this.paramGroups.some((group) => group.params.includes(param))) {
      throw new InvalidOptionError("param", (param as Param | null | undefined)?.name ?? param, "a Param of this optimizer");
    }
    if (param.disposed) throw disposedError(param);
    const x = this.state.get(param)?.buffers.get("x");
    // before its first step x = y = the params
    return (x ? x.view : param.data).slice();
  }

  /** Also throws a StateError in eval mode (the params hold x, not y); see train(). */
  override checkStep(closure?: unknown): void {
    if (this.#mode === "eval") {
      throw new StateError(
        "wasm-optim: step() in eval mode: the params hold the averaged point x; call train() first to put back y, where gradients are taken",
      );
    }
    super.checkStep(closure);
  }

  /** The weight of step 1, lr^weightLrPower (lr_max <= lr): Infinity would make every averaging coefficient Infinity / Infinity = NaN. */
  protected override worstStepScalars(o: O): readonly StepScalar[] {
    return [{ option: "lr", what: "the averaging weight lr^weightLrPower", value: o.lr ** o.weightLrPower }];
  }

  /** The interpolation coefficient beta (y = beta*x + (1 - beta)*z) of a group. */
  protected abstract beta(group: ParamGroup<O>): number;

  /** The learning rate of step k with warm-up factor `sched` applied. */
  protected abstract stepLr(group: ParamGroup<O>, k: number, sched: number): number;

  /** Runs the fused kernel on a run of params (z, x exist and hold the previous iterates). */
  protected abstract kernelStep(r: Run, group: ParamGroup<O>, now: ScheduleFreeStep): void;

  protected override beforeGroup(group: ParamGroup<O>): void {
    const gs = this.groupStateOf(group);
    // computed keys: typescript-eslint (#12580) misreads `??=` through an index signature's dot access
    gs["k"] ??= 0;
    gs["weight_sum"] ??= 0;
    gs["lr_max"] ??= -1;
    const k = gs.k;
    const sched = k < group.warmupSteps ? (k + 1) / group.warmupSteps : 1;
    const lr = this.stepLr(group, k, sched);
    gs.lr_max = Math.max(gs.lr_max, lr);
    const weight = (k + 1) ** group.r * gs.lr_max ** group.weightLrPower;
    gs.weight_sum += weight;
    const c = gs.weight_sum !== 0 ? weight / gs.weight_sum : 0;
    gs.k = k + 1;
    this.#current = { k, lr, c };
  }

  /** z = x = y = the params on a param's first step. */
  protected override groupStateKeys(): readonly string[] {
    return GROUP_STATE;
  }

  protected stateBuffers(_group: ParamGroup<O>): readonly StateBufferSpec[] {
    return SCHEDULE_FREE_BUFFERS;
  }

  protected update(r: Run, group: ParamGroup<O>): void {
    this.kernelStep(r, group, this.#current);
  }

  /** Every param that has z and x (has been stepped), with its state and group; all checked live first. */
  #stepped(): [Param, ParamState, ParamGroup<O>][] {
    const out: [Param, ParamState, ParamGroup<O>][] = [];
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.disposed) throw disposedError(p, "a Param of this optimizer", "the mode was not changed");
        const s = this.state.get(p);
        if (s?.buffers.has("z")) out.push([p, s, group]);
      }
    }
    return out;
  }
}
