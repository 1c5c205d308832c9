// The RAdam kernels (momentum step and rectified step) against their scalar reference.
import fc from "fast-check";
import { describe } from "vitest";
import { radamReference, type RAdamScalars } from "../reference/radam.js";
import { scalar } from "../helpers/arbitraries.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

const scalars: fc.Arbitrary<RAdamScalars> = fc.record({
  step: scalar(1e-5, 1).map((x) => -x),
  beta1: scalar(0, 0.999),
  beta2: scalar(0, 0.9999),
  eps: scalar(1e-12, 1e-3),
  weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)),
  decay: fc.oneof(fc.constant(1), scalar(0.9, 1)),
  sign: fc.constantFrom(1, -1),
});

describe("RAdam kernels", () => {
  for (const rectified of [false, true]) {
    for (const plain of [false, true]) {
      itMatchesReference({
        name: "radam",
        variant: `${rectified ? "rectified" : "momentum step"} plain=${plain}`,
        flags: { rectified: +rectified as 0 | 1, plain: +plain as 0 | 1 },
        squares: ["v"],
        // plain: no L2 term, not maximizing (decay stays: decoupled weight decay)
        scalars: plain ? scalars.map((s) => ({ ...s, weightDecay: 0, sign: 1 })) : scalars,
        reference: (r, b, s) => radamReference(r, b.p, b.g, b.m, b.v, s, rectified, plain),
      });
    }
  }
});
