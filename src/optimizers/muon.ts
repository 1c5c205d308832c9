import { InvalidOptionError } from "../errors.js";
import { bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { GroupInput, ParamGroup, ParamsInput, StepScalar } from "../optimizer.js";
import { decayAtEveryStep } from "./_common.js";
import { Param, WasmBuffer } from "../param.js";
import { kernelsByDType, vectorKernels } from "../runtime/kernels.js";
import { wasmExports } from "../runtime/memory.js";

/** How Muon scales the lr by the matrix's shape (torch's `adjust_lr_fn`). */
export type MuonAdjustLr = null | "original" | "match_rms_adamw";

/** The hyperparameters of {@link Muon}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface MuonOptions {
  /**
   * Learning rate, ≥ 0, before the shape adjustment of `adjustLrFn`.
   * @defaultValue `1e-3`
   */
  lr: number;
  /**
   * Decoupled: p *= 1 - lr*weightDecay (the unadjusted lr) before the update.
   * @defaultValue `0.1`
   */
  weightDecay: number;
  /**
   * mu of the momentum EMA buf = mu*buf + (1 - mu)*g.
   * @defaultValue `0.95`
   */
  momentum: number;
  /**
   * Orthogonalize lerp(g, buf, momentum) instead of buf.
   * @defaultValue `true`
   */
  nesterov: boolean;
  /**
   * (a, b, c) of the Newton-Schulz polynomial X -> a X + b (X X^T) X + c (X X^T)^2 X.
   * @defaultValue `[3.4445, -4.775, 2.0315]`
   */
  nsCoefficients: readonly [number, number, number];
  /**
   * The Frobenius norm is clamped at eps before the normalization.
   * @defaultValue `1e-7`
   */
  eps: number;
  /**
   * Newton-Schulz iterations, 0..99.
   * @defaultValue `5`
   */
  nsSteps: number;
  /**
   * lr' = lr * sqrt(max(1, rows/cols)) (null, "original"), or lr * 0.2 * sqrt(max(rows, cols))
   * ("match_rms_adamw": an update RMS like AdamW's, so AdamW's lr and weight decay carry over).
   * @defaultValue `null`
   */
  adjustLrFn: MuonAdjustLr;
}

function triple(name: string, v: unknown): readonly [number, number, number] {
  if (!Array.isArray(v) || v.length !== 3) throw new InvalidOptionError(name, v, "three numbers [a, b, c]");
  v.forEach((x: unknown, i) => {
    if (typeof x !== "number" || !Number.isFinite(x)) throw new InvalidOptionError(`${name}[${i}]`, x, "a finite number");
  });
  return Object.freeze([v[0], v[1], v[2]] as [number, number, number]);
}

function nsSteps(name: string, v: unknown): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) >= 100) {
    throw new InvalidOptionError(name, v, "an integer in [0, 100) (torch refuses 100 or more)");
  }
  return v as number;
}

function adjustLrFn(name: string, v: unknown): MuonAdjustLr {
  if (v !== null && v !== "original" && v !== "match_rms_adamw") {
    throw new InvalidOptionError(name, v, 'null, "original" or "match_rms_adamw"', typeof v === "string" ? "value" : "type");
  }
  return v;
}

const schema: Schema<MuonOptions> = {
  lr: { default: 1e-3, check: nonNegative },
  weightDecay: { default: 0.1, check: nonNegative },
  momentum: { default: 0.95, check: nonNegative },
  nesterov: { default: true, check: bool },
  nsCoefficients: { default: [3.4445, -4.775, 2.0315], check: triple },
  eps: { default: 1e-7, check: epsilon },
  nsSteps: { default: 5, check: nsSteps },
  adjustLrFn: { default: null, check: adjustLrFn },
};

const momentumKernel = kernelsByDType("muonMomentum");
const { addmm_f32: addmm, transpose_f32: transpose } = wasmExports;
const BUFFERS = ["momentum_buffer"];

/** The lr the orthogonalized update is applied with (torch's `_adjust_lr`). */
export function muonAdjustedLr(lr: number, adjust: MuonAdjustLr, rows: number, cols: number): number {
  return adjust === "match_rms_adamw" ? lr * 0.2 * Math.sqrt(Math.max(rows, cols)) : lr * Math.sqrt(Math.max(1, rows / cols));
}

/**
 * Scratch memory for one matrix shape, made on the first step that meets the shape and
 * reused by every later step (no allocation per step once warm). The iterate X is m x k
 * with m = min(rows, cols), k = max(rows, cols) (a tall matrix is transposed first).
 */
class Workspace {
  readonly m: number;
  readonly k: number;
  readonly buffers: WasmBuffer[] = [];
  readonly x: WasmBuffer<Float32Array>;
  readonly y: WasmBuffer<Float32Array>;
  readonly xt: WasmBuffer<Float32Array>;
  readonly a: WasmBuffer<Float32Array>;
  readonly b: WasmBuffer<Float32Array>;
  /** float64 params: the update before and after its float32 Newton-Schulz step. */
  readonly wide: WasmBuffer<Float64Array> | null;

  constructor(
    readonly rows: number,
    readonly cols: number,
    float64: boolean,
  ) {
    const n = rows * cols;
    this.m = Math.min(rows, cols);
    this.k = Math.max(rows, cols);
    try {
      this.x = this.#make("float32", n);
      this.y = this.#make("float32", n);
      this.xt = this.#make("float32", n);
      this.a = this.#make("float32", this.m * this.m);
      this.b = this.#make("float32", this.m * this.m);
      this.wide = float64 ? this.#make("float64", n) : null;
    } catch (e) {
      this.free();
      throw e;
    }
  }

  #make<A extends Float32Array | Float64Array>(dtype: "float32" | "float64", n: number): WasmBuffer<A> {
    const b = new WasmBuffer<A>(dtype, n);
    this.buffers.push(b);
    return b;
  }

  free(): void {
    for (const b of this.buffers) b.free();
    this.buffers.length = 0;
  }
}

/**
 * Muon, MomentUm Orthogonalized by Newton-Schulz (Jordan et al. 2024, "Muon: An optimizer
 * for hidden layers in neural networks"; Liu et al. 2025, "Muon is Scalable for LLM
 * Training" for "match_rms_adamw"), as torch.optim.Muon in torch 2.9. For 2-D params only
 * (`p.shape` = [rows, cols]): the hidden weight matrices. Optimize the rest (biases, gains,
 * embeddings, the output layer) with AdamW, as torch advises (see examples/muon-mlp.mjs).
 *
 * ```text
 * buf = lerp(buf, g, 1 - momentum)                    (an EMA)
 * u = nesterov ? lerp(g, buf, momentum) : buf
 * X = u (transposed if rows > cols);  X = X / max(||X||_F, eps)
 * nsSteps times: A = X X^T;  B = b A + c A A;  X = a X + B X
 * p = p * (1 - lr * weightDecay);  p = p - lr' * X     (X transposed back; lr' see adjustLrFn)
 * ```
 *
 * The Newton-Schulz iteration runs in float32 with the SIMD matrix kernels of
 * assembly/matmul.ts (for float64 params too: the update is rounded to float32 for it).
 * torch casts to bfloat16 there (a GPU speed choice); float32 is within ~1e-6 of the exact
 * orthogonalization where bfloat16 is 2-7 % off (../golden/README.md, "Muon's bfloat16"), so
 * results match torch's algorithm without that cast, not torch's bfloat16 bits. Scratch
 * memory for each matrix shape is made on its first step and reused; freed by dispose().
 * No `maximize` (torch has none); `step` counts steps, which torch's Muon state lacks. Non-finite gradients as torch: a NaN
 * or infinite element makes the norm, and so the whole update and the params, NaN.
 *
 * @throws InvalidOptionError for a param whose shape is not 2-D (naming it, with the advice
 * above), lr, weightDecay or momentum < 0, eps <= 0, nsCoefficients not three finite
 * numbers, nsSteps not an integer in [0, 100), an unknown adjustLrFn, or an unknown option.
 * @see https://pytorch.org/docs/2.9/generated/torch.optim.Muon.html
 */
export class Muon extends FirstOrderOptimizer<MuonOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "Muon";
  readonly #workspaces = new Map<string, Workspace>();
  /** Newton–Schulz orthogonalizes each matrix as a whole: one param per kernel call. */
  protected override readonly elementwise: boolean = false;

  constructor(params: ParamsInput<MuonOptions>, options: Partial<MuonOptions> = {}) {
    super(params, options, schema);
    this.paramGroups.forEach((g, i) => checkMatrices(g.params, `params[${i}]`));
  }

  /**
   * Adds a group of 2-D params.
   * @throws InvalidOptionError for a bad option, a param already in a group, or a param that is not 2-D.
   */
  override addParamGroup(group: GroupInput<MuonOptions>): void {
    const params: unknown = (group as { params?: unknown } | null)?.params; // checked for being Params by super
    if (Array.isArray(params)) checkMatrices(params, "group");
    super.addParamGroup(group);
  }

  /** The scalars checked finite at validation (Optimizer.worstStepScalars). */
  protected override worstStepScalars(o: MuonOptions): readonly StepScalar[] {
    return [decayAtEveryStep(o.lr, o.weightDecay)];
  }
  /** Makes the scratch memory of every param with requiresGrad before any is updated (all-or-nothing). */
  protected override beforeStep(): void {
    for (const group of this.paramGroups) for (const p of group.params) if (p.requiresGrad) this.#workspace(p);
  }

  override dispose(): void {
    for (const w of this.#workspaces.values()) w.free();
    this.#workspaces.clear();
    super.dispose();
  }

  protected stateBuffers(_group: ParamGroup<MuonOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  #workspace(p: Param): Workspace {
    const [rows, cols] = p.shape as [number, number];
    const key = `${rows}x${cols}x${p.dtype}`;
    let w = this.#workspaces.get(key);
    if (!w) this.#workspaces.set(key, (w = new Workspace(rows, cols, p.dtype === "float64")));
    return w;
  }

  protected update(r: Run, group: ParamGroup<MuonOptions>): void {
    r.advance(); // torch keeps no counter; kept here like every optimizer's (checkpoints, schedules)
    const p = r.params[0]!; // a matrix rule: every param is a run of its own (elementwise = false)
    const w = this.#workspace(p);
    const { rows, cols, m, k } = w;
    const n = p.size;
    const tall = rows > cols;
    const mu = group.momentum;
    // the momentum, in the param's dtype; u lands in x (or in y, to be transposed into x)
    const u = w.wide ?? (tall ? w.y : w.x);
    momentumKernel[p.dtype](
      p.gradPtr,
      r.buffer("momentum_buffer"),
      u.ptr,
      n,
      mu,
      group.nesterov ? 1 : 0,
      +(Math.abs(1 - mu) < 0.5),
      +(Math.abs(mu) < 0.5),
    );
    if (w.wide) (tall ? w.y : w.x).view.set(w.wide.view);
    if (tall) transpose(w.x.ptr, w.y.ptr, rows, cols);
    newtonSchulz(w, group);
    // the result, rows x cols, in x (or transposed into y)
    let o = w.x;
    if (tall) {
      transpose(w.y.ptr, w.x.ptr, m, k);
      o = w.y;
    }
    let optr = o.ptr;
    if (w.wide) {
      w.wide.view.set(o.view);
      optr = w.wide.ptr;
    }
    const lr = muonAdjustedLr(group.lr, group.adjustLrFn, rows, cols);
    vectorKernels[p.dtype].axpby(p.dataPtr, p.dataPtr, optr, n, 1 - group.lr * group.weightDecay, -lr);
  }
}

/**
 * torch's `_zeropower_via_newtonschulz` on the m x k float32 matrix in w.x (m <= k), in
 * place: X /= max(||X||_F, eps) (the norm summed in float64, rounded once; an exact float32
 * division), then nsSteps times A = X X^T, B = b A + c A A, X = a X + B X (torch 2.9's
 * addmm form). Ends with the result in w.x.
 */
function newtonSchulz(w: Workspace, group: Pick<MuonOptions, "nsCoefficients" | "eps" | "nsSteps">): void {
  const { m, k } = w;
  const n = m * k;
  const x = w.x.view;
  const norm = Math.max(Math.fround(Math.sqrt(vectorKernels.float32.sumsq(w.x.ptr, n))), Math.fround(group.eps));
  for (let i = 0; i < n; i++) x[i] = x[i]! / norm;
  const [a, b, c] = group.nsCoefficients;
  let cur = w.x;
  let next = w.y;
  for (let s = 0; s < group.nsSteps; s++) {
    transpose(w.xt.ptr, cur.ptr, m, k);
    addmm(w.a.ptr, 0, cur.ptr, w.xt.ptr, m, k, m, 0, 1);
    addmm(w.b.ptr, w.a.ptr, w.a.ptr, w.a.ptr, m, m, m, b, c);
    addmm(next.ptr, cur.ptr, w.b.ptr, cur.ptr, m, m, k, a, 1);
    [cur, next] = [next, cur];
  }
  if (cur !== w.x) w.x.view.set(cur.view);
}

/** Muon's params must be matrices: a typed error naming the first that is not, with torch's advice. */
function checkMatrices(params: readonly unknown[], where: string): void {
  params.forEach((p, i) => {
    if (p instanceof Param && p.shape.length !== 2) {
      throw new InvalidOptionError(
        `${where}.params[${i}].shape`,
        p.shape,
        "a 2-D shape [rows, cols]: Muon is for the hidden weight matrices only; optimize the other params (biases, gains, embeddings, the output layer) with AdamW, as torch advises",
      );
    }
  });
}
