// The PyTorch-shaped surface: groups, per-group hyperparameters changed between steps,
// validation (typed errors, nothing modified), frozen params, closures, zeroGrad.
import { describe, expect, it } from "vitest";
import { Adagrad, Adam, InvalidOptionError, Param, RMSprop, SGD, StateError } from "../src/index.js";

const fresh = (values: number[], grad: number[]) => {
  const p = Param.from(Float64Array.from(values));
  p.grad.set(grad);
  return p;
};

describe("options", () => {
  it("bad values are InvalidOptionErrors that name the option and the value", () => {
    const p = new Param(3);
    const cases: [() => unknown, RegExp][] = [
      [() => new Adam([p], { lr: -1 }), /lr: -1/],
      [() => new Adam([p], { lr: NaN }), /lr: NaN/],
      [() => new Adam([p], { betas: [0.9, 1] }), /betas\[1\]: 1/],
      [() => new Adam([p], { betas: [0.9] as unknown as [number, number] }), /betas: \[0\.9\]/],
      [() => new Adam([p], { eps: -1e-8 }), /eps: -1e-8/],
      [() => new Adam([p], { amsgrad: 1 as unknown as boolean }), /amsgrad: 1/],
      [() => new Adam([p], { learningRate: 0.1 } as object), /options\.learningRate: 0\.1 .*lr, betas/],
      [() => new SGD([p], {}), /lr: undefined/],
      [() => new SGD([p], { lr: 0.1, nesterov: true }), /nesterov: true .*momentum > 0/],
      [() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /dampening 0\.1/],
      [() => new RMSprop([p], { alpha: 1.5 }), /alpha: 1\.5/],
      [() => new Adam([], {}), /params/],
      [() => new Adam([p, p]), /params\[0\]\.params\[1\].*one group/],
      [() => new Adam([{ params: [p] }, { params: [p] }]), /params\[1\]\.params\[0\]/],
      [() => new Adam([{} as { params: Param[] }]), /params\[0\]/],
      [() => new Adam([{ params: [p], lr: -2 }]), /params\[0\]\.lr: -2/],
    ];
    for (const [make, message] of cases) {
      let thrown: unknown;
      try {
        make();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, String(message)).toBeInstanceOf(InvalidOptionError);
      expect((thrown as Error).message).toMatch(message);
    }
    p.dispose();
  });

  it("a group's hyperparameters can change between steps; a bad value changes nothing", () => {
    const p = fresh([1, 2], [1, 1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.5 });
    const g = opt.paramGroups[0]!;
    g.momentum = 0.9;
    expect(g.momentum).toBe(0.9);
    expect(() => (g.lr = -0.1)).toThrow(InvalidOptionError);
    expect(() => (g.nesterov = true)).not.toThrow(); // momentum 0.9, dampening 0: allowed
    expect(() => (g.dampening = 0.5)).toThrow(/nesterov/); // would break nesterov's rule
    expect(g.lr).toBe(0.1);
    expect(g.dampening).toBe(0);
    expect(() => ((g as unknown as Record<string, number>).learningRate = 1)).toThrow(TypeError); // sealed: no typos
    const betas = new Adam([new Param(1)]).paramGroups[0]!.betas;
    expect(() => ((betas as unknown as number[])[0] = 2)).toThrow(TypeError); // frozen: only the setter changes it
    const adam = new Adam([new Param(1)]).paramGroups[0]!;
    const mine: [number, number] = [0.8, 0.9];
    adam.betas = mine; // the group keeps its own frozen copy, not the caller's array
    mine[0] = 2;
    expect(adam.betas).toEqual([0.8, 0.9]);
    expect(() => ((adam.betas as unknown as number[])[1] = 2)).toThrow(TypeError);
  });
});

describe("step", () => {
  it("per-group hyperparameters apply to their own params", () => {
    const a = fresh([1], [1]);
    const b = fresh([1], [1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    opt.step();
    expect(a.data[0]).toBeCloseTo(0.9, 15);
    expect(b.data[0]).toBeCloseTo(0.5, 15);
    const c = fresh([0], [2]);
    opt.addParamGroup({ params: [c], lr: 1 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(InvalidOptionError);
    expect(opt.paramGroups.length).toBe(2 + 1);
    opt.step();
    expect(c.data[0]).toBe(-2);
  });

  it("momentum annealed between steps is used by the next step (mu 0.5 -> 0.9)", () => {
    // buf_1 = g; p_1 = p_0 - lr*g. Then mu = 0.9: buf_2 = 0.9*g + g; p_2 = p_1 - lr*1.9g
    const p = fresh([0], [1]);
    const opt = new SGD([p], { lr: 1, momentum: 0.5 });
    opt.step();
    opt.paramGroups[0]!.momentum = 0.9;
    opt.step();
    expect(p.data[0]).toBeCloseTo(-1 - 1.9, 14);
  });

  it("a frozen param (requiresGrad = false) is untouched, and gets no state", () => {
    const a = fresh([1, 2, 3], [1, 1, 1]);
    const b = fresh([1, 2, 3], [1, 1, 1]);
    b.requiresGrad = false;
    const opt = new Adam([a, b], { lr: 0.1 });
    opt.step();
    expect(Array.from(b.data)).toEqual([1, 2, 3]);
    expect(opt.state.has(b)).toBe(false);
    expect(a.data[0]).not.toBe(1);
  });

  it("step(closure) calls the closure first and returns its loss", () => {
    const p = fresh([3], [0]);
    const opt = new SGD([p], { lr: 0.25 });
    const closure = () => {
      p.grad[0] = 2 * p.data[0]!; // f = x^2
      return p.data[0]! ** 2;
    };
    expect(opt.step(closure)).toBe(9);
    expect(p.data[0]).toBe(1.5);
    expect(opt.step()).toBeUndefined();
  });

  it("zeroGrad zeroes every gradient; maximize ascends", () => {
    const p = fresh([1], [1]);
    const opt = new SGD([p], { lr: 1, maximize: true });
    opt.step();
    expect(p.data[0]).toBe(2);
    opt.zeroGrad();
    expect(p.grad[0]).toBe(0);
  });

  it("a disposed param makes step() throw before anything changes", () => {
    const a = fresh([1], [1]);
    const b = fresh([1], [1]);
    const opt = new SGD([a, b], { lr: 1 });
    b.dispose();
    expect(() => opt.step()).toThrow(StateError);
    expect(a.data[0]).toBe(1);
  });

  it("float32 and float64 params can share an optimizer", () => {
    const a = Param.from(new Float32Array([1]));
    const b = Param.from(new Float64Array([1]));
    a.grad[0] = b.grad[0] = 0.1;
    new Adam([a, b], { lr: 0.1 }).step();
    expect(a.data[0]).toBeCloseTo(0.9, 6); // float32 arithmetic
    expect(b.data[0]).toBeCloseTo(0.90000001, 14); // float64 arithmetic: 1 - 0.1 * 0.1 / (0.1 + 1e-8)
  });
});

describe("edge cases: eps, undefined options, iterables, disposal, Param.from", () => {
  it("eps = 0 is refused (an exactly-zero gradient would give 0/0)", () => {
    const p = new Param(2);
    for (const make of [() => new Adam([p], { eps: 0 }), () => new Adagrad([p], { eps: 0 }), () => new RMSprop([p], { eps: 0 })]) {
      expect(make).toThrow(/eps: 0 .*NaN/);
    }
  });

  it("an option given as undefined takes its default", () => {
    const p = new Param(2);
    const cfg: { lr?: number } = {};
    expect(new Adam([p], { lr: cfg.lr }).paramGroups[0]!.lr).toBe(1e-3);
  });

  it("params may be any iterable", () => {
    const a = new Param(1),
      b = new Param(1);
    expect(new SGD(new Set([a, b]), { lr: 1 }).paramGroups[0]!.params).toEqual([a, b]);
  });

  it("a disposed optimizer throws instead of silently restarting from empty state", () => {
    const p = fresh([1], [1]);
    const opt = new Adam([p]);
    opt.step();
    opt.dispose();
    expect(opt.disposed).toBe(true);
    expect(() => opt.step()).toThrow(StateError);
    expect(() => opt.stateDict()).toThrow(StateError);
  });

  it("Param.from refuses non-numbers and non-finite values, allocating nothing", () => {
    expect(() => Param.from([1, "a" as unknown as number])).toThrow(/values\[1\]: "a"/);
    expect(() => Param.from([1, NaN])).toThrow(/values\[1\]: NaN/);
    expect(() => Param.from(new BigInt64Array(3) as unknown as number[])).toThrow(InvalidOptionError);
    expect(() => Param.wrap([1, 2] as unknown as Float32Array, new Float32Array(2))).toThrow(/invalid data/);
  });
});

describe("step() is all-or-nothing when a param goes away", () => {
  it("a closure that disposes a param makes step() throw with nothing stepped", () => {
    const a = fresh([1, 2, 3], [1, 1, 1]);
    const b = fresh([1], [1]);
    const opt = new Adam([a, b], { lr: 0.1 });
    expect(() => opt.step(() => (b.dispose(), 0))).toThrow(StateError);
    expect(Array.from(a.data)).toEqual([1, 2, 3]);
    expect(opt.state.get(a)?.step ?? 0).toBe(0);
  });

  it("a wrapped param whose arrays were transferred away is a StateError before anything is stepped", () => {
    const a = fresh([1, 2, 3], [1, 1, 1]);
    const data = new Float32Array([1, 2]),
      grad = new Float32Array([1, 1]);
    const b = Param.wrap(data, grad);
    const opt = new SGD([a, b], { lr: 0.5 });
    structuredClone(data, { transfer: [data.buffer] });
    expect(() => opt.step()).toThrow(/transferred or detached/);
    expect(Array.from(a.data)).toEqual([1, 2, 3]);
  });
});
