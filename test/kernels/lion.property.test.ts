// The Lion kernels against the paper's update written as a scalar loop. The random buffers
// hold exact zeros in m and g, so b1*m + (1-b1)*g = 0 (sign 0) is hit in most runs.
import fc from "fast-check";
import { describe } from "vitest";
import { lionReference, type LionScalars } from "../reference/lion.js";
import { scalar } from "../helpers/arbitraries.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

const scalars: fc.Arbitrary<LionScalars> = fc.record({
  lr: scalar(1e-6, 1e-1),
  beta1: scalar(0, 0.999),
  beta2: scalar(0, 0.9999),
  weightDecay: fc.oneof(fc.constant(0), scalar(1e-4, 10)),
  sign: fc.constantFrom(1, -1),
});

describe("Lion kernels", () => {
  itMatchesReference({
    name: "lion",
    scalars,
    reference: (r, b, s) => lionReference(r, b.p, b.g, b.m, s),
  });
});
