// The Rprop kernels against torch 1.13's update as a scalar loop. The random buffers hold
// exact zeros in g and prev (factor 1, no move) and both signs (factor etaplus, and etaminus
// with the gradient zeroed).
import fc from "fast-check";
import { describe } from "vitest";
import { rpropReference, type RpropScalars } from "../reference/rprop.js";
import { scalar } from "../helpers/arbitraries.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

const scalars: fc.Arbitrary<RpropScalars> = fc.record({
  etaminus: scalar(1e-3, 0.999),
  etaplus: scalar(1.001, 3),
  stepSizeMin: fc.oneof(fc.constant(0), scalar(1e-8, 1e-3)),
  stepSizeMax: scalar(1e-3, 100),
  sign: fc.constantFrom(1, -1),
});

describe("Rprop kernels", () => {
  itMatchesReference({
    name: "rprop",
    squares: ["stepSize"],
    scalars,
    reference: (r, b, s) => rpropReference(r, b.p, b.g, b.prev, b.stepSize, s),
  });
});
