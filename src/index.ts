// wasm-optim: PyTorch's optimizers for Node, with their update loops in SIMD WebAssembly.
export { Param, type DType, type FloatArray, type ParamOptions } from "./param.js";
export { Optimizer, ParamState, type ParamGroup, type GroupInput, type ParamsInput } from "./optimizer.js";
export { WasmOptimError, InvalidOptionError, OutOfMemoryError, StateError } from "./errors.js";
export { heapStats } from "./runtime/allocator.js";
export { memory, sharedMemory, wasmModule } from "./runtime/memory.js";
export { SGD, type SGDOptions } from "./optimizers/sgd.js";
export { Adagrad, type AdagradOptions } from "./optimizers/adagrad.js";
export { RMSprop, type RMSpropOptions } from "./optimizers/rmsprop.js";
export { Adam, type AdamOptions } from "./optimizers/adam.js";
export { AdamW, type AdamWOptions } from "./optimizers/adamw.js";
export * as vector from "./vector.js";
export { LBFGS, type LBFGSOptions } from "./second-order/lbfgs.js";
export { minimize, type MinimizeOptions, type MinimizeResult, type IterationInfo, type StopReason } from "./second-order/minimize.js";
export { Newton, type NewtonOptions, type HessianSource } from "./second-order/newton.js";
