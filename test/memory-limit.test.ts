// Running out of the 4 GiB wasm32 address space is a clear error, and nothing leaks.
// (Its own file: vitest runs each file in a fresh process, and wasm memory never shrinks.)
import { describe, expect, it } from "vitest";
import { heapStats, OutOfMemoryError, Param } from "../src/index.js";

describe("the 4 GiB limit", () => {
  it("a Param larger than the address space throws OutOfMemoryError before allocating", () => {
    const before = heapStats();
    expect(() => new Param(2 ** 30)).toThrow(OutOfMemoryError); // 4 GiB of data + 4 GiB of grad
    expect(() => new Param(2 ** 30, { dtype: "float64" })).toThrow(/4 GiB/);
    expect(heapStats()).toEqual(before);
  });

  it("when data fits but grad does not, the data block is released again", () => {
    const before = heapStats();
    // 2.5 GiB of data fits, 2 x 2.5 GiB does not
    expect(() => new Param(5 * 2 ** 27)).toThrow(OutOfMemoryError);
    expect(heapStats().liveBytes).toBe(before.liveBytes);
    // and the space is usable afterwards
    const p = new Param(1000);
    p.data[999] = 1;
    expect(p.data[999]).toBe(1);
    p.dispose();
  });
});

describe("a step that runs out of memory", () => {
  it("changes nothing: no param updated, no step counted, no state buffer left behind", async () => {
    const { Adam } = await import("../src/index.js");
    const small = Param.from(new Float32Array(8));
    const big = new Param(300_000_000); // 2.4 GB of data + grad; Adam's moments would need 2.4 GB more
    small.grad.fill(1); // read after the growth (without shared memory a view read before it is detached)
    const opt = new Adam([small, big], { lr: 1e-3 });
    const before = heapStats();
    expect(() => opt.step()).toThrow(OutOfMemoryError);
    expect(Array.from(small.data)).toEqual(new Array(8).fill(0));
    expect(opt.state.size).toBe(0);
    expect(heapStats().liveBytes).toBe(before.liveBytes);
    // freeing the big param makes the same optimizer usable, from a clean first step
    big.requiresGrad = false;
    small.grad.fill(1); // the failed step may have grown the memory: read the view again
    opt.step();
    expect(opt.state.get(small)!.step).toBe(1);
    expect(small.data[0]).toBeCloseTo(-1e-3, 9);
  });
});
