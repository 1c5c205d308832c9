// The end of the module's static data (e.g. the lookup tables behind Math.pow): the
// TypeScript allocator (src/runtime/allocator.ts) hands out memory only above it.
export function heapBase(): usize {
  return __heap_base;
}
