// skipNonFinite: a NaN or infinite gradient anywhere skips the whole step with
// params, optimizer state and gradients byte-identical (every configuration of every
// first-order optimizer in test/registry.ts, with and without
// clipping, float32 and float64, wrapped params), counts it, or throws when asked; finite
// gradients step exactly as clipGradNorm + step() would.
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { NonFiniteGradientError, Param, skipNonFinite } from "../../src/index.js";
import { bytesOf, sameBytes as same } from "../helpers/snapshot.js";
import { shapeOf } from "../helpers/shapes.mjs";
import { CONFIGS, infoOf, rankOf, type OptimizerInfo } from "../registry.js";

type Opt = api.Optimizer<object>;

/** Two params (float32 and float64) of `rank` dims (default: the optimizer's, see rankOf) and an optimizer over them. */
function make(info: OptimizerInfo | string, options: Record<string, unknown>, rank?: number) {
  const o = typeof info === "string" ? infoOf(info) : info;
  rank ??= rankOf(o);
  const params = [
    Param.from(
      Float32Array.from({ length: 33 }, (_, i) => Math.sin(i)),
      { shape: shapeOf(33, rank) },
    ),
    Param.from(
      Float64Array.from({ length: 9 }, (_, i) => Math.cos(i)),
      { shape: shapeOf(9, rank) },
    ),
  ];
  const opt = o.make(params, options);
  const fill = (t: number) => params.forEach((p, k) => p.grad.set(Array.from({ length: p.size }, (_, i) => Math.sin(t * 7 + i * 3 + k))));
  return { params, opt, fill };
}

describe("skipNonFinite", () => {
  for (const { info, config, title } of CONFIGS) {
    for (const maxNorm of [undefined, 0.5]) {
      it(`${title}${maxNorm ? " with clipping" : ""}: NaN / +-Infinity in either dtype skips, byte for byte`, () => {
        const { params, opt, fill } = make(info, config.options, rankOf(info, config));
        const guard = skipNonFinite(opt, maxNorm === undefined ? {} : { maxNorm });
        for (let t = 0; t < 3; t++) {
          fill(t);
          guard.step();
        }
        let skipped = 0;
        for (const [k, i, bad] of [
          [0, 0, NaN],
          [0, 32, Infinity],
          [1, 4, -Infinity],
          [1, 8, NaN],
        ] as const) {
          fill(10 + k + i);
          params[k]!.grad[i] = bad;
          const before = bytesOf(params, opt);
          guard.step();
          skipped++;
          expect(same(bytesOf(params, opt), before)).toBe(true);
          expect(guard.skippedSteps).toBe(skipped);
          expect(guard.lastSkipped).toBe(true);
        }
        fill(99);
        guard.step();
        expect(guard.lastSkipped).toBe(false);
        opt.dispose();
        params.forEach((p) => p.dispose());
      });
    }
  }

  it("throw: NonFiniteGradientError, nothing changed, nothing counted", () => {
    const { params, opt, fill } = make("Adam", {});
    const guard = skipNonFinite(opt, { throw: true, maxNorm: 1 });
    fill(1);
    params[1]!.grad[2] = NaN;
    const before = bytesOf(params, opt);
    expect(() => guard.step()).toThrow(NonFiniteGradientError);
    expect(same(bytesOf(params, opt), before)).toBe(true);
    expect(guard.skippedSteps).toBe(0);
  });

  it("with finite gradients, clips and steps exactly as clipGradNorm + step()", () => {
    for (const { info, config, title: name } of CONFIGS) {
      const a = make(info, config.options, rankOf(info, config)),
        b = make(info, config.options, rankOf(info, config));
      const guard = skipNonFinite(a.opt, { maxNorm: 0.3, normType: 2 });
      for (let t = 0; t < 4; t++) {
        a.fill(t);
        b.fill(t);
        guard.step();
        const norm = api.clipGradNorm(b.params, 0.3);
        expect(guard.lastNorm).toBe(norm);
        b.opt.step();
        expect(same(bytesOf(a.params, a.opt), bytesOf(b.params, b.opt)), name).toBe(true);
      }
    }
  });

  it("a float64 sum of squares that overflows is not a skip (finite values; torch's zero coefficient)", () => {
    const p = Param.from(Float64Array.from([1e200, -1e200, 3]));
    const opt = new api.SGD([p], { lr: 0.1 });
    const guard = skipNonFinite(opt, { maxNorm: 1 });
    p.grad.set([1e200, -1e200, 3]);
    guard.step();
    expect(guard.skippedSteps).toBe(0);
    expect(guard.lastNorm).toBe(Infinity);
    expect(Array.from(p.grad)).toEqual([0, -0, 0]);
  });

  it("wrapped params (the caller's arrays): skip, and clipping writes back", () => {
    const data = Float32Array.from([1, 2, 3]),
      grad = Float32Array.from([3, 4, NaN]);
    const p = Param.wrap(data, grad);
    const opt = new api.SGD([p], { lr: 1 });
    const guard = skipNonFinite(opt, { maxNorm: 1 });
    guard.step();
    expect(Array.from(data)).toEqual([1, 2, 3]);
    expect(Array.from(grad)).toEqual([3, 4, NaN]);
    grad[2] = 0;
    guard.step();
    expect(guard.lastNorm).toBe(5);
    const coef = Math.fround(1 / (5 + 1e-6));
    expect(Array.from(grad)).toEqual([Math.fround(3 * coef), Math.fround(4 * coef), 0]);
    expect(Array.from(data)).toEqual([Math.fround(1 - Math.fround(3 * coef)), Math.fround(2 - Math.fround(4 * coef)), 3]);
  });

  it("bad options are typed errors", () => {
    const { opt } = make("SGD", {});
    expect(() => skipNonFinite(opt, { maxNorm: -1 })).toThrow(api.InvalidOptionError);
    expect(() => skipNonFinite(opt, { normType: 0 })).toThrow(/normType/);
    expect(() => skipNonFinite(opt, { throw: "yes" as unknown as boolean })).toThrow(/throw/);
    expect(() => skipNonFinite({} as unknown as Opt)).toThrow(/optimizer/);
    expect(opt.attachments).toHaveLength(0);
  });
});

describe("clipGradNorm / clipGradValue edge cases", () => {
  it("validates its arguments and leaves out frozen params", () => {
    const p = Param.from([3, 4]),
      frozen = Param.from([100], { requiresGrad: false });
    p.grad.set([3, 4]);
    frozen.grad.set([100]);
    expect(() => api.clipGradNorm([p], -1)).toThrow(api.InvalidOptionError);
    expect(() => api.clipGradNorm([p], 1, -2)).toThrow(/normType/);
    expect(() => api.clipGradValue([p], NaN)).toThrow(/clip/);
    expect(() => api.clipGradNorm([p, {} as unknown as Param], 1)).toThrow(/params\[1\]/);
    expect(api.clipGradNorm([p, frozen], 10)).toBe(5);
    expect(Array.from(frozen.grad)).toEqual([100]);
    expect(api.clipGradNorm([], 1)).toBe(0);
    p.grad[0] = NaN;
    expect(() => api.clipGradNorm([p], 1, 2, { errorIfNonfinite: true })).toThrow(NonFiniteGradientError);
    expect(p.grad[1]).toBe(4);
    expect(Number.isNaN(api.clipGradNorm([p], 1))).toBe(true); // as torch: the gradients become NaN
    expect(Number.isNaN(p.grad[1]!)).toBe(true);
  });
});

describe("skipNonFinite when the optimizer cannot step", () => {
  it("throws before clipping: the gradients are untouched", () => {
    const p = Param.from([1, 2, 3]);
    const opt = new api.AdamWScheduleFree([p]);
    const guard = skipNonFinite(opt, { maxNorm: 1 });
    opt.eval();
    p.grad.set([3, 4, 12]);
    expect(() => guard.step()).toThrow(/train\(\)/);
    expect(Array.from(p.grad)).toEqual([3, 4, 12]);
  });
});
