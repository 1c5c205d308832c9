import fc from "fast-check";
import { describe } from "vitest";
import { adamReference, type AdamScalars } from "../reference/adam.js";
import { scalar } from "../helpers/arbitraries.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

const scalars: fc.Arbitrary<AdamScalars> = fc.record({
  stepSize: scalar(1e-5, 1),
  beta1: scalar(0, 0.999),
  beta2: scalar(0, 0.9999),
  bc2sqrt: scalar(1e-3, 1),
  eps: scalar(1e-12, 1e-3),
  weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)),
  decay: fc.oneof(fc.constant(1), scalar(0.9, 1)),
  sign: fc.constantFrom(1, -1),
});

describe("Adam / AdamW kernels", () => {
  itMatchesReference({
    name: "adam",
    flags: { amsgrad: 0 },
    squares: ["v", "vmax"],
    scalars,
    reference: (r, b, s) => adamReference(r, b.p, b.g, b.m, b.v, null, s),
  });
  itMatchesReference({
    name: "adam",
    variant: "amsgrad",
    flags: { amsgrad: 1 },
    squares: ["v", "vmax"],
    scalars,
    reference: (r, b, s) => adamReference(r, b.p, b.g, b.m, b.v, b.vmax, s),
  });
});
