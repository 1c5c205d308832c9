// One entry per optimizer class, in the manner of PyTorch's OptimizerInfo
// (torch/testing/_internal/common_optimizers.py): the class, a factory, torch's defaults,
// configurations with the exact state buffers each one needs (torch's state names), bad
// inputs with the option the error must name, and the golden fixtures replayed for it.
// Every generic test (test/optimizers/registry.test.ts, transforms/skip-non-finite, checkpoint/resume, the
// golden replay) iterates this list: adding an optimizer is adding one entry here.
import * as api from "../src/index.js";
import type { Optimizer, Param } from "../src/index.js";

export interface Config {
  /** What the configuration exercises (test titles). */
  desc: string;
  options: Record<string, unknown>;
  /** Exactly the per-param state buffers a step creates (torch's names), sorted or not. */
  buffers: readonly string[];
  /** Exactly the per-param scalar state besides `step` (e.g. NAdam's mu_product). */
  scalars?: readonly string[];
  /** The generic tests give their params this many dims (helpers/shapes.mjs shapeOf; default 1: flat). */
  rank?: number;
  /** Each buffer's length for a param of `shape`, where it is not the param's size (Adafactor's row_var, col_var). */
  lengths?: (shape: readonly number[]) => Readonly<Record<string, number>>;
}

export interface ErrorInput {
  option: string;
  value: unknown;
  /** The option the error names when it is not `option` (e.g. "betas[1]", "options.eps"). */
  named?: string;
  /** The value the error carries when it is not `value` (e.g. 1 for betas [0.9, 1]). */
  carried?: unknown;
  /** Options the bad value is given with (e.g. nesterov needs momentum). */
  with?: Record<string, unknown>;
}

export interface OptimizerInfo {
  /** The class's name: its export from the package and the golden files' `optimizer`. */
  name: string;
  cls: new (params: never, options?: never) => Optimizer<object>;
  /** A new optimizer over `params` with `options` (plus `required`). */
  make(params: Param[] | { params: Param[]; [k: string]: unknown }[], options?: Record<string, unknown>): Optimizer<object>;
  /** Options with no default (SGD's lr): merged into every construction. */
  required: Record<string, unknown>;
  /** torch's defaults (with `required` given). */
  defaults: Record<string, unknown>;
  configs: readonly Config[];
  errorInputs: readonly ErrorInput[];
  /** Golden fixture ids (test/fixtures/optimizers or test/fixtures/lbfgs). */
  goldens: readonly string[];
  /** torch creates the state of every param at construction (Adagrad's sum), frozen ones too. */
  stateAtConstruction?: boolean;
  /** Scalars the optimizer keeps per group (Schedule-Free's k, weight_sum, lr_max). */
  groupScalars?: readonly string[];
  supportsGroups: boolean;
  needsClosure: boolean;
  /** LBFGS, Newton: step(closure) runs an inner loop; no per-param buffers, no kernel step. */
  secondOrder: boolean;
  /** Muon: only 2-D params (the generic tests give them rank 2, see rankOf). */
  matrices?: boolean;
}

type Ctor = new (params: never, options?: never) => Optimizer<object>;

function info(
  name: string,
  fields: Omit<OptimizerInfo, "name" | "cls" | "make" | "required" | "supportsGroups" | "needsClosure" | "secondOrder"> &
    Partial<Pick<OptimizerInfo, "required" | "supportsGroups" | "needsClosure" | "secondOrder">>,
): OptimizerInfo {
  const cls = (api as unknown as Record<string, Ctor>)[name]!;
  const required = fields.required ?? {};
  return {
    name,
    cls,
    make: (params, options = {}) =>
      new (cls as unknown as new (p: unknown, o: unknown) => Optimizer<object>)(params, { ...required, ...options }),
    required,
    supportsGroups: true,
    needsClosure: false,
    secondOrder: false,
    ...fields,
  };
}

const ADAM_MOMENTS = ["exp_avg", "exp_avg_sq"];
const SF = ["z", "x"];
const SF_GROUP = ["k", "weight_sum", "lr_max"];

/** Bad values every first-order optimizer with these options must refuse. */
const common = {
  lr: { option: "lr", value: -0.1 },
  lrNaN: { option: "lr", value: Number.NaN },
  weightDecay: { option: "weightDecay", value: -1 },
  maximize: { option: "maximize", value: 1 },
  eps: { option: "eps", value: -1e-8 },
  eps0: { option: "eps", value: 0 },
  betas1: { option: "betas", value: [0.9, 1], named: "betas[1]", carried: 1 },
  betas0: { option: "betas", value: [-0.1, 0.999], named: "betas[0]", carried: -0.1 },
  betasShape: { option: "betas", value: [0.9] },
  unknown: { option: "learningRate", value: 0.1, named: "options.learningRate" },
} satisfies Record<string, ErrorInput>;

export const OPTIMIZERS: readonly OptimizerInfo[] = [
  info("SGD", {
    required: { lr: 0.05 },
    defaults: { lr: 0.05, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
    configs: [
      { desc: "plain", options: {}, buffers: [] },
      {
        desc: "momentum, dampening, weight decay",
        options: { momentum: 0.9, dampening: 0.1, weightDecay: 1e-3 },
        buffers: ["momentum_buffer"],
      },
      { desc: "nesterov, maximize", options: { momentum: 0.8, nesterov: true, maximize: true }, buffers: ["momentum_buffer"] },
    ],
    errorInputs: [
      common.lr,
      common.weightDecay,
      common.maximize,
      common.unknown,
      { option: "momentum", value: -0.5 },
      { option: "nesterov", value: true },
    ],
    goldens: [
      "sgd_dampening_maximize_closed",
      "sgd_dampening_wd_open",
      "sgd_momentum_closed",
      "sgd_momentum_open",
      "sgd_momentum_rosenbrock",
      "sgd_nesterov_wd_closed",
      "sgd_nesterov_wd_maximize_open",
      "sgd_plain_open",
    ],
  }),
  info("Adagrad", {
    stateAtConstruction: true,
    defaults: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
    configs: [
      { desc: "default", options: {}, buffers: ["sum"] },
      { desc: "lrDecay, initial accumulator", options: { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 }, buffers: ["sum"] },
    ],
    errorInputs: [
      common.lr,
      common.weightDecay,
      common.maximize,
      common.eps,
      common.eps0,
      common.unknown,
      { option: "lrDecay", value: -0.01 },
      { option: "initialAccumulatorValue", value: -1 },
    ],
    goldens: [
      "adagrad_default_open",
      "adagrad_eps_maximize_open",
      "adagrad_lrdecay_closed",
      "adagrad_lrdecay_init_wd_open",
      "adagrad_rosenbrock",
    ],
  }),
  info("RMSprop", {
    defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
    configs: [
      { desc: "default (momentum 0: no momentum_buffer)", options: {}, buffers: ["square_avg"] },
      { desc: "centered", options: { centered: true }, buffers: ["square_avg", "grad_avg"] },
      { desc: "momentum", options: { momentum: 0.5 }, buffers: ["square_avg", "momentum_buffer"] },
      {
        desc: "centered, momentum, weight decay",
        options: { centered: true, momentum: 0.9, weightDecay: 1e-2 },
        buffers: ["square_avg", "grad_avg", "momentum_buffer"],
      },
    ],
    errorInputs: [
      common.lr,
      common.weightDecay,
      common.maximize,
      common.eps,
      common.eps0,
      common.unknown,
      { option: "alpha", value: 1.5 },
      { option: "momentum", value: -0.1 },
      { option: "centered", value: "yes" },
    ],
    goldens: [
      "rmsprop_centered_momentum_closed",
      "rmsprop_centered_momentum_open",
      "rmsprop_default_open",
      "rmsprop_rosenbrock",
      "rmsprop_wd_eps_maximize_open",
    ],
  }),
  info("Adam", {
    defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
    configs: [
      { desc: "default", options: {}, buffers: ADAM_MOMENTS },
      { desc: "amsgrad, weight decay", options: { amsgrad: true, weightDecay: 1e-2 }, buffers: [...ADAM_MOMENTS, "max_exp_avg_sq"] },
    ],
    errorInputs: [
      common.lr,
      common.lrNaN,
      common.weightDecay,
      common.maximize,
      common.eps,
      common.eps0,
      common.betas1,
      common.betas0,
      common.betasShape,
      common.unknown,
      { option: "amsgrad", value: 1 },
    ],
    goldens: [
      "adam_amsgrad_rosenbrock",
      "adam_amsgrad_wd_open",
      "adam_closed",
      "adam_default_open",
      "adam_eps_maximize_open_n1000",
      "adam_wd_maximize_closed",
    ],
  }),
  info("AdamW", {
    defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false },
    configs: [
      { desc: "lr 1e-2", options: { lr: 1e-2 }, buffers: ADAM_MOMENTS },
      { desc: "amsgrad, maximize", options: { amsgrad: true, maximize: true }, buffers: [...ADAM_MOMENTS, "max_exp_avg_sq"] },
    ],
    errorInputs: [
      common.lr,
      common.weightDecay,
      common.maximize,
      common.eps,
      common.betas1,
      common.unknown,
      { option: "amsgrad", value: "true" },
    ],
    goldens: [
      "adamw_amsgrad_rosenbrock",
      "adamw_amsgrad_wd_open",
      "adamw_default_open",
      "adamw_maximize_nowd_open",
      "adamw_wd_closed_n1000",
    ],
  }),
  info("Adamax", {
    defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false },
    configs: [{ desc: "weight decay", options: { weightDecay: 1e-2 }, buffers: ["exp_avg", "exp_inf"] }],
    errorInputs: [
      common.lr,
      common.weightDecay,
      common.maximize,
      { option: "eps", value: Number.NaN },
      { option: "betas", value: [0.9, 1.5], named: "betas[1]", carried: 1.5 },
      common.unknown,
    ],
    goldens: ["adamax_closed", "adamax_default_open", "adamax_rosenbrock", "adamax_wd_betas_maximize_open"],
  }),
  info("NAdam", {
    defaults: {
      lr: 2e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      momentumDecay: 4e-3,
      decoupledWeightDecay: false,
      maximize: false,
    },
    configs: [
      { desc: "momentumDecay", options: { momentumDecay: 4e-3 }, buffers: ADAM_MOMENTS, scalars: ["mu_product"] },
      {
        desc: "decoupled weight decay",
        options: { weightDecay: 1e-2, decoupledWeightDecay: true },
        buffers: ADAM_MOMENTS,
        scalars: ["mu_product"],
      },
    ],
    errorInputs: [
      common.lr,
      { option: "weightDecay", value: -1 },
      { option: "maximize", value: null },
      common.eps,
      common.unknown,
      { option: "momentumDecay", value: -4e-3 },
      { option: "decoupledWeightDecay", value: "true" },
    ],
    goldens: ["nadam_closed", "nadam_default_open", "nadam_momdecay_wd_open", "nadam_rosenbrock"],
  }),
  info("RAdam", {
    defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false },
    configs: [
      { desc: "default (crosses the rectification switch)", options: {}, buffers: ADAM_MOMENTS },
      { desc: "decoupled weight decay", options: { weightDecay: 1e-2, decoupledWeightDecay: true }, buffers: ADAM_MOMENTS },
    ],
    errorInputs: [
      common.lr,
      common.weightDecay,
      common.maximize,
      common.betas0,
      { option: "decoupledWeightDecay", value: 0 },
      { option: "amsgrad", value: true, named: "options.amsgrad" },
    ],
    goldens: ["radam_closed", "radam_default_open", "radam_rosenbrock", "radam_wd_betas_open"],
  }),
  info("Adadelta", {
    defaults: { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
    configs: [{ desc: "weight decay", options: { weightDecay: 1e-3 }, buffers: ["square_avg", "acc_delta"] }],
    errorInputs: [
      { option: "lr", value: Infinity },
      common.weightDecay,
      common.maximize,
      { option: "eps", value: -1e-6 },
      { option: "rho", value: 1.1 },
      { option: "rho", value: -0.1 },
      common.unknown,
    ],
    goldens: ["adadelta_closed", "adadelta_default_open", "adadelta_rho_eps_wd_maximize_open", "adadelta_rosenbrock"],
  }),
  info("Lion", {
    defaults: { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0, maximize: false },
    configs: [{ desc: "weight decay", options: { lr: 1e-3, weightDecay: 1e-2 }, buffers: ["exp_avg"] }],
    errorInputs: [
      { option: "lr", value: -1e-4 },
      { option: "weightDecay", value: -0.1 },
      { option: "maximize", value: "yes" },
      common.betas1,
      { option: "betas", value: 0.9 },
      { option: "eps", value: 1e-8, named: "options.eps" },
    ],
    goldens: [], // not in torch: checked against the paper's update in test/optimizers/lion.test.ts
  }),
  // ---- Rprop, ASGD (torch 1.13), Muon (torch 2.9)
  info("Rprop", {
    defaults: { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false },
    configs: [
      { desc: "default", options: {}, buffers: ["prev", "step_size"] },
      {
        desc: "etas, stepSizes, maximize",
        options: { etas: [0.3, 1.5], stepSizes: [1e-3, 0.05], maximize: true },
        buffers: ["prev", "step_size"],
      },
    ],
    errorInputs: [
      common.lr,
      common.maximize,
      common.unknown,
      { option: "etas", value: [1.5, 1.2], named: "etas[0]", carried: 1.5 },
      { option: "etas", value: [0.5, 0.9], named: "etas[1]", carried: 0.9 },
      { option: "etas", value: 0.5 },
      { option: "stepSizes", value: [-1, 50], named: "stepSizes[0]", carried: -1 },
      { option: "stepSizes", value: [1e-3, 1e-6], named: "stepSizes[1]", carried: 1e-6 },
      { option: "weightDecay", value: 1e-2, named: "options.weightDecay" }, // torch 1.13's Rprop has none
    ],
    goldens: ["rprop_closed", "rprop_default_open", "rprop_etas_stepsizes_open", "rprop_maximize_open", "rprop_rosenbrock"],
  }),
  info("ASGD", {
    defaults: { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false },
    configs: [
      { desc: "default", options: {}, buffers: ["ax"], scalars: ["eta", "mu"] },
      {
        desc: "averaging from step 3, weight decay, maximize",
        options: { t0: 1, weightDecay: 1e-3, maximize: true },
        buffers: ["ax"],
        scalars: ["eta", "mu"],
      },
    ],
    errorInputs: [
      common.lr,
      common.weightDecay,
      common.maximize,
      common.unknown,
      { option: "lambd", value: -1e-4 },
      { option: "alpha", value: Number.NaN },
      { option: "t0", value: -1 },
    ],
    goldens: ["asgd_closed", "asgd_default_open", "asgd_rosenbrock", "asgd_t0_lambd_alpha_open", "asgd_wd_maximize_open"],
  }),
  info("Muon", {
    matrices: true,
    defaults: {
      lr: 1e-3,
      weightDecay: 0.1,
      momentum: 0.95,
      nesterov: true,
      nsCoefficients: [3.4445, -4.775, 2.0315],
      eps: 1e-7,
      nsSteps: 5,
      adjustLrFn: null,
    },
    configs: [
      { desc: "default", options: {}, buffers: ["momentum_buffer"] },
      {
        desc: "match_rms_adamw, no nesterov, momentum 0.3",
        options: { adjustLrFn: "match_rms_adamw", nesterov: false, momentum: 0.3, nsSteps: 3 },
        buffers: ["momentum_buffer"],
      },
    ],
    errorInputs: [
      common.lr,
      common.weightDecay,
      common.unknown,
      { option: "momentum", value: -0.5 },
      { option: "nesterov", value: 1 },
      { option: "nsCoefficients", value: [3.4445, -4.775] },
      { option: "nsCoefficients", value: [3.4445, Number.NaN, 2.0315], named: "nsCoefficients[1]", carried: Number.NaN },
      { option: "eps", value: 0 },
      { option: "nsSteps", value: 100 },
      { option: "nsSteps", value: 1.5 },
      { option: "adjustLrFn", value: "adamw" },
      { option: "maximize", value: true, named: "options.maximize" },
    ],
    goldens: [
      "muon_cubic_ns_original_closed",
      "muon_default_tall_open",
      "muon_match_rms_nonesterov_open",
      "muon_momentum0_open",
      "muon_tall_closed",
      "muon_tiny_grads_eps_open",
      "muon_wide_open",
    ],
  }),
  // ---- Adafactor (torch 2.5)
  info("Adafactor", {
    defaults: { lr: 1e-2, beta2Decay: -0.8, eps: [null, 1e-3], d: 1, weightDecay: 0, maximize: false },
    configs: [
      { desc: "vectors: variance", options: {}, buffers: ["variance"] },
      {
        desc: "matrices: row_var, col_var; weight decay, maximize",
        options: { weightDecay: 1e-2, maximize: true },
        buffers: ["row_var", "col_var"],
        rank: 2,
        lengths: ([rows, cols]) => ({ row_var: rows!, col_var: cols! }),
      },
      {
        desc: "batches of matrices (3-D): row_var, col_var per matrix; eps, d, beta2Decay",
        options: { eps: [1e-6, 1e-2], d: 2, beta2Decay: -0.5, lr: 0.05 },
        buffers: ["row_var", "col_var"],
        rank: 3,
        lengths: ([batch, rows, cols]) => ({ row_var: batch! * rows!, col_var: batch! * cols! }),
      },
    ],
    errorInputs: [
      common.lr,
      common.weightDecay,
      common.maximize,
      common.unknown,
      { option: "beta2Decay", value: 0.5 },
      { option: "beta2Decay", value: Number.NaN },
      { option: "d", value: 0 },
      { option: "eps", value: [0, 1e-3], named: "eps[0]", carried: 0 },
      { option: "eps", value: [null, -1e-3], named: "eps[1]", carried: -1e-3 },
      { option: "eps", value: 1e-3 },
      { option: "betas", value: [0.9, 0.999], named: "options.betas" },
    ],
    goldens: [
      "adafactor_3d_wd_open",
      "adafactor_eps_d_wd_closed",
      "adafactor_matrix_open",
      "adafactor_rosenbrock",
      "adafactor_tiny_grads_maximize_open",
      "adafactor_vector_open",
    ],
  }),
  info("SGDScheduleFree", {
    defaults: { lr: 1, momentum: 0.9, weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2 },
    configs: [{ desc: "warm-up, r", options: { lr: 0.1, warmupSteps: 3, r: 0.5 }, buffers: SF }],
    groupScalars: SF_GROUP,
    errorInputs: [
      common.lr,
      common.weightDecay,
      common.unknown,
      { option: "momentum", value: 1 },
      { option: "warmupSteps", value: -1 },
      { option: "warmupSteps", value: 1.5 },
      { option: "r", value: Number.NaN },
      { option: "weightLrPower", value: -1 },
    ],
    goldens: ["sgdsf_open", "sgdsf_power0_open", "sgdsf_warmup_closed", "sgdsf_warmup_wd_r_open", "sgdsf_wd_rosenbrock"],
  }),
  info("AdamWScheduleFree", {
    defaults: { lr: 2.5e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2, variant: "default" },
    configs: [
      { desc: "warm-up, weight decay", options: { lr: 1e-2, warmupSteps: 4, weightDecay: 1e-2 }, buffers: [...SF, "exp_avg_sq"] },
      { desc: "paper variant", options: { variant: "paper", warmupSteps: 2 }, buffers: [...SF, "exp_avg_sq"] },
    ],
    groupScalars: SF_GROUP,
    errorInputs: [
      common.lr,
      common.weightDecay,
      common.eps,
      common.betas1,
      common.unknown,
      { option: "variant", value: "torch" },
      { option: "warmupSteps", value: -2 },
    ],
    goldens: [
      "adamwsf_open",
      "adamwsf_paper_closed",
      "adamwsf_paper_warmup_wd_open",
      "adamwsf_power1_betas_eps_open",
      "adamwsf_warmup_closed",
      "adamwsf_warmup_wd_r_open",
      "adamwsf_wd_rosenbrock",
    ],
  }),
  info("LBFGS", {
    defaults: { lr: 1, maxIter: 20, maxEval: 25, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearch: "none" },
    configs: [],
    errorInputs: [
      common.lr,
      { option: "maxIter", value: 0 },
      { option: "historySize", value: 1.5 },
      { option: "toleranceGrad", value: -1 },
      { option: "lineSearch", value: "armijo" },
    ],
    goldens: [
      "lbfgs_quad12_none_f32",
      "lbfgs_quad12_none_f64",
      "lbfgs_quad12_wolfe_f32",
      "lbfgs_quad12_wolfe_f64",
      "lbfgs_rosen10_none_f32",
      "lbfgs_rosen10_none_f64",
      "lbfgs_rosen10_wolfe_f32",
      "lbfgs_rosen10_wolfe_f64",
      "lbfgs_rosen2_none_f32",
      "lbfgs_rosen2_none_f64",
      "lbfgs_rosen2_wolfe_f32",
      "lbfgs_rosen2_wolfe_f64",
    ],
    supportsGroups: false,
    needsClosure: true,
    secondOrder: true,
  }),
  info("Newton", {
    defaults: { maxIter: 20, toleranceGrad: 1e-7, toleranceChange: 1e-9 },
    configs: [],
    errorInputs: [
      { option: "maxIter", value: 0 },
      { option: "toleranceGrad", value: -1 },
      { option: "toleranceChange", value: Number.NaN },
      { option: "lr", value: 1, named: "options.lr" },
    ],
    goldens: [], // not in torch.optim: checked against scipy in test/second-order/newton.test.ts
    supportsGroups: false,
    needsClosure: true,
    secondOrder: true,
  }),
];

/** The first-order entries: those with per-param state and a kernel step. */
export const FIRST_ORDER = OPTIMIZERS.filter((o) => !o.secondOrder);

/** Every (optimizer, configuration) pair, titled "Name: desc". */
export const CONFIGS = FIRST_ORDER.flatMap((o) => o.configs.map((c) => ({ info: o, config: c, title: `${o.name}: ${c.desc}` })));

/** The registry entry of a class name (throws on an unknown one). */
export function infoOf(name: string): OptimizerInfo {
  const found = OPTIMIZERS.find((o) => o.name === name);
  if (!found) throw new Error(`no registry entry for ${name}`);
  return found;
}

/**
 * The number of dims the generic tests give the params of `info` under `config` (shaped by
 * helpers/shapes.mjs shapeOf): the config's rank, else 2 for a matrices-only optimizer (Muon), else 1.
 */
export const rankOf = (info: OptimizerInfo, config?: Config): number => config?.rank ?? (info.matrices ? 2 : 1);
