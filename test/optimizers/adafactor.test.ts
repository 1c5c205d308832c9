// Adafactor beyond the float32 golden files (defaults, bad options, exact state buffers and
// checkpoint resumes are in the registry's generic tests): float64 params against an
// independent float64 implementation of torch's *documented* algorithm (the docstring's sum
// form of the row and column statistics, max(sqrt(V), eps1) instead of the clamp at eps1^2),
// eps1 = null as the dtype's machine epsilon, the state's size, a checkpoint refused when the
// shape factors differently, and a param with no elements.
import { describe, expect, it } from "vitest";
import { Adafactor, CheckpointError, Param, type AdafactorOptions } from "../../src/index.js";
import { lcg } from "../helpers/random.js";

/** torch's docstring algorithm in float64 on a flat row-major param of `shape` (batch of matrices when 2+ dims). */
function documented(
  shape: readonly number[],
  p0: Float64Array,
  grads: Float64Array[],
  o: AdafactorOptions & { eps1: number },
): Float64Array {
  const n = p0.length;
  const factored = shape.length > 1;
  const cols = shape[shape.length - 1]!,
    rows = factored ? shape[shape.length - 2]! : 1,
    batch = n / (rows * cols);
  const R = new Float64Array(batch * rows),
    C = new Float64Array(batch * cols),
    V = new Float64Array(n);
  const theta = Float64Array.from(p0);
  grads.forEach((g0, k) => {
    const t = k + 1;
    const G = g0.map((x) => (o.maximize ? -x : x));
    const beta2hat = 1 - t ** o.beta2Decay;
    const rho = Math.min(o.lr, 1 / Math.sqrt(t));
    const alpha = Math.max(o.eps[1], Math.sqrt(theta.reduce((a, x) => a + x * x, 0) / n)) * rho;
    for (let i = 0; i < n; i++) theta[i] = theta[i]! - o.lr * o.weightDecay * theta[i]!;
    const U = new Float64Array(n);
    if (factored) {
      const r2 = new Float64Array(batch * rows),
        c2 = new Float64Array(batch * cols);
      G.forEach((x, i) => {
        const b = Math.floor(i / (rows * cols)),
          row = Math.floor(i / cols) % rows,
          col = i % cols;
        r2[b * rows + row]! += x * x;
        c2[b * cols + col]! += x * x;
      });
      R.forEach((x, i) => (R[i] = beta2hat * x + (1 - beta2hat) * r2[i]!));
      C.forEach((x, i) => (C[i] = beta2hat * x + (1 - beta2hat) * c2[i]!));
      G.forEach((x, i) => {
        const b = Math.floor(i / (rows * cols)),
          row = Math.floor(i / cols) % rows,
          col = i % cols;
        let sumR = 0;
        for (let j = 0; j < rows; j++) sumR += R[b * rows + j]!;
        const denom = Math.max(sumR / (rows * cols), o.eps1);
        const vhat = ((R[b * rows + row]! / cols) * (C[b * cols + col]! / rows)) / denom;
        U[i] = x / Math.max(Math.sqrt(vhat), o.eps1);
      });
    } else {
      G.forEach((x, i) => {
        V[i] = beta2hat * V[i]! + (1 - beta2hat) * x * x;
        U[i] = x / Math.max(Math.sqrt(V[i]), o.eps1);
      });
    }
    const rmsU = Math.sqrt(U.reduce((a, x) => a + x * x, 0) / n);
    for (let i = 0; i < n; i++) theta[i] = theta[i]! - (alpha / Math.max(1, rmsU / o.d)) * U[i]!;
  });
  return theta;
}

/** Gradients of 12 steps: magnitudes 1e-3..1 times `scale`, about 10 % exactly 0, column 1 always 0. */
function gradients(n: number, cols: number, scale: number, seed: number): Float64Array[] {
  const rnd = lcg(seed);
  return Array.from({ length: 12 }, () =>
    Float64Array.from({ length: n }, (_, i) => (i % cols === 1 || rnd() < -0.8 ? 0 : scale * rnd() * 10 ** (1.5 * rnd() - 1.5))),
  );
}

const DEFAULTS: AdafactorOptions = { lr: 1e-2, beta2Decay: -0.8, eps: [null, 1e-3], d: 1, weightDecay: 0, maximize: false };

describe("Adafactor, float64 params, against torch's documented algorithm", () => {
  const cases: [string, number[], Partial<AdafactorOptions>, number][] = [
    ["vector", [23], {}, 1],
    ["matrix 7x9, weight decay, maximize", [7, 9], { weightDecay: 0.1, maximize: true, lr: 0.05 }, 1],
    ["3-D 2x5x13, eps, d, beta2Decay", [2, 5, 13], { eps: [1e-6, 1e-2], d: 0.5, beta2Decay: -0.5 }, 1],
    ["4-D 2x3x4x17, tiny gradients (eps1 = null: 2^-52 for float64)", [2, 3, 4, 17], {}, 1e-14],
    ["vector, tiny gradients (eps1 = null)", [31], {}, 1e-17],
  ];
  for (const [name, shape, options, scale] of cases) {
    it(name, () => {
      const n = shape.reduce((a, x) => a * x, 1);
      const rnd = lcg(7);
      const p0 = Float64Array.from({ length: n }, () => rnd() - 0.5);
      const grads = gradients(n, shape[shape.length - 1]!, scale, n);
      const o = { ...DEFAULTS, ...options };
      const p = Param.from(Float64Array.from(p0), { shape });
      const opt = new Adafactor([p], options);
      for (const g of grads) {
        p.grad.set(g);
        opt.step();
      }
      const want = documented(shape, p0, grads, { ...o, eps1: o.eps[0] ?? 2 ** -52 });
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(p.data[i]! - want[i]!) / (1e-12 + 1e-10 * Math.abs(want[i]!)));
      expect(worst).toBeLessThanOrEqual(1);
      // and the trajectory is not the one float32's eps1 would give
      if (scale < 1e-10) {
        const other = documented(shape, p0, grads, { ...o, eps1: 2 ** -23 });
        expect(Math.max(...Array.from(p.data, (x, i) => Math.abs(x - other[i]!)))).toBeGreaterThan(1e-6);
      }
    });
  }
});

describe("Adafactor state", () => {
  it("a 4x16x64 param keeps 4*(16 + 64) numbers, not 4096", () => {
    const p = new Param([4, 16, 64]);
    p.grad.fill(0.5);
    const opt = new Adafactor([p]);
    opt.step();
    const s = opt.state.get(p)!;
    expect([...s.buffers].map(([k, b]) => [k, b.view.length])).toEqual([
      ["row_var", 64],
      ["col_var", 256],
    ]);
    // row and column means of g^2 = 0.25 (the first step copies them; the norms 4 and 2 are exact)
    expect(Array.from(new Set(s.buffers.get("row_var")!.view))).toEqual([0.25]);
    expect(Array.from(new Set(s.buffers.get("col_var")!.view))).toEqual([0.25]);
  });

  it("a checkpoint of a [2, 5, 13] param is refused for a [10, 13] param of the same size, nothing changed", () => {
    const a = Param.from(
      Float32Array.from({ length: 130 }, (_, i) => Math.sin(i)),
      { shape: [2, 5, 13] },
    );
    const b = Param.from(
      Float32Array.from({ length: 130 }, (_, i) => Math.cos(i)),
      { shape: [10, 13] },
    );
    a.grad.fill(0.1);
    b.grad.fill(0.2);
    const optA = new Adafactor([a]),
      optB = new Adafactor([b]);
    optA.step();
    optB.step();
    const before = optB.saveState();
    let err: unknown;
    try {
      optB.loadStateDict(optA.stateDict());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(/col_var/);
    expect(optB.saveState()).toEqual(before);
  });

  it("a param with no elements is left alone; its step count advances", () => {
    const empty = new Param([0, 4]);
    const p = Param.from([1, 2, 3, 4], { shape: [2, 2] });
    p.grad.set([1, -1, 1, -1]);
    const opt = new Adafactor([empty, p]);
    opt.step();
    expect(opt.state.get(empty)!.step).toBe(1);
    expect(opt.state.get(empty)!.buffers.get("col_var")!.view.length).toBe(4);
    expect(Array.from(p.data)).not.toEqual([1, 2, 3, 4]);
  });
});
