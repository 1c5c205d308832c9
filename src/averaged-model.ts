// Running averages of params, as torch.optim.swa_utils.AveragedModel keeps them: the
// equal-weight average of stochastic weight averaging (SWA, Izmailov et al. 2018) or an
// exponential moving average (EMA, torch >= 2.1's get_ema_multi_avg_fn). The averages live
// in wasm memory and are updated by the vector kernels of src/vector.ts (axpby, copy).
import { InvalidOptionError, StateError } from "./errors.js";
import { isArray, optionsObject, range } from "./options.js";
import { disposedError, Param, WasmBuffer, type FloatArray } from "./param.js";
import { type Attachment, type PendingLoad, type StateTree, type StateValue } from "./checkpoint/attachment.js";
import { asArray, asFloatArray, asInteger, asTree, expectSame } from "./checkpoint/read.js";
import { fromJSONForm, withJSONForm } from "./checkpoint/json.js";
import type { Optimizer } from "./optimizer.js";
import { checkOptimizer } from "./any-optimizer.js";
import { vectorKernels } from "./vector.js";

/** Options of {@link AveragedModel}. */
export interface AveragedModelOptions {
  /**
   * null or absent: the equal-weight SWA average (torch's default avg_fn). A number
   * in [0, 1] gives an EMA, average = decay * average + (1 - decay) * param (torch's
   * get_ema_multi_avg_fn(decay); 0.999 is torch's default there).
   */
  decay?: number | null;
  /**
   * Attach to this optimizer: the average is then saved and loaded with the optimizer's
   * checkpoints (after the attachments made before it), and freed by its dispose().
   */
  optimizer?: Optimizer<object>;
}

/**
 * Averages of a list of params (torch.optim.swa_utils.AveragedModel with use_buffers=False:
 * params only). Built with a copy of the params (what `averaged` holds until the first
 * update, as torch's deep copy); `update()` after an optimizer step folds the params in —
 * the first call copies them (nAveraged 0 -> 1: an EMA starts at the first update, not at
 * construction), later ones average: SWA avg += (p - avg) / (n + 1) (computed as
 * avg * n/(n+1) + p/(n+1)), EMA avg = decay * avg + (1 - decay) * p, in the params' dtype.
 * `copyTo()` puts the average into the params (for evaluation, or at the end of SWA).
 *
 * Memory: one buffer per param in wasm memory (the params' size and dtype); call dispose()
 * to free it (or dispose the optimizer it is attached to).
 *
 * Typical SWA: `new SWALR(opt, { swaLr: 0.05 })` and, each epoch from the 75th on,
 * `swa.update(); swaLr.step();`; `swa.copyTo()` at the end.
 *
 * @example
 * ```ts
 * import { AveragedModel, Param, SGD } from "wasm-optim";
 * const w = Param.from(new Float64Array([0]));
 * const opt = new SGD([w], { lr: 1 });
 * const swa = new AveragedModel([w], { optimizer: opt }); // saved and freed with opt
 * for (const g of [-1, -2, -3]) {
 *   w.grad.set([g]);
 *   opt.step(); // w: 1, 3, 6
 *   swa.update();
 * }
 * swa.copyTo(); // w ← the average (1 + 3 + 6) / 3
 * console.log(swa.nAveraged, w.data[0]); // → 3 3.333333333333333
 * opt.dispose();
 * w.dispose();
 * ```
 * @see Izmailov et al., "Averaging Weights Leads to Wider Optima and Better Generalization", UAI 2018: https://arxiv.org/abs/1803.05407
 * @see torch.optim.swa_utils.AveragedModel, torch 1.13 (SWA) and ≥ 2.1 (EMA): https://pytorch.org/docs/stable/optim.html#weight-averaging-swa-and-ema
 */
export class AveragedModel implements Attachment {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind = "AveragedModel";
  readonly kind = AveragedModel.kind;
  /** The params averaged (the model's, in order). */
  readonly params: readonly Param[];
  /** null: SWA (equal weights); a number: the EMA decay. */
  readonly decay: number | null;
  /** The optimizer this average is attached to (saved and freed with it), or null. */
  readonly optimizer: Optimizer<object> | null;
  #buffers: WasmBuffer[] | null;
  #n = 0;

  /**
   * @param params - the params to average (non-empty, each once).
   * @param options - `decay` (EMA) and `optimizer` (attach); see {@link AveragedModelOptions}.
   * @throws {@link InvalidOptionError} naming `params[i]`, `decay` or `optimizer`; {@link StateError} for a disposed param;
   *   {@link OutOfMemoryError} when the averages do not fit.
   */
  constructor(params: readonly Param[], options: AveragedModelOptions = {}) {
    if (!isArray(params) || params.length === 0) throw new InvalidOptionError("params", params, "a non-empty array of Param");
    const seen = new Set<Param>();
    params.forEach((p, i) => {
      if (!(p instanceof Param)) throw new InvalidOptionError(`params[${i}]`, p, "a Param");
      if (p.disposed) throw disposedError(p, `params[${i}]`);
      if (seen.has(p)) throw new InvalidOptionError(`params[${i}]`, p.name ?? "Param", "a Param listed once");
      p.checkWrapped();
      seen.add(p);
    });
    const o = optionsObject((options as AveragedModelOptions | null) ?? {}, "options", ["decay", "optimizer"], ["decay"]); // null: from JavaScript
    const decay = o.decay === undefined || o.decay === null ? null : range(0, 1)("decay", o.decay);
    if (o.optimizer !== undefined) checkOptimizer(o.optimizer);
    this.params = Object.freeze([...params]);
    this.decay = decay;
    const buffers: WasmBuffer[] = [];
    try {
      for (const p of params) {
        const b = new WasmBuffer(p.dtype, p.size);
        buffers.push(b);
        b.view.set(p.data);
      }
    } catch (e) {
      for (const b of buffers) b.free();
      throw e;
    }
    this.#buffers = buffers;
    this.optimizer = o.optimizer ?? null;
    this.optimizer?.attach(this);
  }

  /** "swa" (equal weights) or "ema". */
  get mode(): "swa" | "ema" {
    return this.decay === null ? "swa" : "ema";
  }

  /** How many updates the average holds (torch's n_averaged). */
  get nAveraged(): number {
    return this.#n;
  }

  /** The averaged values, one live view per param (into wasm memory; re-read after allocating). */
  get averaged(): FloatArray[] {
    return this.#live().map((b) => b.view);
  }

  /** Folds the params' current values into the average (the first call copies them). */
  update(): void {
    const buffers = this.#live();
    this.#checkParams(this.params, "params");
    const n = this.#n;
    const a = this.decay ?? n / (n + 1);
    const b = this.decay === null ? 1 / (n + 1) : 1 - this.decay;
    this.params.forEach((p, i) => {
      p.syncIn();
      const k = vectorKernels[p.dtype];
      const buf = buffers[i]!;
      if (n === 0) k.copy(buf.ptr, p.dataPtr, p.size);
      else k.axpby(buf.ptr, buf.ptr, p.dataPtr, p.size, a, b);
    });
    this.#n = n + 1;
  }

  /**
   * Copies the average into `params` (default: the averaged params themselves), which must
   * match them in number, dtype and size. Checked before anything is written.
   */
  copyTo(params: readonly Param[] = this.params): void {
    const buffers = this.#live();
    this.#checkParams(params, "params");
    params.forEach((p, i) => {
      vectorKernels[p.dtype].copy(p.dataPtr, buffers[i]!.ptr, p.size);
      p.syncOut();
    });
  }

  /** The mode, the params' layout, nAveraged and copies of the averages. */
  stateDict(): StateTree {
    return withJSONForm({ config: this.#config(), nAveraged: this.#n, averaged: this.#live().map((b) => b.view.slice()) });
  }

  /** Checks `state` (CheckpointError) and returns how to apply it; changes nothing. */
  prepareLoad(state: StateValue | undefined, where: string): PendingLoad {
    const buffers = this.#live();
    const s = asTree(state, where);
    expectSame(s.config, this.#config(), `${where}.config`);
    const n = asInteger(s.nAveraged, `${where}.nAveraged`);
    const list = asArray(s.averaged, `${where}.averaged`, buffers.length);
    const data = buffers.map((b, i) => asFloatArray(list[i], `${where}.averaged[${i}]`, b.dtype, b.size));
    return {
      commit: () => {
        buffers.forEach((b, i) => b.view.set(data[i]!));
        this.#n = n;
      },
    };
  }

  /** Restores stateDict() (checked first: on a CheckpointError nothing changes). */
  loadStateDict(state: StateValue): void {
    this.prepareLoad(fromJSONForm(state), this.kind).commit();
  }

  /** Frees the averages and detaches from the optimizer; any later use throws StateError. */
  dispose(): void {
    if (!this.#buffers) return;
    for (const b of this.#buffers) b.free();
    this.#buffers = null;
    this.optimizer?.detach(this);
  }

  /** true after dispose() (or the attached optimizer's). */
  get disposed(): boolean {
    return this.#buffers === null;
  }

  #live(): WasmBuffer[] {
    if (!this.#buffers) throw new StateError("wasm-optim: this AveragedModel was disposed");
    return this.#buffers;
  }

  #config(): StateTree {
    return { mode: this.mode, decay: this.decay, params: this.params.map((p) => ({ dtype: p.dtype, size: p.size })) };
  }

  #checkParams(params: readonly Param[], name: string): void {
    if (!isArray(params) || params.length !== this.params.length) {
      throw new InvalidOptionError(name, params, `an array of ${this.params.length} Params shaped as the averaged ones`);
    }
    params.forEach((p, i) => {
      const mine = this.params[i]!;
      if (!(p instanceof Param) || p.dtype !== mine.dtype || p.size !== mine.size) {
        throw new InvalidOptionError(
          `${name}[${i}]`,
          p instanceof Param ? `${p.dtype}[${p.size}]` : p,
          `a ${mine.dtype} Param of size ${mine.size}`,
        );
      }
      if (p.disposed) throw disposedError(p, `${name}[${i}]`, "nothing was changed");
      p.checkWrapped();
    });
  }
}
