// The gradient-accumulation kernels against their scalar reference.
import fc from "fast-check";
import { describe } from "vitest";
import { accumulateReference } from "../reference/accumulate.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

describe("gradient accumulation kernels", () => {
  itMatchesReference({
    name: "accumulate",
    scalars: fc.constant({}),
    reference: (r, b) => accumulateReference(r, b.acc, b.g, 1, false),
  });
  itMatchesReference({
    name: "accumulateMean",
    scalars: fc.record({ k: fc.integer({ min: 2, max: 64 }) }),
    reference: (r, b, { k }) => accumulateReference(r, b.acc, b.g, k, true),
  });
});
