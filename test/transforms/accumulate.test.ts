// Gradient accumulation: every k-th micro-batch steps with the mean ((g1 + g2) + ... + gk) / k
// (rounded in the param's dtype after each operation), which must equal stepping a twin
// optimizer on that mean computed in plain TypeScript, bit for bit.
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { accumulateGradients, Param, SGD, Adam } from "../../src/index.js";

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

describe("accumulateGradients", () => {
  for (const every of [1, 2, 3, 5]) {
    it(`every ${every}: steps on the mean of ${every} micro-batches, like a twin optimizer given the mean`, () => {
      const mk = () => [
        Param.from(Float32Array.from({ length: 37 }, (_, i) => i / 10)),
        Param.from(Float64Array.from({ length: 3 }, (_, i) => -i)),
      ];
      const a = mk(),
        b = mk();
      const optA = new Adam(a, { lr: 0.01 }),
        optB = new Adam(b, { lr: 0.01 });
      const acc = accumulateGradients(optA, every);
      let micro = 0;
      for (let step = 0; step < 4; step++) {
        const sums = b.map((p) => new Float64Array(p.size));
        for (let j = 0; j < every; j++) {
          micro++;
          a.forEach((p, k) => p.grad.set(Array.from({ length: p.size }, (_, i) => Math.sin(micro * 13 + i + k * 5) * 10 ** ((i % 5) - 2))));
          a.forEach((p, k) => {
            const r = p.dtype === "float32" ? Math.fround : (x: number) => x;
            for (let i = 0; i < p.size; i++) sums[k]![i] = j === 0 ? p.grad[i]! : r(sums[k]![i]! + p.grad[i]!);
          });
          const stepped = acc.step();
          expect(stepped).toBe(j === every - 1);
          expect(acc.pending).toBe(stepped ? 0 : j + 1);
        }
        b.forEach((p, k) => {
          const r = p.dtype === "float32" ? Math.fround : (x: number) => x;
          p.grad.set(sums[k]!.map((s) => r(s / every)));
        });
        optB.step();
        expect(same(api.saveParams(a), api.saveParams(b))).toBe(true);
        a.forEach((p, k) => expect(Array.from(p.grad)).toEqual(Array.from(b[k]!.grad)));
      }
      acc.dispose();
      expect(optA.attachments).toHaveLength(0);
    });
  }

  it("reset drops pending micro-batches; bad arguments are typed errors", () => {
    const p = Param.from([1, 2]);
    const opt = new SGD([p], { lr: 1 });
    const acc = accumulateGradients(opt, 2);
    p.grad.set([100, 100]);
    acc.step();
    acc.reset();
    p.grad.set([1, 1]);
    acc.step();
    p.grad.set([3, 3]);
    expect(acc.step()).toBe(true);
    expect(Array.from(p.data)).toEqual([-1, 0]);
    expect(() => accumulateGradients(opt, 0)).toThrow(api.InvalidOptionError);
    expect(() => accumulateGradients({} as unknown as SGD, 2)).toThrow(/target/);
    // a scheduler has an optimizer and a step() too, but stepping it would not step the optimizer
    expect(() => accumulateGradients(new api.ExponentialLR(opt, { gamma: 0.5 }) as unknown as SGD, 2)).toThrow(/target/);
  });
});

describe("accumulateGradients when the optimizer cannot step", () => {
  it("keeps the gradients and the micro-batches held so far; the memory is freed with the optimizer", () => {
    const p = Param.from([1, 2, 3]);
    const opt = new api.AdamWScheduleFree([p]);
    const acc = accumulateGradients(opt, 2);
    p.grad.set([1, 1, 1]);
    acc.step();
    opt.eval();
    p.grad.set([3, 3, 3]);
    expect(() => acc.step()).toThrow(api.StateError);
    expect(Array.from(p.grad)).toEqual([3, 3, 3]);
    expect(acc.pending).toBe(1);
    opt.train();
    expect(acc.step()).toBe(true); // the mean of the two micro-batches
    const live = api.heapStats().liveBytes;
    opt.dispose();
    expect(api.heapStats().liveBytes).toBeLessThan(live - 3 * 4 * 3); // z, x, exp_avg_sq and the sums
  });
});
