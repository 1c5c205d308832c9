/// <reference types="vite/client" />
// The property test of every kernel whose scalar reference registers itself: a module of
// test/reference/ that exports `kernelSpecs` (the kernel's name, flags and scalar ranges beside
// the reference itself) is picked up here, so adding an update rule needs no test file of its
// own (CONTRIBUTING.md, "Adding an optimizer"). Each spec runs through itMatchesReference:
// bit for bit, lengths 0..2000, float32 and float64, 4 alignments, guards around every buffer.
import { describe, expect, it } from "vitest";
import { itMatchesReference, type KernelSpec } from "../helpers/kernel-check.js";

type AnySpec = KernelSpec<never, never>;
const modules = import.meta.glob<{ kernelSpecs?: readonly AnySpec[] }>("../reference/*.ts", { eager: true });

describe("the glob finds the references", () => {
  it("every module of test/reference/ is loaded", () => {
    expect(Object.keys(modules).length).toBeGreaterThan(5);
  });
});

for (const [path, module] of Object.entries(modules)) {
  const specs = module.kernelSpecs ?? [];
  if (specs.length === 0) continue;
  describe(path.replace("../reference/", "test/reference/"), () => {
    for (const spec of specs) itMatchesReference(spec);
  });
}
