// wasm-optim: PyTorch's optimizers for Node, with their update loops in SIMD WebAssembly.
export { Param, ParamState, type DType, type FloatArray, type ParamOptions } from "./param.js";
export { Optimizer, type ParamGroup, type GroupInput, type ParamsInput } from "./optimizer.js";
export { FirstOrderOptimizer, type StateBufferSpec } from "./first-order.js";
export { WasmOptimError, InvalidOptionError, OutOfMemoryError, StateError } from "./errors.js";
export { heapStats } from "./runtime/allocator.js";
export { memory, sharedMemory, wasmModule } from "./runtime/memory.js";
export { SGD, type SGDOptions } from "./optimizers/sgd.js";
export { Adagrad, type AdagradOptions } from "./optimizers/adagrad.js";
export { RMSprop, type RMSpropOptions } from "./optimizers/rmsprop.js";
export { Adam, type AdamOptions } from "./optimizers/adam.js";
export { AdamW, type AdamWOptions } from "./optimizers/adamw.js";
export { Adamax, type AdamaxOptions } from "./optimizers/adamax.js";
export { NAdam, type NAdamOptions } from "./optimizers/nadam.js";
export { RAdam, type RAdamOptions } from "./optimizers/radam.js";
export { Adadelta, type AdadeltaOptions } from "./optimizers/adadelta.js";
export { Lion, type LionOptions } from "./optimizers/lion.js";
export { ScheduleFreeOptimizer, type ScheduleFreeOptions, type Mode as ScheduleFreeMode } from "./optimizers/schedule-free/base.js";
export { SGDScheduleFree, type SGDScheduleFreeOptions } from "./optimizers/schedule-free/sgd.js";
export { AdamWScheduleFree, type AdamWScheduleFreeOptions } from "./optimizers/schedule-free/adamw.js";
export { CheckpointError, type CheckpointErrorCode, type Attachment, type PendingLoad, type StateTree, type StateValue, saveParams, loadParams, packState, unpackState, crc32 } from "./checkpoint.js";
export type { OptimizerStateDict, ParamStateDict, LoadOptions } from "./state-dict.js";
export { clipGradNorm, clipGradValue, NonFiniteGradientError, type ClipGradNormOptions } from "./clip.js";
export { StepGuard, skipNonFinite, type StepGuardOptions } from "./guard.js";
export { GradientAccumulator, accumulateGradients } from "./accumulate.js";
export {
  type Schedule, constant, linear, stepDecay, multiStep, exponential, cosineDecay, polynomial, warmup, warmRestarts, join, oneCycle, oneCycleMomentum,
  Scheduler, HyperparameterScheduler, scheduleHyperparameter, type ScheduleHyperparameterOptions, type OneCycleOptions, type WarmRestartsOptions, type Anneal,
} from "./schedules.js";
export { LRScheduler, LambdaLR, StepLR, MultiStepLR, ExponentialLR, LinearLR, CosineAnnealingLR, OneCycleLR, SequentialLR, ReduceLROnPlateau } from "./lr-scheduler.js";
export type { StepLROptions, MultiStepLROptions, ExponentialLROptions, LinearLROptions, CosineAnnealingLROptions, OneCycleLROptions, SequentialLROptions, ReduceLROnPlateauOptions } from "./lr-scheduler.js";
export * as vector from "./vector.js";
export { LBFGS, type LBFGSOptions } from "./second-order/lbfgs.js";
export { minimize, type MinimizeOptions } from "./second-order/minimize.js";
export type { MinimizeResult, IterationInfo, StopReason } from "./second-order/driver.js";
export { Newton, type NewtonOptions, type HessianSource } from "./second-order/newton.js";
