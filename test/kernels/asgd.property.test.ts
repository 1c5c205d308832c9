// The ASGD kernels against torch 1.13's update as a scalar loop, with and without averaging.
import fc from "fast-check";
import { describe } from "vitest";
import { asgdReference, type ASGDScalars } from "../reference/asgd.js";
import { scalar } from "../helpers/arbitraries.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

const scalars: fc.Arbitrary<ASGDScalars> = fc.record({
  eta: scalar(1e-6, 1),
  decay: scalar(0.9, 1),
  mu: scalar(1e-6, 1),
  weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)),
  sign: fc.constantFrom(1, -1),
});

describe("ASGD kernels", () => {
  for (const average of [0, 1] as const) {
    itMatchesReference({
      name: "asgd",
      variant: average ? "averaging" : "ax = p",
      flags: { average },
      scalars,
      reference: (r, b, s) => asgdReference(r, b.p, b.g, b.ax, s, average === 1),
    });
  }
});
