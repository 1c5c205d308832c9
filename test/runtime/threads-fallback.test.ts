// src/runtime/threads.ts FallBack: the decision, call by call, whether a split call pays, fed
// with made-up times (no threads, no clock): a stall sends the next calls to one thread for
// LOSS_FACTOR times the time it lost, splitting that pays is kept, and whatever the pattern of
// stalls, the calls take at most ~1/0.95 of the time they would take on one thread.
import { describe, expect, it } from "vitest";
import { FallBack, LOSS_FACTOR, ONE_THREAD, PROBE_EVERY, SPLIT, TIMED } from "../../src/runtime/threads.js";
import { lcg } from "../helpers/random.js";

const KEY = 7;
const N = 1e5;
/** One thread: 40 µs a call (0.4 ns an element). */
const SINGLE_MS = 0.04;

/**
 * Runs `calls` calls through a FallBack whose split calls take `split(i)` ms (i: the call's
 * index) and whose one-thread calls take SINGLE_MS; returns the total time and the number of
 * calls run on one thread.
 */
function simulate(calls: number, split: (i: number, cold: boolean) => number, fb = new FallBack()) {
  let total = 0;
  let oneThread = 0;
  let previousSplit = false;
  for (let i = 0; i < calls; i++) {
    const how = fb.decide(KEY, N);
    if (how === SPLIT) {
      const ms = split(i, !previousSplit);
      fb.split(KEY, N, ms);
      total += ms;
      previousSplit = true;
    } else {
      if (how === TIMED) fb.oneThread(KEY, N, SINGLE_MS);
      total += SINGLE_MS;
      oneThread++;
      previousSplit = false;
    }
  }
  return { total, oneThread };
}

describe("FallBack", () => {
  it("measures one thread first, then splits; when splitting pays, one call in PROBE_EVERY runs on one thread", () => {
    const fb = new FallBack();
    expect(fb.decide(KEY, N)).toBe(TIMED); // no estimate yet
    fb.oneThread(KEY, N, SINGLE_MS);
    expect(fb.estimate(KEY, N)).toBeCloseTo(SINGLE_MS, 12);
    const { oneThread } = simulate(100 * PROBE_EVERY, () => 0.6 * SINGLE_MS, fb);
    expect(oneThread).toBe(100);
  });

  it("after a stall, runs on one thread for LOSS_FACTOR times what it lost (and the cold call's allowance), then splits again", () => {
    const fb = new FallBack();
    fb.oneThread(KEY, N, SINGLE_MS);
    fb.split(KEY, N, 0.6 * SINGLE_MS); // cold call: its saving is not counted (charged only above the allowance)
    fb.split(KEY, N, 0.6 * SINGLE_MS); // saved 0.016 ms
    const stall = 5; // ms: a worker preempted holding a chunk
    fb.split(KEY, N, stall);
    const lost = stall - SINGLE_MS - 0.4 * SINGLE_MS;
    const allowance = 1.5 * SINGLE_MS + 0.02;
    const owed = LOSS_FACTOR * (lost + allowance - SINGLE_MS);
    let calls = 0;
    while (fb.decide(KEY, N) === ONE_THREAD) calls++;
    expect(calls).toBe(Math.ceil(owed / SINGLE_MS - 1e-9));
  });

  it("charges the first split call after one-thread calls only for the time above 1.5x the estimate + 20 µs", () => {
    const fb = new FallBack();
    fb.oneThread(KEY, N, SINGLE_MS);
    fb.split(KEY, N, 1.5 * SINGLE_MS + 0.019); // cold: within the allowance
    expect(fb.decide(KEY, N)).toBe(SPLIT);
    fb.split(KEY, N, 1.4 * SINGLE_MS); // warm: 0.4x lost
    expect(fb.decide(KEY, N)).toBe(ONE_THREAD);
  });

  it("drops its estimate to a faster one-thread call at once and raises it by at most a quarter a call", () => {
    const fb = new FallBack();
    fb.oneThread(KEY, N, 4.4); // the first step: page faults of new state
    fb.oneThread(KEY, N, SINGLE_MS);
    expect(fb.estimate(KEY, N)).toBeCloseTo(SINGLE_MS, 12);
    fb.oneThread(KEY, N, 100 * SINGLE_MS); // preempted
    expect(fb.estimate(KEY, N)).toBeCloseTo(1.25 * SINGLE_MS, 12);
    fb.oneThread(KEY, N, 1.1 * SINGLE_MS);
    expect(fb.estimate(KEY, N)).toBeCloseTo(1.1 * SINGLE_MS, 12);
  });

  // the worst cases for the fall-back: split calls that are a bit slower (never enough to
  // notice at once), stalls of every size at every rate, cold calls at the allowance
  const patterns: [string, (rand: () => number) => (i: number, cold: boolean) => number][] = [
    ["every split call 1.2x slower", () => () => 1.2 * SINGLE_MS],
    ["cold calls at the allowance (1.5x + 20 µs), the others 1.05x", () => (_, cold) => (cold ? 1.5 * SINGLE_MS + 0.02 : 1.05 * SINGLE_MS)],
    ...[0.001, 0.01, 0.05, 0.2].flatMap((rate) =>
      [0.1, 1, 10].map((stall): [string, (rand: () => number) => (i: number, cold: boolean) => number] => [
        `a ${stall} ms stall in ${rate * 100} % of split calls, the others 0.6x`,
        (rand) => () => (Math.abs(rand()) < rate ? stall : 0.6 * SINGLE_MS),
      ]),
    ),
  ];
  for (const [what, make] of patterns) {
    it(`with ${what}, the calls take at most 1/0.95 of the time on one thread`, () => {
      const calls = 200_000;
      const { total } = simulate(calls, make(lcg(20261201)));
      expect(total / (calls * SINGLE_MS)).toBeLessThanOrEqual(1 / 0.95);
    });
  }
});
