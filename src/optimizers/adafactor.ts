import { InvalidOptionError } from "../errors.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import { bool, nonNegative, positive, type Schema } from "../options.js";
import type { ParamGroup, ParamsInput, StepScalar } from "../optimizer.js";
import { decayAtEveryStep } from "./_common.js";
import type { DType, Param } from "../param.js";
import { kernelsByDType, signOf, vectorKernels } from "../runtime/kernels.js";

/** The hyperparameters of {@link Adafactor}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface AdafactorOptions {
  /**
   * The cap of the relative step size rho_t = min(lr, 1/sqrt(t)), and the decay's rate.
   * @defaultValue `1e-2`
   */
  lr: number;
  /**
   * tau <= 0: the new squared gradient gets the weight t^tau (1 on step 1).
   * @defaultValue `-0.8`
   */
  beta2Decay: number;
  /**
   * `[eps1, eps2]`: eps1 (> 0, or null: the machine epsilon of the param's
   * dtype, 2^-23 for float32 and 2^-52 for float64, as torch's `finfo(dtype).eps`) floors the
   * second-moment estimate (at eps1^2) and the mean of row_var; eps2 (>= 0) floors RMS(p) in
   * the step size.
   * @defaultValue `[null, 1e-3]`
   */
  eps: readonly [number | null, number];
  /**
   * The update clipping threshold, > 0: U is divided by max(1, RMS(U)/d).
   * @defaultValue `1`
   */
  d: number;
  /**
   * Decoupled: p *= 1 - lr*weightDecay before the update.
   * @defaultValue `0`
   */
  weightDecay: number;
  /**
   * Maximize the objective (the gradient's sign is flipped first).
   * @defaultValue `false`
   */
  maximize: boolean;
}

/** eps: [eps1 > 0 or null, eps2 >= 0], returned frozen. */
function epsPair(name: string, v: unknown): readonly [number | null, number] {
  const desc = "a pair [eps1, eps2]: eps1 > 0 or null (the dtype's machine epsilon), eps2 >= 0";
  if (!Array.isArray(v) || v.length !== 2) throw new InvalidOptionError(name, v, desc);
  const eps1: unknown = v[0];
  if (eps1 !== null && (typeof eps1 !== "number" || !Number.isFinite(eps1) || eps1 <= 0)) {
    throw new InvalidOptionError(`${name}[0]`, eps1, "null or a finite number > 0 (with 0, an exactly-zero gradient gives 0/0 = NaN)");
  }
  return Object.freeze([eps1, nonNegative(`${name}[1]`, v[1])] as [number | null, number]);
}

/** beta2Decay <= 0 (torch: "beta2_decay should be <= 0"): the weight t^beta2Decay of the new value stays in (0, 1]. */
function nonPositive(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v > 0) throw new InvalidOptionError(name, v, "a finite number <= 0");
  return v;
}

const schema: Schema<AdafactorOptions> = {
  lr: { default: 1e-2, check: nonNegative },
  beta2Decay: { default: -0.8, check: nonPositive },
  eps: { default: [null, 1e-3], check: epsPair },
  d: { default: 1, check: positive },
  weightDecay: { default: 0, check: nonNegative },
  maximize: { default: false, check: bool },
};

/** torch.finfo(dtype).eps: eps1's value when it is null. */
const MACHINE_EPS: Readonly<Record<DType, number>> = { float32: 2 ** -23, float64: 2 ** -52 };

const factorsKernel = kernelsByDType("adafactorFactors");
const factoredSumsq = kernelsByDType("adafactorFactoredSumsq");
const factoredStep = kernelsByDType("adafactorFactoredStep");
const vectorSumsq = kernelsByDType("adafactorVector");
const vectorStep = kernelsByDType("adafactorVectorStep");

/** A param of two or more dims as a batch of matrices: [...batch, rows, cols]. null for vectors (and scalars). */
function matricesOf(shape: readonly number[]): { batch: number; rows: number; cols: number } | null {
  if (shape.length < 2) return null;
  const rows = shape[shape.length - 2]!,
    cols = shape[shape.length - 1]!;
  return { batch: shape.slice(0, -2).reduce((a, x) => a * x, 1), rows, cols };
}

/** The state buffers of `p`: row_var and col_var (one value per row / column of each matrix) for 2+ dims, else variance. */
function buffersOf(p: Param): readonly { readonly name: string; readonly length: number }[] {
  const m = matricesOf(p.shape);
  if (!m) return [{ name: "variance", length: p.size }];
  return [
    { name: "row_var", length: m.batch * m.rows },
    { name: "col_var", length: m.batch * m.cols },
  ];
}

/**
 * Adafactor (Shazeer & Stern 2018), as torch.optim.Adafactor of torch >= 2.5. For a param of
 * two or more dims the second moment is factored over its **last two** dimensions (the
 * leading ones are a batch of matrices; `Param` shapes say which they are): per matrix of
 * rows x cols, `row_var` keeps one value per row and `col_var` one per column — rows + cols
 * numbers instead of rows x cols. A vector (or a scalar) keeps the full `variance`.
 *
 * Step t (g negated first when maximizing; all statistics per matrix):
 * ```
 * w = t^beta2Decay                      (the weight of the new value: 1 on step 1)
 * rho = min(lr, 1/sqrt(t));  alpha = max(eps2, RMS(p)) * rho      (p before the decay)
 * p = p * (1 - lr*weightDecay)
 * factored:   row_var = lerp(row_var, mean of g^2 over the last dim, w)        [..., rows, 1]
 *             col_var = lerp(col_var, mean of g^2 over the second-to-last dim, w)  [..., 1, cols]
 *             V = row_var col_var (outer product) / max(mean(row_var), eps1)
 * unfactored: variance = lerp(variance, g^2, w);  V = variance
 * U = g / sqrt(max(V, eps1^2))
 * p = p - alpha / max(1, RMS(U)/d) * U
 * ```
 * RMS(x) = ‖x‖₂ / sqrt(numel). Elementwise work runs in the param's dtype with SIMD kernels
 * (assembly/adafactor.ts); the norms and means add up in float64. eps1 = null means the
 * dtype's machine epsilon (torch: `torch.finfo(p.dtype).eps`).
 *
 * How it differs from the paper (the notes of torch's docstring): the paper has no lr — its
 * rho_t is min(1e-2, 1/sqrt(t)) — while here lr is that cap (default 1e-2, the paper's
 * constant); weight decay, which the paper leaves open, is decoupled with lr as its
 * coefficient; and the paper adds eps1 to g^2 before the row and column statistics, while
 * torch leaves them alone and applies eps1 only in the estimate V (the clamp at eps1^2, the
 * floor of mean(row_var)) and so in U. There is no first moment (the paper's beta1 = 0). The
 * statistics are means where the paper writes sums (V = R C / (1^T R)); the estimate is the same.
 *
 * A param with no elements is left as it is (its step count advances, its state stays 0).
 *
 * Defaults: lr 1e-2, beta2Decay -0.8, eps [null, 1e-3], d 1, weightDecay 0, maximize false.
 * @throws InvalidOptionError for a bad option: lr or weightDecay < 0, beta2Decay > 0, eps1
 * <= 0 (null is allowed), eps2 < 0, d <= 0 (torch allows d = 0 and then divides by zero).
 * @see Shazeer & Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost", ICML 2018
 * @see torch.optim.Adafactor (torch 2.5, torch/optim/_adafactor.py)
 */
export class Adafactor extends FirstOrderOptimizer<AdafactorOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "Adafactor";
  /** The second moment is factored over each matrix (row and column means) and U is normalized as a whole: one param per kernel call. */
  protected override readonly elementwise: boolean = false;

  constructor(params: ParamsInput<AdafactorOptions>, options: Partial<AdafactorOptions> = {}) {
    super(params, options, schema);
  }

  /** The scalars checked finite at validation (Optimizer.worstStepScalars). */
  protected override worstStepScalars(o: AdafactorOptions): readonly StepScalar[] {
    // the update's RMS is at most eps2 · rho · d (rho = min(lr, 1) at step 1, its largest); the
    // next step sums the squares of the params for their RMS: that square must stay finite
    const sizeSq = (o.eps[1] * Math.min(o.lr, 1) * o.d) ** 2;
    return [
      decayAtEveryStep(o.lr, o.weightDecay),
      { option: "eps", what: "Adafactor's squared step size (eps[1] · min(lr, 1) · d)², summed in the params' RMS", value: sizeSq },
    ];
  }
  protected stateBuffers(_group: ParamGroup<AdafactorOptions>, p: Param): readonly StateBufferSpec[] {
    return buffersOf(p);
  }

  /** The lengths checked when a checkpoint is loaded: those of buffersOf(p). */
  /** eps1 enters the kernels squared, rounded to the params' dtype: eps1² must not be 0 there (1e-30 in float32). */
  protected override dtypeCheck(options: AdafactorOptions, dtype: DType, name: (key: string) => string): void {
    super.dtypeCheck(options, dtype, name);
    const eps1 = options.eps[0];
    const square = eps1 === null ? 1 : eps1 * eps1;
    if ((dtype === "float32" ? Math.fround(square) : square) === 0)
      throw new InvalidOptionError(
        `${name("eps")}[0]`,
        eps1,
        `null or an eps1 whose square stays > 0 in ${dtype} (${eps1}² rounds to 0)`,
        "range",
      );
  }

  protected override stateBufferLength(p: Param, name: string): number | null {
    return buffersOf(p).find((b) => b.name === name)?.length ?? null;
  }

  protected update(r: Run, group: ParamGroup<AdafactorOptions>): void {
    const t = r.advance();
    const p = r.params[0]!; // factored by the param's shape: every param is a run of its own (elementwise = false)
    const n = p.size;
    if (n === 0) return;
    const [eps1Option, eps2] = group.eps;
    const eps1 = eps1Option ?? MACHINE_EPS[p.dtype];
    const w = t ** group.beta2Decay;
    const rho = Math.min(group.lr, 1 / Math.sqrt(t));
    const alpha = Math.max(eps2, Math.sqrt(vectorKernels[p.dtype].sumsq(p.dataPtr, n)) / Math.sqrt(n)) * rho;
    const decay = 1 - group.lr * group.weightDecay;
    const eps1sq = eps1 * eps1;
    const m = matricesOf(p.shape);
    const rowVar = m ? r.buffer("row_var") : 0,
      colVar = m ? r.buffer("col_var") : 0,
      variance = m ? 0 : r.buffer("variance");
    if (m) factorsKernel[p.dtype](p.gradPtr, rowVar, colVar, m.batch, m.rows, m.cols, w);
    const sumU2 = m
      ? factoredSumsq[p.dtype](p.gradPtr, rowVar, colVar, m.batch, m.rows, m.cols, eps1, eps1sq)
      : vectorSumsq[p.dtype](p.gradPtr, variance, n, w, eps1sq);
    // torch: p += U * (-alpha / max(1, ‖U‖ / (sqrt(numel) * d))); maximizing negated g, i.e. U
    const step = (signOf(group.maximize) * -alpha) / Math.max(1, Math.sqrt(sumU2) / (Math.sqrt(n) * group.d));
    if (m) factoredStep[p.dtype](p.dataPtr, p.gradPtr, rowVar, colVar, m.batch, m.rows, m.cols, eps1, eps1sq, decay, step);
    else vectorStep[p.dtype](p.dataPtr, p.gradPtr, variance, n, eps1sq, decay, step);
  }
}
