// Types of checkpoint-fuzz.mjs.
import type fc from "fast-check";
import type * as api from "../../src/index.js";

export interface FuzzResult {
  runs: number;
  /** At most 20, described: the scenario, the mutation and what went wrong. */
  failures: string[];
  loads: number;
  refusals: number;
  /** The slowest load or refusal, ms. */
  maxMs: number;
  ms: number;
}

/** Runs `runs` seeded mutations of real checkpoints (both forms) against twins of their optimizers. */
export function fuzzCheckpoints(library: typeof api, check: typeof fc, options: { runs: number; seed: number }): FuzzResult;
