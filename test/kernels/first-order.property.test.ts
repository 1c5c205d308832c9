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
  // plain: torch's defaults (no weight decay, not maximizing, no dampening)
  const plainScalars = scalars.map((s) => ({ ...s, sign: 1, weightDecay: 0, oneMinusDampening: 1 }));
  for (const [kind, variant] of [
    [0, "no momentum"],
    [1, "momentum"],
    [2, "nesterov"],
  ] as const) {
    for (const plain of [false, true]) {
      itMatchesReference({
        name: "sgd",
        variant: `${variant} plain=${plain}`,
        flags: { kind, plain: +plain as 0 | 1 },
        scalars: plain ? plainScalars : scalars,
        reference: (r, b, s) => sgdReference(r, b.p, b.g, kind === 0 ? null : b.buf, kind === 2, s, plain),
      });
    }
  }
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
  const plainScalars = scalars.map((s) => ({ ...s, weightDecay: 0, sign: 1 }));
  for (const centered of [false, true]) {
    for (const momentum of [false, true]) {
      for (const plain of [false, true]) {
        itMatchesReference({
          name: "rmsprop",
          variant: `centered=${centered} momentum=${momentum} plain=${plain}`,
          flags: { centered: +centered as 0 | 1, withMomentum: +momentum as 0 | 1, plain: +plain as 0 | 1 },
          squares: ["v"],
          scalars: plain ? plainScalars : scalars,
          reference: (r, b, s) => rmspropReference(r, b.p, b.g, b.v, centered ? b.gavg : null, momentum ? b.buf : null, s, plain),
        });
      }
    }
  }
});
