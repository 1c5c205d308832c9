// wasm-optim: PyTorch's optimizers for Node, with their update loops in SIMD WebAssembly.
export { Param, ParamState, type DType, type FloatArray, type ArrayOf, type ParamOptions, type WasmBuffer } from "./param.js";
export { Optimizer, type ParamGroup, type GroupInput, type ParamsInput, type StepScalar } from "./optimizer.js";
export type { AnyOptimizer } from "./any-optimizer.js";
export type { Schema, Check } from "./options.js";
export { FirstOrderOptimizer, type Run, type StateBufferSpec } from "./first-order.js";
export {
  WasmOptimError,
  InvalidOptionError,
  InvalidArgTypeError,
  InvalidArgValueError,
  OutOfRangeError,
  OutOfMemoryError,
  StateError,
  NonFiniteGradientError,
  type InvalidOptionCode,
  type InvalidOptionKind,
  type OptionErrorFields,
  type InvalidOptionErrorConstructor,
} from "./errors.js";
export { heapStats } from "./runtime/allocator.js";
export { memory, sharedMemory, wasmModule, ready } from "./runtime/memory.js";
export { setNumThreads, getNumThreads } from "./runtime/threads.js";
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
export { Adafactor, type AdafactorOptions } from "./optimizers/adafactor.js";
export { Rprop, type RpropOptions } from "./optimizers/rprop.js";
export { ASGD, type ASGDOptions } from "./optimizers/asgd.js";
export { Muon, type MuonOptions, type MuonAdjustLr } from "./optimizers/muon.js";
export {
  ScheduleFreeOptimizer,
  type ScheduleFreeOptions,
  type ScheduleFreeStep,
  type Mode as ScheduleFreeMode,
} from "./optimizers/schedule-free/base.js";
export { SGDScheduleFree, type SGDScheduleFreeOptions } from "./optimizers/schedule-free/sgd.js";
export { AdamWScheduleFree, type AdamWScheduleFreeOptions } from "./optimizers/schedule-free/adamw.js";
export {
  CheckpointError,
  type CheckpointErrorCode,
  type Attachment,
  type PendingLoad,
  type StateTree,
  type StateValue,
} from "./checkpoint/attachment.js";
export { packState, unpackState, crc32 } from "./checkpoint/codec.js";
export { saveParams, loadParams } from "./checkpoint/params.js";
export type { OptimizerStateDict, ParamStateDict, LoadOptions, ExpectedState } from "./state-dict.js";
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from "./transforms/clip.js";
export { Transform, type Steppable } from "./transforms/transform.js";
export { SkipNonFinite, skipNonFinite, type SkipNonFiniteOptions } from "./transforms/skip-non-finite.js";
export { GradientAccumulator, accumulateGradients } from "./transforms/accumulate.js";
export * as schedules from "./schedules/functions.js";
export type { Schedule, Anneal } from "./schedules/core.js";
export { Scheduler, type GroupUpdate } from "./schedules/scheduler.js";
export { HyperparameterScheduler, scheduleHyperparameter, type ScheduleHyperparameterOptions } from "./schedules/hyperparameter.js";
export {
  LRScheduler,
  LambdaLR,
  MultiplicativeLR,
  StepLR,
  MultiStepLR,
  ConstantLR,
  LinearLR,
  ExponentialLR,
  PolynomialLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  OneCycleLR,
  SWALR,
  SequentialLR,
  ChainedScheduler,
  ReduceLROnPlateau,
  INITIAL_LR,
} from "./schedules/torch.js";
export type {
  LambdaLROptions,
  StepLROptions,
  MultiStepLROptions,
  ConstantLROptions,
  LinearLROptions,
  ExponentialLROptions,
  PolynomialLROptions,
  CosineAnnealingLROptions,
  CosineAnnealingWarmRestartsOptions,
  CyclicLROptions,
  CyclicMode,
  OneCycleLROptions,
  SWALROptions,
  SequentialLROptions,
  ChainedSchedulerOptions,
  ReduceLROnPlateauOptions,
  LrLambda,
  InitialLrs,
} from "./schedules/torch.js";
export { AveragedModel, type AveragedModelOptions } from "./averaged-model.js";
export { LBFGS, type LBFGSOptions } from "./second-order/lbfgs.js";
export type { Bounds } from "./second-order/lbfgsb.js";
export { minimize, type MinimizeOptions } from "./second-order/minimize.js";
export type { MinimizeResult, IterationInfo, StopReason } from "./second-order/driver.js";
export { Newton, type NewtonOptions, type HessianSource } from "./second-order/newton.js";
