// The NAdam kernels against their scalar reference (L2 or decoupled decay, maximize).
import fc from "fast-check";
import { describe } from "vitest";
import { nadamReference, type NAdamScalars } from "../reference/nadam.js";
import { scalar } from "../helpers/arbitraries.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

const scalars: fc.Arbitrary<NAdamScalars> = fc.record({
  gradStep: scalar(1e-5, 1).map((x) => -x),
  momStep: scalar(1e-5, 10).map((x) => -x),
  beta1: scalar(0, 0.999),
  beta2: scalar(0, 0.9999),
  bc2: scalar(1e-4, 1),
  eps: scalar(1e-12, 1e-3),
  weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)),
  decay: fc.oneof(fc.constant(1), scalar(0.9, 1)),
  sign: fc.constantFrom(1, -1),
});

describe("NAdam kernels", () => {
  for (const plain of [false, true]) {
    itMatchesReference({
      name: "nadam",
      variant: `plain=${plain}`,
      flags: { plain: +plain as 0 | 1 },
      squares: ["v"],
      // plain: no L2 term, not maximizing (decay stays: decoupled weight decay)
      scalars: plain ? scalars.map((s) => ({ ...s, weightDecay: 0, sign: 1 })) : scalars,
      reference: (r, b, s) => nadamReference(r, b.p, b.g, b.m, b.v, s, plain),
    });
  }
});
