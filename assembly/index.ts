// The module's whole surface: every kernel, f32 and f64. Kernels take byte pointers into
// the imported memory, an element count and float64 scalars; they never allocate.
export * from "./sgd";
export * from "./adam";
export * from "./adagrad";
export * from "./rmsprop";
export * from "./vector";
