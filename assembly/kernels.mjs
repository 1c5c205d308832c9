// The one list of the module's exports. Each kernel's argument list is declared here once;
// scripts/build-wasm.mjs reads it and emits
//   assembly/generated/exports.ts       the update kernels' loop drivers and _f32/_f64 exports
//   src/runtime/kernels.generated.ts    a named, typed TypeScript signature for every export
// and test/kernels/* take their argument order from it.
//
// Every kernel `k` is exported as k_f32 and k_f64 with the arguments
//   (...pointers, n, ...scalars, ...flags)
// pointers: byte addresses into the module's memory; n: element count; scalars: float64;
// flags: integers that select a specialisation (each allowed value is compiled as a literal,
// so the flag costs nothing inside the loop). A `plain` flag selects torch's default option
// set (no weight decay, not maximizing, ...): the operations those options need vanish.
// `derived` flags are bools the export computes from the scalars (`test`, float64), not arguments:
// each is tested only in the float32 specialisations where its flag `when` is 1, and is 1 elsewhere.
// `unroll` (default 2): how many 16-byte blocks one iteration of the float32 main loop updates;
// `unrollF64` (default 1) the same for float64; the specialisations matching a `cold` flag
// setting (rarely used option sets) have no unrolled loop. Each unrolled copy of the rule costs bytes in
// the module (whose base64 is part of the import's cold start), so a kernel is unrolled only where
// it measured faster (npm run bench:kernels): the memory-speed loops (SGD, accumulation) and the
// default-option Adam/NAdam; the other sqrt-and-divide rules wait on the divider either way.
//
// Update kernels (`update`) are elementwise: the rule file assembly/rules/<file>.ts holds the
// formula and `@inline <at><T>(o, ...pointers, ...splats, ...flags, vec)`, the update of the
// 16 bytes at byte offset o (vec) or of one element (tail). `splats` are the vector constants
// the rule takes, in its parameter order: "name = <f64 expression of the scalars>", or
// "name" for a scalar passed as it is. Each is rounded once to the dtype and broadcast; `$T` in
// an expression is the dtype (f32 or f64).
//
// `docs` documents a scalar or flag (units, what the caller computes); it lands in the
// generated TypeScript signature.

const bool = [0, 1];
/**
 * The smallest value above 0 of the kernel's dtype. A denominator's eps scaled by sqrt(1 - beta2^t)
 * (Adam, NAdam) is kept at least this large: for a zero gradient (m = v = 0) the kernel then divides
 * 0 by a positive number, as torch does with eps, instead of 0 / 0 when a tiny eps would round to 0.
 */
const TINY = "<f64>$T.MIN_VALUE";
const PLAIN_L2 = "1: weightDecay = 0 and sign = 1, the L2 term and the sign skipped (the defaults; decay stays)";
/** A derived flag: decay != 1 (1 - lr*weightDecay, decoupled weight decay), tested under `plain`; p*1 = p exactly, so the multiply is skipped. */
const DECAYED = { test: "decay != 1", when: "plain" };
/** The flag of every kernel with an L2 term: torch adds weightDecay*p only when weightDecay != 0 (0*Infinity would be NaN). */
const L2 = "1: weightDecay != 0, the L2 term weightDecay*p is added; 0: skipped (a +-Infinity param stays, as in torch)";

/**
 * Pairs of bool flags that are never both 1 (`plain` means weightDecay = 0, so no L2 term): the
 * generated dispatch compiles no specialisation for that combination (it would be dead code).
 */
export const exclusive = [["plain", "l2"]];

/** Elementwise update kernels: driver and exports generated. */
export const update = [
  {
    name: "sgd",
    summary: "SGD (torch.optim.SGD), one fused pass.",
    pointers: ["p", "g", "buf"],
    scalars: ["lr", "sign", "weightDecay", "bufMomentum", "oneMinusDampening", "momentum"],
    flags: { kind: [0, 1, 2], plain: bool, l2: bool },
    unroll: 8,
    cold: [{ plain: 0, l2: 0 }],
    unrollF64: 4,
    splats: ["negLr = -lr", "sign", "weightDecay", "bufMomentum", "oneMinusDampening", "momentum"],
    docs: {
      sign: "-1 when maximizing, else 1",
      bufMomentum: "momentum; 0 on the first momentum step (the buffer becomes the gradient)",
      oneMinusDampening: "1 - dampening; 1 on the first momentum step",
      kind: "0 no momentum (buf unused, may be 0), 1 momentum, 2 Nesterov",
      plain: "1: weightDecay = 0, sign = 1 and oneMinusDampening = 1 (those operations are skipped)",
      l2: L2,
    },
  },
  {
    name: "adam",
    summary: "Adam / AdamW (torch.optim.Adam, torch.optim.AdamW), one fused pass.",
    pointers: ["p", "g", "m", "v", "vmax"],
    scalars: ["stepSize", "beta1", "beta2", "bc2sqrt", "eps", "weightDecay", "decay", "sign"],
    flags: { amsgrad: bool, plain: bool, l2: bool },
    derived: { decayed: DECAYED },
    unroll: 4,
    cold: [{ plain: 0 }, { amsgrad: 1 }],
    splats: [
      "negStepS = -stepSize * bc2sqrt",
      "beta1",
      "oneMinusBeta1 = 1 - beta1",
      "beta2",
      "oneMinusBeta2 = 1 - beta2",
      `epsS = Math.max(eps * bc2sqrt, ${TINY})`,
      "weightDecay",
      "decay",
      "sign",
    ],
    docs: {
      stepSize: "lr / (1 - beta1^t)",
      bc2sqrt: "sqrt(1 - beta2^t)",
      weightDecay: "L2 weight decay (Adam); 0 for AdamW",
      decay: "1 - lr*weightDecay (AdamW); 1 for Adam",
      sign: "-1 when maximizing, else 1",
      amsgrad: "1: keep and use the running maximum vmax (else vmax is unused and may be 0)",
      plain: PLAIN_L2,
      l2: L2,
    },
  },
  {
    name: "adagrad",
    summary: "Adagrad (torch.optim.Adagrad).",
    pointers: ["p", "g", "sum"],
    scalars: ["clr", "eps", "weightDecay", "sign"],
    flags: { l2: bool },
    unroll: 1,
    splats: ["negClr = -clr", "eps", "weightDecay", "sign"],
    docs: { clr: "lr / (1 + (t - 1)*lrDecay)", sign: "-1 when maximizing, else 1", l2: L2 },
  },
  {
    name: "rmsprop",
    summary: "RMSprop (torch.optim.RMSprop).",
    pointers: ["p", "g", "v", "gavg", "buf"],
    scalars: ["lr", "alpha", "eps", "weightDecay", "momentum", "sign"],
    flags: { centered: bool, withMomentum: bool, plain: bool, l2: bool },
    unroll: 1,
    splats: ["negLr = -lr", "alpha", "oneMinusAlpha = 1 - alpha", "eps", "weightDecay", "momentum", "sign"],
    docs: {
      sign: "-1 when maximizing, else 1",
      centered: "1: keep the gradient average gavg (else gavg is unused and may be 0)",
      withMomentum: "1: keep the momentum buffer buf (else buf is unused and may be 0)",
      plain: "1: weightDecay = 0 and sign = 1 (those operations are skipped)",
      l2: L2,
    },
  },
  {
    name: "adamax",
    summary: "Adamax (torch.optim.Adamax), one fused pass.",
    pointers: ["p", "g", "m", "u"],
    scalars: ["clr", "beta1", "beta2", "eps", "weightDecay", "sign"],
    flags: { l2: bool },
    splats: ["negClr = -clr", "beta1", "oneMinusBeta1 = 1 - beta1", "beta2", "eps", "weightDecay", "sign"],
    docs: { clr: "lr / (1 - beta1^t)", sign: "-1 when maximizing, else 1", l2: L2 },
  },
  {
    name: "nadam",
    summary: "NAdam (torch.optim.NAdam, torch >= 2.0 rule), one fused pass.",
    pointers: ["p", "g", "m", "v"],
    scalars: ["gradStep", "momStep", "beta1", "beta2", "bc2", "eps", "weightDecay", "decay", "sign"],
    splats: [
      "gradStepS = gradStep * Math.sqrt(bc2)",
      "ratio = gradStep < 0 || gradStep > 0 ? momStep / gradStep : 0",
      "beta1",
      "oneMinusBeta1 = 1 - beta1",
      "beta2",
      "oneMinusBeta2 = 1 - beta2",
      `epsS = Math.max(eps * Math.sqrt(bc2), ${TINY})`,
      "weightDecay",
      "decay",
      "sign",
    ],
    flags: { plain: bool, l2: bool },
    derived: { decayed: DECAYED },
    unroll: 8,
    cold: [{ plain: 0 }, { decayed: 1 }],
    docs: {
      gradStep: "-lr*(1 - mu_t)/(1 - mu_product)",
      momStep: "-lr*mu_{t+1}/(1 - mu_product*mu_{t+1})",
      bc2: "1 - beta2^t",
      weightDecay: "L2 weight decay; 0 when decoupled",
      decay: "1 - lr*weightDecay when decoupled; else 1",
      sign: "-1 when maximizing, else 1",
      plain: PLAIN_L2,
      l2: L2,
    },
  },
  {
    name: "radam",
    summary: "RAdam (torch.optim.RAdam), one fused pass.",
    pointers: ["p", "g", "m", "v"],
    scalars: ["step", "beta1", "beta2", "eps", "weightDecay", "decay", "sign"],
    flags: { rectified: bool, plain: bool, l2: bool },
    unroll: 1,
    splats: ["step", "beta1", "oneMinusBeta1 = 1 - beta1", "beta2", "oneMinusBeta2 = 1 - beta2", "eps", "weightDecay", "decay", "sign"],
    docs: {
      step: "rectified: -lr*r_t*sqrt(1 - beta2^t)/(1 - beta1^t); else -lr/(1 - beta1^t)",
      weightDecay: "L2 weight decay; 0 when decoupled",
      decay: "1 - lr*weightDecay when decoupled; else 1",
      sign: "-1 when maximizing, else 1",
      rectified: "1: the rho_t > 5 step (else eps is unused)",
      plain: PLAIN_L2,
      l2: L2,
    },
  },
  {
    name: "adadelta",
    summary: "Adadelta (torch.optim.Adadelta), one fused pass.",
    pointers: ["p", "g", "v", "acc"],
    scalars: ["lr", "rho", "eps", "weightDecay", "sign"],
    flags: { l2: bool },
    splats: ["negLr = -lr", "rho", "oneMinusRho = 1 - rho", "eps", "weightDecay", "sign"],
    docs: { sign: "-1 when maximizing, else 1", l2: L2 },
  },
  {
    name: "lion",
    summary: "Lion (Chen et al. 2023), one fused pass.",
    pointers: ["p", "g", "m"],
    scalars: ["lr", "beta1", "beta2", "weightDecay", "sign"],
    splats: [
      "negLr = -lr",
      "beta1",
      "oneMinusBeta1 = 1 - beta1",
      "beta2",
      "oneMinusBeta2 = 1 - beta2",
      "decay = 1 - lr * weightDecay",
      "sign",
      "zero = 0",
      "one = 1",
      "signBit = -0.0",
    ],
    docs: { weightDecay: "decoupled: p = p*(1 - lr*weightDecay) - lr*u (lion-pytorch)", sign: "-1 when maximizing, else 1" },
  },
  // ---- Rprop, ASGD, Muon (torch.optim.Rprop, ASGD: torch 1.13; Muon: torch 2.9)
  {
    name: "rprop",
    summary: "Rprop (torch.optim.Rprop), one fused pass.",
    pointers: ["p", "g", "prev", "stepSize"],
    scalars: ["etaminus", "etaplus", "stepSizeMin", "stepSizeMax", "sign"],
    splats: ["etaminus", "etaplus", "stepSizeMin", "stepSizeMax", "sign", "zero = 0", "one = 1", "signBit = -0.0"],
    docs: {
      etaminus: "the step-size factor after a sign flip, in (0, 1)",
      etaplus: "the step-size factor while the sign holds, > 1",
      sign: "-1 when maximizing, else 1",
    },
  },
  {
    name: "asgd",
    summary: "ASGD (torch.optim.ASGD), one fused pass over p and its average ax.",
    pointers: ["p", "g", "ax"],
    scalars: ["eta", "decay", "mu", "weightDecay", "sign"],
    flags: { average: bool, l2: bool },
    splats: ["negEta = -eta", "decay", "mu", "weightDecay", "sign"],
    docs: {
      eta: "the step size of this step (torch's state eta, set by the previous step)",
      decay: "1 - lambd*eta",
      mu: "the averaging weight (torch's state mu)",
      weightDecay: "L2 weight decay",
      sign: "-1 when maximizing, else 1",
      average: "1: ax = ax + (p - ax)*mu (mu != 1); 0: ax = p (mu is unused)",
      l2: L2,
    },
  },
  {
    name: "muonMomentum",
    file: "muon",
    summary: "Muon's momentum (torch.optim.Muon): buf = lerp(buf, g, 1 - momentum); u = nesterov ? lerp(g, buf, momentum) : buf.",
    pointers: ["g", "buf", "u"],
    scalars: ["momentum"],
    flags: { nesterov: bool, bufLow: bool, nesterovLow: bool },
    splats: ["w = 1 - momentum", "mu = momentum", "one = 1"],
    docs: {
      bufLow: "1 when |1 - momentum| < 0.5 (torch's lerp branch a + w*(b - a)), else 0 (b - (b - a)*(1 - w))",
      nesterovLow: "1 when |momentum| < 0.5, else 0 (unused without nesterov)",
    },
  },
  {
    name: "scheduleFree",
    file: "schedulefree",
    summary: "Schedule-Free SGD / AdamW step (Defazio et al. 2024), one fused pass over y, g, z, x and v.",
    pointers: ["y", "g", "z", "x", "v"],
    scalars: ["lr", "weightDecay", "beta2", "bc2", "eps", "c", "beta"],
    flags: { adam: bool, l2: bool },
    splats: [
      "negLr = -lr",
      "weightDecay",
      "beta2",
      "oneMinusBeta2 = 1 - beta2",
      "invBc2 = 1 / bc2",
      "eps",
      "c",
      "oneMinusC = 1 - c",
      "beta",
      "oneMinusBeta = 1 - beta",
    ],
    docs: {
      lr: "lr_k, warm-up applied",
      weightDecay: "evaluated at y",
      bc2: "1 - beta2^(k+1); 1 for the paper variant",
      c: "the averaging coefficient: x = (1 - c)*x + c*z",
      beta: "y = beta*x + (1 - beta)*z",
      adam: "1: the AdamW step (v is used); 0: SGD (v, beta2, bc2, eps unused, may be 0)",
      l2: L2,
    },
  },
  {
    name: "scheduleFreeY",
    file: "schedulefree",
    summary: "Schedule-Free train(): y = beta*x + (1 - beta)*z.",
    pointers: ["y", "z", "x"],
    scalars: ["beta"],
    splats: ["beta", "oneMinusBeta = 1 - beta"],
  },
  {
    name: "accumulate",
    summary: "Gradient accumulation, micro-batches 2 .. k-1: acc = acc + g.",
    pointers: ["acc", "g"],
    unroll: 4,
    unrollF64: 4,
    scalars: [],
    splats: [],
  },
  {
    name: "accumulateMean",
    file: "accumulate",
    summary: "Gradient accumulation, micro-batch k: g = (acc + g) / k.",
    pointers: ["acc", "g"],
    scalars: ["k"],
    splats: ["k"],
    docs: { k: "the number of micro-batches" },
  },
];

/** Vector kernels, written by hand in assembly/vector.ts (their own drivers: blocked sums). */
export const vector = [
  { name: "dot", summary: "sum x*y.", pointers: ["x", "y"], scalars: [], returns: "f64" },
  { name: "sumsq", summary: "sum x*x, the squared 2-norm.", pointers: ["x"], scalars: [], returns: "f64" },
  { name: "sumabs", summary: "sum |x|, the 1-norm.", pointers: ["x"], scalars: [], returns: "f64" },
  { name: "powsum", summary: "sum |x|^p, the p-th power of the p-norm.", pointers: ["x"], scalars: ["p"], returns: "f64" },
  {
    name: "axpbyDot",
    summary: "x = a*x + b*y, then sum z*x with the new x (z may be x).",
    pointers: ["x", "y", "z"],
    scalars: ["a", "b"],
    returns: "f64",
  },
  { name: "maxabs", summary: "max |x|, the inf-norm (NaN if an element is NaN).", pointers: ["x"], scalars: [], returns: "f64" },
  { name: "allfinite", summary: "1 when every element is finite, else 0.", pointers: ["x"], scalars: [], returns: "i32" },
  { name: "axpby", summary: "out = a*x + b*y.", pointers: ["out", "x", "y"], scalars: ["a", "b"] },
  { name: "axpy", summary: "x = x + b*y.", pointers: ["x", "y"], scalars: ["b"] },
  { name: "scale", summary: "out = a*x (out may be x).", pointers: ["out", "x"], scalars: ["a"] },
  { name: "copy", summary: "out = x.", pointers: ["out", "x"], scalars: [] },
  { name: "clamp", summary: "out = min(max(x, lo), hi) (out may be x).", pointers: ["out", "x"], scalars: ["lo", "hi"] },
];

/** Kernels written by hand in their own files (assembly/<file>.ts): several passes, per-row reductions. */
export const handWritten = [
  {
    name: "adafactorFactors",
    file: "adafactor",
    summary: "Adafactor's factored second moments: row_var and col_var lerped towards the row and column means of g^2.",
    pointers: ["g", "rowVar", "colVar"],
    scalars: ["rows", "cols", "w"],
    docs: {
      n: "the number of matrices (the product of the leading dims)",
      rows: "rows of each matrix (the second-to-last dim)",
      cols: "columns of each matrix (the last dim)",
      w: "the weight of the new value, t^beta2Decay (rounded to the dtype; 1 on the first step)",
    },
  },
  {
    name: "adafactorFactoredSumsq",
    file: "adafactor",
    summary: "Adafactor, factored: sum U^2 (float64), U = g / sqrt(max(row_var*col_var / max(mean(row_var), eps1), eps1^2)).",
    pointers: ["g", "rowVar", "colVar"],
    scalars: ["rows", "cols", "eps1", "eps1sq"],
    returns: "f64",
    docs: { n: "the number of matrices", eps1sq: "eps1*eps1 (rounded once to the dtype)" },
  },
  {
    name: "adafactorFactoredStep",
    file: "adafactor",
    summary: "Adafactor, factored: p = decay*p + s*U (U as in adafactorFactoredSumsq).",
    pointers: ["p", "g", "rowVar", "colVar"],
    scalars: ["rows", "cols", "eps1", "eps1sq", "decay", "s"],
    docs: {
      n: "the number of matrices",
      eps1sq: "eps1*eps1",
      decay: "1 - lr*weightDecay",
      s: "-sign*alpha/max(1, RMS(U)/d) (sign -1 when maximizing)",
    },
  },
  {
    name: "adafactorVector",
    file: "adafactor",
    summary: "Adafactor, unfactored: variance = lerp(variance, g^2, w); returns sum U^2 (float64), U = g / sqrt(max(variance, eps1^2)).",
    pointers: ["g", "variance"],
    scalars: ["w", "eps1sq"],
    returns: "f64",
    docs: { w: "the weight of the new value, t^beta2Decay", eps1sq: "eps1*eps1" },
  },
  {
    name: "adafactorVectorStep",
    file: "adafactor",
    summary: "Adafactor, unfactored: p = decay*p + s*U (U from the updated variance).",
    pointers: ["p", "g", "variance"],
    scalars: ["eps1sq", "decay", "s"],
    docs: { eps1sq: "eps1*eps1", decay: "1 - lr*weightDecay", s: "-sign*alpha/max(1, RMS(U)/d)" },
  },
];

/**
 * Exports without a dtype, each one expression (`body`), emitted into the generated module.
 * heapBase: the end of the module's static data (e.g. the lookup tables behind Math.pow);
 * the TypeScript allocator (src/runtime/allocator.ts) hands out memory only above it.
 */
export const plain = [
  {
    name: "heapBase",
    summary: "The end of the module's static data: the allocator hands out memory only above it.",
    params: [],
    returns: "usize",
    body: "__heap_base",
  },
];

/**
 * Float32 matrix kernels for Muon's Newton-Schulz step, written by hand in assembly/matmul.ts
 * (row-major, byte pointers; exported under these names, float32 only).
 */
export const matrix = [
  {
    name: "addmm_f32",
    summary: "out[m x n] = beta*C + alpha*(A[m x k] . B[k x n]) (torch.addmm); beta = 0: C is not read; out must not overlap A, B, C.",
    params: ["out", "c", "a", "b", "m", "k", "n", "beta", "alpha"],
  },
  {
    name: "transpose_f32",
    summary: "out[cols x rows] = X[rows x cols] transposed; out must not overlap X.",
    params: ["out", "x", "rows", "cols"],
  },
];
