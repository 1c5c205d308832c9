// The Schedule-Free kernels (SGD and AdamW steps; train()'s y from x and z) against their
// scalar reference; c = 1 (a param's first step) and c = 0 are drawn often.
import fc from "fast-check";
import { describe } from "vitest";
import { interpolateReference, scheduleFreeReference, type ScheduleFreeScalars } from "../reference/schedulefree.js";
import { scalar } from "../helpers/arbitraries.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

const scalars: fc.Arbitrary<ScheduleFreeScalars> = fc.record({
  lr: scalar(1e-5, 2),
  weightDecay: fc.oneof(fc.constant(0), scalar(1e-5, 0.1)),
  c: fc.oneof(fc.constant(1), fc.constant(0), scalar(1e-4, 1)),
  beta: scalar(0, 0.999),
  beta2: scalar(0, 0.9999),
  bc2: fc.oneof(fc.constant(1), scalar(1e-4, 1)),
  eps: scalar(1e-12, 1e-3),
});

describe("Schedule-Free kernels", () => {
  itMatchesReference({
    name: "scheduleFree",
    variant: "SGD (v untouched)",
    flags: { adam: 0 },
    squares: ["v"],
    scalars,
    reference: (r, b, s) => scheduleFreeReference(r, b.y, b.g, b.z, b.x, null, s),
  });
  itMatchesReference({
    name: "scheduleFree",
    variant: "AdamW",
    flags: { adam: 1 },
    squares: ["v"],
    scalars,
    reference: (r, b, s) => scheduleFreeReference(r, b.y, b.g, b.z, b.x, b.v, s),
  });
  itMatchesReference({
    name: "scheduleFreeY",
    variant: "(train(): y = beta*x + (1-beta)*z)",
    scalars: fc.record({ beta: scalar(0, 0.999) }),
    reference: (r, b, { beta }) => b.y.forEach((_, i) => (b.y[i] = interpolateReference(r, b.x[i]!, b.z[i]!, beta))),
  });
});
