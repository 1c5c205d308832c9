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

/** The option set of the `plain` specialisation: no L2 term, not maximizing (decay stays: AdamW). */
const plainScalars = scalars.map((s) => ({ ...s, weightDecay: 0, sign: 1 }));

describe("Adam / AdamW kernels", () => {
  for (const amsgrad of [false, true]) {
    for (const plain of [false, true]) {
      itMatchesReference({
        name: "adam",
        variant: `amsgrad=${amsgrad} plain=${plain}`,
        flags: { amsgrad: +amsgrad as 0 | 1, plain: +plain as 0 | 1 },
        squares: ["v", "vmax"],
        scalars: plain ? plainScalars : scalars,
        reference: (r, b, s) => adamReference(r, b.p, b.g, b.m, b.v, amsgrad ? b.vmax : null, s, plain),
      });
    }
  }
});
