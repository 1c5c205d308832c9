// The Adadelta kernels against their scalar reference.
import fc from "fast-check";
import { describe } from "vitest";
import { adadeltaReference, type AdadeltaScalars } from "../reference/adadelta.js";
import { scalar } from "../helpers/arbitraries.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

const scalars: fc.Arbitrary<AdadeltaScalars> = fc.record({
  lr: scalar(1e-3, 2),
  rho: scalar(0, 1),
  eps: scalar(1e-10, 1e-2),
  weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)),
  sign: fc.constantFrom(1, -1),
});

describe("Adadelta kernels", () => {
  itMatchesReference({
    name: "adadelta",
    squares: ["v", "acc"],
    scalars,
    reference: (r, b, s) => adadeltaReference(r, b.p, b.g, b.v, b.acc, s),
  });
});
