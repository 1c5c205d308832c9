// The kernels' binary in the edge build (dist/edge.js, the package's "workerd" and "edge-light"
// export): Cloudflare Workers and other edge runtimes refuse to compile wasm from bytes at run
// time, and instead compile a `.wasm` file the script imports, giving a WebAssembly.Module.
// rolldown.config.mjs puts this file in place of ./wasm-source.ts and emits dist/wasm-optim.wasm
// (build/optim.wasm, importing a shared memory) beside dist/edge.js.
import compiled from "./wasm-optim.wasm";

/** The wasm module the host compiled, importing a shared memory. */
export const wasmSource: Uint8Array | WebAssembly.Module = compiled;
