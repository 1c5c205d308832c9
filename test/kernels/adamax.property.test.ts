// The Adamax kernels against their scalar reference (see ../helpers/kernel-check.ts).
import fc from "fast-check";
import { describe } from "vitest";
import { adamaxReference, type AdamaxScalars } from "../reference/adamax.js";
import { scalar } from "../helpers/arbitraries.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

const scalars: fc.Arbitrary<AdamaxScalars> = fc.record({
  clr: scalar(1e-5, 1),
  beta1: scalar(0, 0.999),
  beta2: scalar(0, 0.9999),
  eps: scalar(1e-12, 1e-3),
  weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)),
  sign: fc.constantFrom(1, -1),
});

describe("Adamax kernels", () => {
  itMatchesReference({
    name: "adamax",
    squares: ["u"],
    scalars,
    reference: (r, b, s) => adamaxReference(r, b.p, b.g, b.m, b.u, s),
  });
});
