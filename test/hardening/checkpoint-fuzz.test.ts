// Mutated real checkpoints (issue 11, "How it is shown"): a seeded fast-check fuzz of saveState
// bytes and stateDict JSON of several optimizers with schedulers and wrappers attached (the
// mutations and the property: test/helpers/checkpoint-fuzz.mjs). Each one loads whole or is
// refused with a typed error and a code, changing nothing. `npm run fuzz` runs 10,000.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { fuzzCheckpoints } from "../helpers/checkpoint-fuzz.mjs";

describe("fuzzed checkpoints", () => {
  it("400 seeded mutations of real checkpoints: a whole load or a typed refusal that changes nothing", () => {
    const r = fuzzCheckpoints(api, fc, { runs: 400, seed: 20261201 });
    expect(r.failures).toEqual([]);
    // the mutations reach both outcomes (not only the CRC check)
    expect(r.loads).toBeGreaterThan(20);
    expect(r.refusals).toBeGreaterThan(100);
    expect(r.maxMs).toBeLessThan(2000); // a hang guard: untrusted sizes cost work in proportion to the optimizer
  });
});
