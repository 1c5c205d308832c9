// Leaks on the failure path (issue 11, item 12): running out of wasm memory at any allocation of
// minimize (L-BFGS, L-BFGS-B, Newton), of an LBFGS step or of a first-order step releases exactly
// what was allocated, once, and the OutOfMemoryError itself reaches the caller. The allocator is
// made to fail at the k-th allocation, for every k until the run no longer allocates that many.
import { afterEach, describe, expect, it, vi } from "vitest";
import { Adam, heapStats, LBFGS, minimize, OutOfMemoryError, Param, type DType } from "../../src/index.js";
import type * as Allocator from "../../src/runtime/allocator.js";

const inject = vi.hoisted(() => ({ countdown: 0, thrown: null as Error | null }));

vi.mock("../../src/runtime/allocator.js", async (importOriginal) => {
  const original = await importOriginal<typeof Allocator>();
  const { OutOfMemoryError: Oom } = await import("../../src/errors.js");
  /** A SharedBlock whose construction fails when the countdown reaches 0 (every allocation is one). */
  class SharedBlock extends original.SharedBlock {
    constructor(bytes: number) {
      if (inject.countdown > 0 && --inject.countdown === 0) throw (inject.thrown = new Oom(`injected: ${bytes} bytes`));
      super(bytes);
    }
  }
  return { ...original, SharedBlock };
});

/** The injected error, if the countdown reached 0 (read through a call: the run may have set it). */
const injected = (): Error | null => inject.thrown;

afterEach(() => {
  inject.countdown = 0;
  inject.thrown = null;
});

/**
 * Runs `run` with the k-th allocation failing, for k = 1, 2, ... until a run completes: each
 * failing run must throw the injected error and leave the heap as it found it. Returns the
 * number of allocations a complete run makes (at least `atLeast`, so that the test covers them).
 */
function failEachAllocation(run: () => void, atLeast: number): number {
  for (let k = 1; ; k++) {
    const before = heapStats();
    inject.countdown = k;
    inject.thrown = null;
    let error: unknown = null;
    try {
      run();
    } catch (e) {
      error = e;
    }
    const completed = injected() === null;
    inject.countdown = 0;
    if (completed) {
      expect(error).toBeNull();
      expect(k - 1).toBeGreaterThanOrEqual(atLeast);
      return k - 1;
    }
    expect(error, `allocation ${k}`).toBe(inject.thrown);
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(heapStats(), `allocation ${k}`).toEqual(before);
  }
}

/** A scaled quadratic in n dims: L-BFGS keeps growing its history for many iterations. */
function quadratic(x: Float64Array | Float32Array, grad: Float64Array | Float32Array): number {
  let f = 0;
  for (let i = 0; i < x.length; i++) {
    const c = 1 + i;
    f += c * x[i]! * x[i]!;
    grad[i] = 2 * c * x[i]!;
  }
  return f;
}

describe("minimize: out of memory at any allocation", () => {
  const x0 = Array.from({ length: 40 }, (_, i) => Math.cos(i));
  for (const dtype of ["float64", "float32"] as DType[]) {
    it(`L-BFGS (${dtype}), history growth included: the error itself, nothing leaked or freed twice`, () => {
      const start = dtype === "float32" ? Float32Array.from(x0) : Float64Array.from(x0);
      // 5 vectors, then 2 per kept pair up to memory 8: the growth allocations are covered
      const n = failEachAllocation(() => void minimize(quadratic, start as Float64Array, { memory: 8 }), 5 + 2 * 8);
      expect(n).toBeLessThan(100);
    });
  }

  it("L-BFGS-B (bounds): the same", () => {
    failEachAllocation(() => void minimize(quadratic, x0, { bounds: { lower: -0.5 }, memory: 6 }), 6 + 2 * 6);
  });

  it("Newton: the same", () => {
    const hessian = (_x: Float64Array, H: Float64Array) => {
      for (let i = 0; i < x0.length; i++) H[i * x0.length + i] = 2 * (1 + i);
    };
    failEachAllocation(() => void minimize(quadratic, x0, { method: "newton", hessian }), 5);
  });
});

describe("optimizer steps: out of memory at any allocation", () => {
  for (const lineSearch of ["none", "strong_wolfe"] as const) {
    it(`LBFGS (${lineSearch}): a failed step rethrows the error; dispose() then frees everything once`, () => {
      const before = heapStats();
      failEachAllocationOfSteps(() => {
        const x = Param.from([1.5, -0.5, 2, 0.25]);
        const opt = new LBFGS([x], { lineSearch, historySize: 3, maxIter: 12 });
        return { opt, x, closure: () => quadratic(x.data, x.grad) };
      });
      expect(heapStats()).toEqual(before);
    });
  }

  it("Adam over several params: nothing allocated, no state, after any failure", () => {
    for (let k = 1; k <= 6; k++) {
      const ps = [Param.from([1, 2, 3]), Param.from([4]), Param.from([5, 6])];
      for (const p of ps) p.grad.fill(0.5);
      const opt = new Adam(ps, { amsgrad: true });
      const before = heapStats();
      inject.countdown = k;
      let error: unknown = null;
      try {
        opt.step();
      } catch (e) {
        error = e;
      }
      const failed = injected() !== null;
      inject.countdown = 0;
      if (failed) {
        expect(error).toBe(inject.thrown);
        expect(heapStats()).toEqual(before);
        expect(opt.state.size).toBe(0);
        expect(Array.from(ps[0]!.data)).toEqual([1, 2, 3]);
      } else expect(error).toBeNull();
      opt.dispose();
      for (const p of ps) p.dispose();
    }
  });
});

/**
 * LBFGS keeps scratch vectors between steps (freed by dispose): the k-th allocation of a run of
 * two steps fails, the error must be the injected one, and after dispose the heap is as before.
 */
function failEachAllocationOfSteps(make: () => { opt: LBFGS; x: Param; closure: () => number }): void {
  for (let k = 1; k < 200; k++) {
    const before = heapStats();
    const { opt, x, closure } = make();
    inject.countdown = k;
    inject.thrown = null;
    let error: unknown = null;
    try {
      opt.step(closure);
      opt.step(closure);
    } catch (e) {
      error = e;
    }
    const completed = injected() === null;
    inject.countdown = 0;
    if (!completed) expect(error, `allocation ${k}`).toBe(inject.thrown);
    else expect(error).toBeNull();
    opt.dispose();
    x.dispose();
    expect(heapStats(), `allocation ${k}`).toEqual(before);
    if (completed) return;
  }
  throw new Error("more than 200 allocations");
}
