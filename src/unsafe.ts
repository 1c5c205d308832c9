// wasm-optim/unsafe: the address-level API, for benchmarks and for code that manages its own
// wasm memory. UNSAFE: these functions take raw byte addresses into the library's
// WebAssembly.Memory and do not check them — a wrong address or length overwrites another
// param's data or the module's static data, silently. Everything else in the package takes
// Params and checks them; use this subpath only when you own the addresses you pass
// (`allocate`d here, or a Param's `dataPtr` / `gradPtr`).

/**
 * The vector kernels over raw addresses (dot, norms, axpby, scale, copy, clamp, ...): the
 * dtype, byte addresses, an element count. See src/vector.ts for each formula.
 */
export * as vector from "./vector.js";
/** The module's exports: every kernel as `name_f32` / `name_f64`, with its typed signature. */
export { wasmExports, memory, sharedMemory, wasmModule } from "./runtime/memory.js";
/** The allocator behind Param and the state buffers: 64-byte aligned blocks of wasm memory. */
export { allocate, release, heapStats } from "./runtime/allocator.js";
/** A kernel split across the worker threads (elementwise kernels only; see docs/threads.md). */
export { parallelKernel, PARALLEL_THRESHOLD, setFallback, workerChunks, type ElementwiseKernelName } from "./runtime/threads.js";
/** The history of L-BFGS pairs (for the second-order benchmarks). */
export { History } from "./second-order/history.js";
export { WasmBuffer } from "./param.js";
