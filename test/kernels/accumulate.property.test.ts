// The gradient-accumulation kernels against their scalar reference.
import fc from "fast-check";
import { describe } from "vitest";
import { accumulateReference } from "../reference/accumulate.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

describe("gradient accumulation kernels", () => {
  itMatchesReference({
    name: "accumulate", buffers: ["acc", "g"], scalars: fc.constant(0), args: () => [],
    reference: (r, b) => accumulateReference(r, b.acc!, b.g!, 1, false),
  });
  itMatchesReference({
    name: "accumulateMean", buffers: ["acc", "g"], scalars: fc.integer({ min: 2, max: 64 }), args: (k) => [k],
    reference: (r, b, k) => accumulateReference(r, b.acc!, b.g!, k, true),
  });
});
