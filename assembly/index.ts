// The module's whole surface (listed in assembly/kernels.mjs): every kernel, f32 and f64.
// Kernels take byte pointers into the imported memory, an element count and float64
// scalars; they never allocate. The update kernels' exports are generated from the table
// (scripts/build-wasm.mjs); their rules are in rules/, the vector kernels in vector.ts.
export * from "./generated/exports";
export * from "./vector";
export * from "./matmul";
export * from "./adafactor";
