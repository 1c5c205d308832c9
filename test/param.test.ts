// Param and the memory underneath: zero-copy views that survive growth, the allocator's
// reuse, dispose, and the copy path for callers that keep their own arrays.
import { describe, expect, it } from "vitest";
import { Adam, heapStats, InvalidOptionError, Param, sharedMemory, SGD, StateError, memory } from "../src/index.js";

describe("Param", () => {
  it("copies initial values in once and picks the dtype from the array", () => {
    const a = Param.from(new Float32Array([1, 2, 3]));
    const b = Param.from(new Float64Array([0.1, 0.2]));
    const c = Param.from([0.1, 0.2, 0.3]);
    expect([a.dtype, b.dtype, c.dtype]).toEqual(["float32", "float64", "float32"]);
    expect(Array.from(a.data)).toEqual([1, 2, 3]);
    expect(b.data[0]).toBe(0.1);
    expect(c.data[0]).toBe(Math.fround(0.1));
    expect(Array.from(c.grad)).toEqual([0, 0, 0]);
    const d = Param.from([1, 2], { dtype: "float64" });
    expect(d.data).toBeInstanceOf(Float64Array);
    for (const p of [a, b, c, d]) p.dispose();
  });

  it("data and grad are views into the wasm memory (zero copy)", () => {
    const p = Param.from(new Float32Array([1, 2, 3, 4, 5]));
    expect(p.data.buffer).toBe(memory.buffer);
    expect(p.grad.buffer).toBe(memory.buffer);
    expect(p.data.byteOffset % 64).toBe(0);
    p.grad.set([1, 1, 1, 1, 1]);
    new SGD([p], { lr: 0.5 }).step();
    expect(Array.from(p.data)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5]);
    p.dispose();
  });

  // without shared memory growth detaches them: test/hardening/unshared-memory.test.ts
  it.runIf(sharedMemory)("views taken before the memory grows stay valid (shared memory)", () => {
    const p = Param.from(new Float32Array([1, 2, 3]));
    const data = p.data;
    const before = memory.buffer.byteLength;
    const big = new Param(8 * 1024 * 1024); // 64 MiB of data + grad: forces growth
    expect(memory.buffer.byteLength).toBeGreaterThan(before);
    data[1] = 42;
    expect(p.data[1]).toBe(42);
    expect(data.length).toBe(3);
    big.dispose();
    p.dispose();
  });

  it("size 0 and 1 work; bad sizes and dtypes are typed errors", () => {
    const z = new Param(0);
    const one = Param.from([3]);
    one.grad[0] = 1;
    new Adam([z, one], { lr: 0.1 }).step();
    expect(z.data.length).toBe(0);
    expect(one.data[0]).toBeCloseTo(2.9, 6);
    for (const bad of [-1, 1.5, NaN, "3"]) expect(() => new Param(bad as number)).toThrow(InvalidOptionError);
    expect(() => new Param(3, { dtype: "float16" as "float32" })).toThrow(/dtype/);
    z.dispose();
    one.dispose();
  });

  it("dispose frees the memory for reuse; a disposed Param throws on use", () => {
    const start = heapStats();
    const p = new Param(1000);
    const top = heapStats().top;
    p.dispose();
    p.dispose(); // idempotent
    expect(p.disposed).toBe(true);
    expect(() => p.data).toThrow(StateError);
    const q = new Param(1000);
    expect(heapStats().top).toBe(top); // reused, not appended
    expect(Array.from(q.data.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    q.dispose();
    expect(heapStats().liveBytes).toBe(start.liveBytes);
  });

  it("reused memory is zero-filled, whatever was there before", () => {
    const p = new Param(100);
    p.data.fill(7);
    p.grad.fill(7);
    p.dispose();
    const q = new Param(100);
    expect(q.data.every((x) => x === 0) && q.grad.every((x) => x === 0)).toBe(true);
    q.dispose();
  });

  it("Param.wrap steps the caller's own arrays exactly like the zero-copy path", () => {
    const init = Float32Array.from({ length: 37 }, (_, i) => Math.sin(i));
    const grad = Float32Array.from({ length: 37 }, (_, i) => Math.cos(3 * i));
    const mine = { data: init.slice(), grad: grad.slice() };
    const wrapped = Param.wrap(mine.data, mine.grad);
    const native = Param.from(init);
    native.grad.set(grad);
    const a = new Adam([wrapped], { lr: 0.01, weightDecay: 0.1 });
    const b = new Adam([native], { lr: 0.01, weightDecay: 0.1 });
    for (let t = 0; t < 5; t++) {
      a.step();
      b.step();
    }
    expect(wrapped.data).toBe(mine.data);
    expect(Array.from(mine.data)).toEqual(Array.from(native.data));
    expect(Array.from(mine.grad)).toEqual(Array.from(grad)); // the gradient is never written
    expect(() => Param.wrap(new Float32Array(3), new Float32Array(2))).toThrow(InvalidOptionError);
    expect(() => Param.wrap(new Float32Array(3), new Float64Array(3) as unknown as Float32Array)).toThrow(/grad/);
    wrapped.dispose();
    native.dispose();
  });
});

describe("shapes", () => {
  it("Param.from(values, { shape }) and new Param(shape) keep the shape; the size is its product", () => {
    const p = Param.from([1, 2, 3, 4, 5, 6], { shape: [2, 3] });
    expect(p.shape).toEqual([2, 3]);
    expect(p.size).toBe(6);
    const q = new Param([4, 2, 3], { dtype: "float64" });
    expect(q.shape).toEqual([4, 2, 3]);
    expect(q.size).toBe(24);
    expect(q.data.length).toBe(24);
    expect(new Param(5).shape).toEqual([5]);
    expect(new Param([0, 3]).size).toBe(0);
    expect(() => ((p.shape as number[])[0] = 3)).toThrow(TypeError); // frozen
    for (const x of [p, q]) x.dispose();
  });

  it("a non-integer, negative or mismatched shape is refused, naming the value", () => {
    expect(() => Param.from([1, 2, 3], { shape: [2, 2] })).toThrow(/shape.*4|product.*3/);
    expect(() => new Param([2, 1.5])).toThrow(/shape\[1\].*1\.5/);
    expect(() => new Param([-1, 2])).toThrow(/shape\[0\].*-1/);
    expect(() => new Param(6, { shape: [4] })).toThrow(InvalidOptionError);
    expect(() => new Param([2, 3], { shape: [3, 3] })).toThrow(/options\.shape/);
    expect(() => Param.from([1], { shape: "1" as unknown as number[] })).toThrow(InvalidOptionError);
    expect(new Param([2, 3], { shape: [3, 2] }).shape).toEqual([2, 3]); // the first argument wins; same size is fine
  });
});
