// The module's whole surface: every kernel, f32 and f64. Kernels take byte pointers into
// the imported memory, an element count and float64 scalars; they never allocate.
export * from "./sgd";
export * from "./adam";
export * from "./adagrad";
export * from "./rmsprop";
export * from "./adamax";
export * from "./nadam";
export * from "./radam";
export * from "./adadelta";
export * from "./lion";
export * from "./schedulefree";
export * from "./accumulate";
export * from "./layout";
export * from "./vector";
