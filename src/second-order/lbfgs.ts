// L-BFGS as torch.optim.LBFGS (PyTorch 1.13): same stopping tests, first step length,
// curvature check (y's > 1e-10), evaluation counting and strong-Wolfe line search. All
// params of the group form one flat vector x; the optimizer's own vectors (direction,
// previous gradient, history pairs, line-search gradients) are flat buffers in wasm memory,
// and each vector operation is a SIMD kernel from assembly/vector.ts.
import { CheckpointError, type PendingLoad, type StateTree } from "../checkpoint/attachment.js";
import { asArray, asFloatArray, asNumber, asTree } from "../checkpoint/read.js";
import { InvalidOptionError } from "../errors.js";
import { Optimizer, type ParamsInput } from "../optimizer.js";
import type { ExpectedState } from "../state-dict.js";
import { integer, nonNegative, oneOf, type Schema } from "../options.js";
import { WasmBuffer, bytesPer, type DType, type FloatArray, type Param, type ParamState } from "../param.js";
import { vectorKernels } from "../vector.js";
import { flatParams } from "./flat.js";
import { History, type Pair } from "./history.js";
import { TorchArith, TorchStrongWolfe, float, type LineObjective, type TorchScalar } from "./line-search.js";

/** The hyperparameters of {@link LBFGS} (torch's, camelCase). */
export interface LBFGSOptions {
  /**
   * Step length multiplier, ≥ 0 (the first step ever is min(1, 1/‖g‖₁) · lr; with `lineSearch: "none"` every step is lr).
   * @defaultValue `1`
   */
  lr: number;
  /**
   * Iterations per step() call, an integer ≥ 1.
   * @defaultValue `20`
   */
  maxIter: number;
  /**
   * Closure evaluations per step() call (checked after each iteration), an integer ≥ 1.
   * @defaultValue `25`: floor(maxIter · 5 / 4), as torch
   */
  maxEval: number;
  /**
   * Stop when max |g| ≤ toleranceGrad (torch's code default), ≥ 0.
   * @defaultValue `1e-7`
   */
  toleranceGrad: number;
  /**
   * Stop when the step, the directional derivative or the change in loss falls below this, ≥ 0.
   * @defaultValue `1e-9`
   */
  toleranceChange: number;
  /**
   * Number of (s, y) pairs kept, an integer ≥ 1 (memory: 2 · historySize flat vectors of the params' total size).
   * @defaultValue `100`
   */
  historySize: number;
  /**
   * `"strong-wolfe"` or torch's spelling `"strong_wolfe"` (the same search: torch 1.13's `_strong_wolfe`), or `"none"` (fixed step lr). The value is kept as given.
   * @defaultValue `"none"`
   */
  lineSearch: "strong-wolfe" | "strong_wolfe" | "none";
}

const schema: Schema<LBFGSOptions> = {
  lr: { default: 1, check: nonNegative },
  maxIter: { default: 20, check: integer(1) },
  maxEval: { default: undefined, check: integer(1) }, // filled in from maxIter, as torch does
  toleranceGrad: { default: 1e-7, check: nonNegative },
  toleranceChange: { default: 1e-9, check: nonNegative },
  historySize: { default: 100, check: integer(1) },
  lineSearch: { default: "none", check: oneOf("strong-wolfe", "strong_wolfe", "none") },
};

/** torch: max_eval = max_iter * 5 // 4 when not given. */
function withMaxEval(options: Partial<LBFGSOptions> | null | undefined): Partial<LBFGSOptions> | undefined {
  if (options === null || typeof options !== "object" || Array.isArray(options) || options.maxEval !== undefined)
    return options as undefined; // refused by Optimizer
  const maxIter = options.maxIter ?? schema.maxIter.default!;
  return Number.isSafeInteger(maxIter) ? { ...options, maxEval: Math.floor((maxIter * 5) / 4) } : options;
}

/**
 * L-BFGS (Nocedal 1980; Liu & Nocedal 1989), as `torch.optim.LBFGS` (torch 1.13): the same
 * stopping tests, first step length, curvature check (yᵀs > 1e-10), evaluation counting and
 * strong-Wolfe line search, with every vector operation a SIMD kernel over wasm memory.
 *
 * All params (requiresGrad true, one dtype) form one flat vector x. Each iteration of
 * `step(closure)` (up to `maxIter`):
 * ```text
 * d ← −H·g            (two-loop recursion over the last historySize pairs (s, y); H₀ = (yᵀs / yᵀy)·I)
 * t ← first iteration ever: min(1, 1/‖g‖₁) · lr; else lr   (strong Wolfe: t from the line search)
 * x ← x + t·d;  s = t·d, y = g_new − g  kept when yᵀs > 1e-10
 * stop when max|g| ≤ toleranceGrad, |t·d|∞ or |gᵀd| or |Δloss| < toleranceChange, or maxIter / maxEval reached
 * ```
 * The closure computes the loss at the current params, writes the gradients into `p.grad` and
 * returns the loss; step() returns the loss at its start. One parameter group only (no
 * addParamGroup). The optimizer state (torch's names: `func_evals`, `n_iter`, `t`, `H_diag`,
 * `prev_loss`, `d`, `prev_flat_grad`) is kept on the first param: `opt.state.get(params[0])`.
 * Checkpoints carry it all, with the history pairs (oldest first) under `extra`.
 * Tested against torch 1.13's trajectories: see [oracle versions](../../docs/oracle-versions.md).
 *
 * @example
 * ```ts
 * import { LBFGS, Param } from "wasm-optim";
 * const x = Param.from(new Float64Array([0, 0]));
 * const opt = new LBFGS([x], { lineSearch: "strong_wolfe" });
 * const closure = () => {
 *   const [a, b] = x.data; // f = (a - 3)² + (b + 1)²
 *   x.grad.set([2 * (a - 3), 2 * (b + 1)]);
 *   return (a - 3) ** 2 + (b + 1) ** 2;
 * };
 * opt.step(closure);
 * console.log(Array.from(x.data, (v) => v.toFixed(6))); // → [ '3.000000', '-1.000000' ]
 * opt.dispose();
 * x.dispose();
 * ```
 * @see Liu & Nocedal, "On the limited memory BFGS method for large scale optimization", Math. Programming 45, 1989: https://doi.org/10.1007/BF01589116
 * @see torch.optim.LBFGS, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.LBFGS.html
 */
const LBFGS_SCALARS = { func_evals: true, n_iter: true, t: true, H_diag: true, prev_loss: false };

export class LBFGS extends Optimizer<LBFGSOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "LBFGS";

  /** Total number of elements of the flat vector x. */
  readonly numel: number;
  /** The dtype of the params (and of every vector L-BFGS keeps). */
  readonly dtype: DType;
  readonly #params: readonly Param[];
  readonly #offsets: readonly number[];
  readonly #history: History;
  readonly #slots: (WasmBuffer | null)[] = new Array<WasmBuffer | null>(TorchStrongWolfe.SLOTS).fill(null);
  #xInit: WasmBuffer | null = null;
  readonly #search = new TorchStrongWolfe();
  #closure: (() => number) | null = null;
  /** torch's dot products of float32 tensors are float32 scalars: round them the same way. */
  readonly #round: (x: number) => number;
  /** What the line search evaluates: f at x0 + t*d (gradient into a slot), and g·d. */
  readonly #objective: LineObjective = {
    evaluate: (t, slot) => {
      this.#paramsFrom(this.#xInit, this.#state().buffers.get("d")!, t);
      return this.#evaluateHere(slot);
    },
    slope: (slot) => this.#round(vectorKernels[this.dtype].dot(this.#slot(slot).ptr, this.#state().buffers.get("d")!.ptr, this.numel)),
  };

  /**
   * @param params - the params (or one group `{ params, ...overrides }`); all of one dtype.
   * @param options - see {@link LBFGSOptions}.
   * @throws {@link InvalidOptionError} naming the option, for more than one group, or for params of mixed dtypes; nothing is allocated.
   */
  constructor(params: ParamsInput<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    super(params, withMaxEval(options), schema);
    const flat = flatParams(this.paramGroups, "LBFGS");
    this.dtype = flat.dtype;
    this.#params = flat.params;
    this.#offsets = flat.offsets;
    this.numel = flat.numel;
    this.#round = this.dtype === "float32" ? Math.fround : (x) => x;
    this.#history = new History(this.dtype, this.numel, this.#round);
  }

  /** Frees the history and every buffer (the params stay). */
  override dispose(): void {
    this.#history.dispose();
    for (let i = 0; i < this.#slots.length; i++) {
      this.#slots[i]?.free();
      this.#slots[i] = null;
    }
    this.#xInit?.free();
    this.#xInit = null;
    super.dispose();
  }

  /** The history (2 vectors a pair) beside d, prev_flat_grad and the attachments' vectors. */
  protected override stateVectorsPerElement(): number {
    return 2 * this.paramGroups[0]!.historySize + 16;
  }

  /** torch's scalars on the first param; prev_loss is NaN after a NaN loss (torch keeps it), so it may be any number. */
  protected override expectedState(): ExpectedState {
    return { buffers: null, scalars: LBFGS_SCALARS, allScalars: false };
  }

  /** d and prev_flat_grad, flat vectors on the first param, are the only state buffers. */
  protected override stateBufferLength(p: Param, name: string): number | null {
    return p === this.paramGroups[0]!.params[0] && (name === "d" || name === "prev_flat_grad") ? this.numel : null;
  }

  /** The history pairs, oldest first: s and y (flat vectors; the pair's s is sigma * s), sigma, ro = 1 / y's. */
  protected override extraState(): StateTree {
    return { history: this.#history.pairs.map((p) => ({ s: p.s.view.slice(), sigma: p.sigma, y: p.y.view.slice(), ro: p.ro })) };
  }

  protected override prepareExtraState(extra: StateTree, where: string): PendingLoad {
    const other = Object.keys(extra).filter((k) => k !== "history");
    if (other.length > 0) throw new CheckpointError("mismatch", `${where} has ${other.join(", ")}, which LBFGS does not keep`);
    const saved = asArray(extra.history, `${where}.history`).map((v, i) => {
      const w = `${where}.history[${i}]`;
      const pair = asTree(v, w);
      const ro = asNumber(pair.ro, `${w}.ro`, true);
      if (!(ro > 0)) throw new CheckpointError("invalid", `${w}.ro is ${ro}, expected 1 / y's > 0 (a pair is kept only when y's > 1e-10)`);
      const s = asFloatArray(pair.s, `${w}.s`, this.dtype, this.numel);
      const y = asFloatArray(pair.y, `${w}.y`, this.dtype, this.numel);
      return { s, sigma: asNumber(pair.sigma, `${w}.sigma`, true), y, ro };
    });
    // allocate last: every check has passed
    const made: WasmBuffer[] = [];
    const free = () => {
      for (const b of made.splice(0)) b.free();
    };
    const copy = (data: FloatArray) => {
      const b = new WasmBuffer(this.dtype, this.numel);
      made.push(b);
      b.view.set(data);
      return b;
    };
    let pairs: Pair[];
    try {
      pairs = saved.map(({ s, sigma, y, ro }) => ({ s: copy(s), sigma, y: copy(y), ro }));
    } catch (e) {
      free();
      throw e;
    }
    return { commit: () => this.#history.restore(pairs), abort: free };
  }

  /** Runs up to maxIter L-BFGS iterations; returns the loss at the start of the step. */
  step(closure?: () => number): number {
    if (typeof closure !== "function") {
      throw new InvalidOptionError(
        "closure",
        closure,
        "a function that recomputes the loss, writes the gradients into p.grad and returns the loss",
      );
    }
    this.checkStep();
    const group = this.paramGroups[0]!;
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize } = group;
    const strongWolfe = group.lineSearch !== "none";
    const K = vectorKernels[this.dtype];
    const n = this.numel;
    const state = this.#state();
    const sc = state.scalars;
    // computed keys: typescript-eslint (#12580) misreads `??=` through an index signature's dot access
    sc["func_evals"] ??= 0;
    sc["n_iter"] ??= 0;
    for (const p of this.#params) p.syncIn();
    this.#closure = closure;
    try {
      // evaluate f(x) and g(x) once
      let g = 0; // gradient slot of the current point
      const origLoss = this.#evaluateHere(g);
      let loss = origLoss;
      let currentEvals = 1;
      sc.func_evals++;
      let optCond = K.maxabs(this.#slot(g).ptr, n) <= toleranceGrad;
      if (optCond) return origLoss;

      const d = state.buffer("d", 0, n);
      const prev = state.buffer("prev_flat_grad", 0, n);
      // torch's t: a float, or a 0-dim tensor of the params' dtype after the first iteration's
      // min(1., 1. / |g|_1) * lr and the line search (their arithmetic is torch's: TorchArith)
      const T = new TorchArith(this.#round);
      let t: TorchScalar = float(sc.t ?? lr);
      let hDiag = sc.H_diag ?? 1;
      let prevLoss = sc.prev_loss ?? loss;
      let nIter = 0;
      while (nIter < maxIter) {
        nIter++;
        sc.n_iter++;
        // direction
        const gp = this.#slot(g).ptr;
        if (sc.n_iter === 1) {
          K.scale(d.ptr, gp, n, -1);
          this.#history.reset();
          hDiag = 1;
        } else {
          // y = g - g_prev, s = d*t; keep the pair only when y's > 1e-10
          const [y, s] = this.#history.takeMany(2) as [WasmBuffer, WasmBuffer];
          K.axpby(y.ptr, gp, prev.ptr, n, 1, -1);
          K.scale(s.ptr, d.ptr, n, t.v);
          const ys = this.#round(K.dot(y.ptr, s.ptr, n)); // torch: 0-dim tensors of the params' dtype
          if (T.lt(float(1e-10), { v: ys, tensor: true })) {
            this.#history.push(s, y, ys, 1, historySize);
            hDiag = this.#round(ys / this.#round(K.sumsq(y.ptr, n)));
          } else {
            this.#history.give(s);
            this.#history.give(y);
          }
          this.#history.twoLoop(gp, d.ptr, hDiag);
        }
        K.copy(prev.ptr, gp, n);
        prevLoss = loss;

        // step length
        t =
          sc.n_iter === 1
            ? T.mul(T.min(float(1), T.div(float(1), { v: this.#round(K.sumabs(gp, n)), tensor: true })), float(lr))
            : float(lr);
        const gtd = this.#round(K.dot(gp, d.ptr, n));
        if (T.lt(float(-toleranceChange), { v: gtd, tensor: true })) break;

        let lsEvals = 0;
        if (strongWolfe) {
          const x0 = this.#xInit ?? (this.#xInit = new WasmBuffer(this.dtype, n));
          this.#saveParams(x0);
          this.#search.search(this.#objective, t, loss, g, gtd, K.maxabs(d.ptr, n), this.#round);
          ({ f: loss, slot: g, t, evals: lsEvals } = this.#search);
          this.#paramsFrom(x0, d, t.v);
          optCond = K.maxabs(this.#slot(g).ptr, n) <= toleranceGrad;
        } else {
          this.#paramsFrom(null, d, t.v);
          if (nIter !== maxIter) {
            // re-evaluate only if this is not the last iteration
            loss = this.#evaluateHere(g);
            optCond = K.maxabs(this.#slot(g).ptr, n) <= toleranceGrad;
            lsEvals = 1;
          }
        }
        currentEvals += lsEvals;
        sc.func_evals += lsEvals;

        // stopping tests, in torch's order
        if (nIter === maxIter) break;
        if (currentEvals >= maxEval) break;
        if (optCond) break;
        if (T.le(T.mul({ v: this.#round(K.maxabs(d.ptr, n)), tensor: true }, t), float(toleranceChange))) break;
        if (Math.abs(loss - prevLoss) < toleranceChange) break;
      }
      sc.t = t.v;
      sc.H_diag = hDiag;
      sc.prev_loss = prevLoss;
      return origLoss;
    } finally {
      this.#closure = null;
      for (const p of this.#params) p.syncOut();
    }
  }

  /** Calls the closure at the current params and gathers the gradient into `slot`. */
  #evaluateHere(slot: number): number {
    const params = this.#params;
    for (const p of params) p.syncOut();
    const loss = this.#closure!();
    if (typeof loss !== "number") throw new InvalidOptionError("closure", loss, "a closure that returns the loss as a number");
    const K = vectorKernels[this.dtype];
    const out = this.#slot(slot),
      dst = out.ptr,
      bytes = bytesPer(this.dtype);
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if (!p.requiresGrad) {
        // frozen since the optimizer was built: its gradient counts as zero
        out.view.fill(0, this.#offsets[i], this.#offsets[i]! + p.size);
        continue;
      }
      p.syncIn();
      K.copy(dst + this.#offsets[i]! * bytes, p.gradPtr, p.size);
    }
    return loss;
  }

  /** params = x0 + t*d (x0 null: params += t*d), param by param over the flat vectors. */
  #paramsFrom(x0: WasmBuffer | null, d: WasmBuffer, t: number): void {
    const K = vectorKernels[this.dtype],
      params = this.#params,
      bytes = bytesPer(this.dtype);
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!,
        off = this.#offsets[i]! * bytes;
      if (!p.requiresGrad) continue; // frozen since the optimizer was built: never moved
      if (x0) K.axpby(p.dataPtr, x0.ptr + off, d.ptr + off, p.size, 1, t);
      else K.axpy(p.dataPtr, d.ptr + off, p.size, t);
    }
  }

  /** x0 = params (torch's _clone_param). */
  #saveParams(x0: WasmBuffer): void {
    const K = vectorKernels[this.dtype],
      params = this.#params,
      bytes = bytesPer(this.dtype);
    for (let i = 0; i < params.length; i++) K.copy(x0.ptr + this.#offsets[i]! * bytes, params[i]!.dataPtr, params[i]!.size);
  }

  #state(): ParamState {
    return this.stateOf(this.paramGroups[0]!.params[0]!);
  }

  #slot(i: number): WasmBuffer {
    return this.#slots[i] ?? (this.#slots[i] = new WasmBuffer(this.dtype, this.numel));
  }
}
