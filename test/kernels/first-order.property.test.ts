// SGD, Adagrad and RMSprop kernels against their scalar references.
import fc from "fast-check";
import { describe } from "vitest";
import { sgdReference, type SGDScalars } from "../reference/sgd.js";
import { adagradReference, type AdagradScalars } from "../reference/adagrad.js";
import { rmspropReference, type RMSpropScalars } from "../reference/rmsprop.js";
import { scalar } from "../helpers/arbitraries.js";
import { itMatchesReference } from "../helpers/kernel-check.js";

const sign = fc.constantFrom(1, -1);
const decay = fc.oneof(fc.constant(0), scalar(1e-5, 0.1));

describe("SGD kernels", () => {
  const scalars: fc.Arbitrary<SGDScalars> = fc.record({
    lr: scalar(1e-5, 1),
    sign,
    weightDecay: decay,
    bufMomentum: fc.oneof(fc.constant(0), scalar(0, 0.999)),
    oneMinusDampening: fc.oneof(fc.constant(1), scalar(0, 1)),
    momentum: scalar(0, 0.999),
  });
  itMatchesReference({
    name: "sgd",
    variant: "plain",
    flags: { kind: 0 },
    scalars,
    reference: (r, b, s) => sgdReference(r, b.p, b.g, null, false, s),
  });
  itMatchesReference({
    name: "sgd",
    variant: "momentum",
    flags: { kind: 1 },
    scalars,
    reference: (r, b, s) => sgdReference(r, b.p, b.g, b.buf, false, s),
  });
  itMatchesReference({
    name: "sgd",
    variant: "nesterov",
    flags: { kind: 2 },
    scalars,
    reference: (r, b, s) => sgdReference(r, b.p, b.g, b.buf, true, s),
  });
});

describe("Adagrad kernel", () => {
  const scalars: fc.Arbitrary<AdagradScalars> = fc.record({ clr: scalar(1e-5, 1), eps: scalar(1e-12, 1e-3), weightDecay: decay, sign });
  itMatchesReference({
    name: "adagrad",
    squares: ["sum"],
    scalars,
    reference: (r, b, s) => adagradReference(r, b.p, b.g, b.sum, s),
  });
});

describe("RMSprop kernels", () => {
  const scalars: fc.Arbitrary<RMSpropScalars> = fc.record({
    lr: scalar(1e-5, 1),
    alpha: scalar(0, 0.999),
    eps: scalar(1e-12, 1e-3),
    weightDecay: decay,
    momentum: scalar(0, 0.99),
    sign,
  });
  for (const [centered, momentum] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    itMatchesReference({
      name: "rmsprop",
      variant: `centered=${centered} momentum=${momentum}`,
      flags: { centered: +centered as 0 | 1, withMomentum: +momentum as 0 | 1 },
      squares: ["v"],
      scalars,
      reference: (r, b, s) => rmspropReference(r, b.p, b.g, b.v, centered ? b.gavg : null, momentum ? b.buf : null, s),
    });
  }
});
