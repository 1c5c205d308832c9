// A checkpoint that loads is whole, and every state a run reaches round-trips through both
// formats (issue "Trust under hostile input", items 3 and 4): exactly the buffers and scalars
// the configuration needs, finite where they must be; NaN, ±Infinity, -0 and typed arrays
// survive JSON.parse(JSON.stringify(stateDict())) bit for bit.
import { describe, expect, it } from "vitest";
import { Adam, CheckpointError, LBFGS, NAdam, Param, ReduceLROnPlateau, SGD, StepLR, type StateValue } from "../../src/index.js";
import { CONFIGS, rankOf } from "../registry.js";
import { shapeOf } from "../helpers/shapes.mjs";
import { sameBytes } from "../helpers/snapshot.js";

const json = (v: unknown): StateValue => JSON.parse(JSON.stringify(v)) as StateValue;

function stepped() {
  const p = Param.from([0.5, -1, 2]);
  const opt = new Adam([p], { lr: 0.1 });
  p.grad.set([0.1, 0.2, -0.3]);
  opt.step();
  return {
    p,
    opt,
    sd: opt.stateDict() as unknown as {
      paramGroups: { params: { state: { buffers: Record<string, unknown>; scalars: Record<string, unknown> } }[]; state: unknown }[];
    },
  };
}

function refusedWith(f: () => void, re: RegExp) {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as Error).message).toMatch(re);
}

describe("a checkpoint that loads is whole", () => {
  it("exp_avg_sq deleted or renamed, an unknown buffer, an unknown scalar: refused, nothing changed", () => {
    const { p, opt, sd } = stepped();
    const before = opt.saveState();
    const buffers = sd.paramGroups[0]!.params[0]!.state.buffers;
    const { exp_avg_sq, ...rest } = buffers;
    const cases: [string, unknown, RegExp][] = [
      ["deleted", { ...rest }, /lacks exp_avg_sq/],
      ["renamed", { ...rest, exp_avg_sq2: exp_avg_sq }, /lacks exp_avg_sq/],
      ["unknown buffer", { ...buffers, momentum_buffer: exp_avg_sq }, /has momentum_buffer/],
    ];
    for (const [, b, re] of cases) {
      const bad = structuredClone(sd);
      bad.paramGroups[0]!.params[0]!.state.buffers = b as Record<string, unknown>;
      refusedWith(() => opt.loadStateDict(bad as unknown as StateValue), re);
    }
    const scalar = structuredClone(sd);
    scalar.paramGroups[0]!.params[0]!.state.scalars = { mu_product: 1 };
    refusedWith(() => opt.loadStateDict(scalar as unknown as StateValue), /scalars has mu_product/);
    const group = structuredClone(sd);
    group.paramGroups[0]!.state = { k: 3 };
    refusedWith(() => opt.loadStateDict(group as unknown as StateValue), /state has k/);
    expect(sameBytes(opt.saveState(), before)).toBe(true);
    p.dispose();
  });

  it("NAdam's mu_product is required and finite", () => {
    const p = Param.from([1, 2]);
    const opt = new NAdam([p]);
    p.grad.set([0.1, 0.1]);
    opt.step();
    const sd = opt.stateDict() as unknown as { paramGroups: { params: { state: { scalars: Record<string, unknown> } }[] }[] };
    const none = structuredClone(sd);
    none.paramGroups[0]!.params[0]!.state.scalars = {};
    refusedWith(() => opt.loadStateDict(none as unknown as StateValue), /lacks mu_product/);
    const nan = structuredClone(sd);
    nan.paramGroups[0]!.params[0]!.state.scalars = { mu_product: NaN };
    refusedWith(() => opt.loadStateDict(nan as unknown as StateValue), /mu_product/);
    p.dispose();
  });
});

describe("buffers that hold squares or step sizes are never negative", () => {
  it("exp_avg_sq = -1 (a finite number, but no state a run reaches: its square root is NaN) is refused; NaN (reachable) loads", () => {
    const { p, opt, sd } = stepped();
    const before = opt.saveState();
    const bad = structuredClone(sd);
    (bad.paramGroups[0]!.params[0]!.state.buffers.exp_avg_sq as Float32Array)[1] = -1;
    refusedWith(() => opt.loadStateDict(bad as unknown as StateValue), /exp_avg_sq\[1\] is -1/);
    expect(sameBytes(opt.saveState(), before)).toBe(true);
    const nan = structuredClone(sd);
    (nan.paramGroups[0]!.params[0]!.state.buffers.exp_avg_sq as Float32Array)[1] = NaN;
    opt.loadStateDict(nan as unknown as StateValue);
    expect(Number.isNaN(opt.state.get(p)!.buffers.get("exp_avg_sq")!.view[1])).toBe(true);
    p.dispose();
  });
});

describe("every reachable state round-trips through saveState/loadState and through JSON", () => {
  it("a NaN with other bits than JavaScript's (x86's negative NaN from wasm's 0/0) keeps them through JSON", () => {
    const p = Param.from([0, 1, 2]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad.set([1, 1, 1]);
    opt.step();
    const view = opt.state.get(p)!.buffers.get("momentum_buffer")!.view;
    const bits = new Uint32Array(view.buffer, view.byteOffset, view.length);
    bits[0] = 0xffc00000; // -NaN
    bits[1] = 0x7fc00001; // a NaN with a payload
    const bytes = opt.saveState();
    const text = JSON.stringify(opt.stateDict());
    expect(text).toContain('{"$number":"NaN:ffc00000"}');
    opt.loadStateDict(JSON.parse(text) as StateValue);
    expect(sameBytes(opt.saveState(), bytes)).toBe(true);
    expect([...new Uint32Array(view.buffer, view.byteOffset, 2)]).toEqual([0xffc00000, 0x7fc00001]);
    for (const bad of ["NaN:ffc0000", "NaN:3f800000", "NaN:FFC00000"]) {
      const sd = JSON.parse(text) as { paramGroups: { params: { state: { buffers: { momentum_buffer: { $float32: unknown[] } } } }[] }[] };
      sd.paramGroups[0]!.params[0]!.state.buffers.momentum_buffer.$float32[0] = { $number: bad };
      refusedWith(() => opt.loadStateDict(sd as unknown as StateValue), /NaN:/);
    }
    expect(sameBytes(opt.saveState(), bytes)).toBe(true);
    p.dispose();
  });

  for (const { info, config, title } of CONFIGS) {
    it(title, () => {
      const ps = [
        Param.from([0.5, -1, 2, 0], { shape: shapeOf(4, rankOf(info, config)) }),
        Param.from([3, -0.25], { shape: shapeOf(2, rankOf(info, config)) }),
      ];
      const opt = info.make(ps, config.options);
      for (let t = 0; t < 3; t++) {
        ps.forEach((p, i) => p.grad.set(Array.from(p.data, (x, j) => Math.sin(x + j + i + t))));
        opt.step();
      }
      const bytes = opt.saveState();
      const text = JSON.stringify(opt.stateDict());
      const other = info.make(
        ps.map((p) => Param.from(p.data, { shape: p.shape })),
        config.options,
      );
      other.loadStateDict(JSON.parse(text) as StateValue);
      expect(sameBytes(other.saveState(), bytes), "JSON").toBe(true);
      other.loadState(bytes);
      expect(sameBytes(other.saveState(), bytes), "binary").toBe(true);
    });
  }

  it("L-BFGS after a NaN loss (torch keeps prev_loss NaN) reloads its own file and its JSON", () => {
    const x = Param.from([1, 2], { dtype: "float64" });
    const opt = new LBFGS([x], { maxIter: 3 });
    let calls = 0;
    opt.step(() => {
      calls++;
      x.grad.set([2 * x.data[0]!, 2 * x.data[1]!]);
      return calls > 1 ? NaN : x.data[0]! ** 2 + x.data[1]! ** 2;
    });
    const sd = opt.stateDict() as unknown as { paramGroups: { params: { state: { scalars: Record<string, number> } | null }[] }[] };
    expect(Number.isNaN(sd.paramGroups[0]!.params[0]!.state!.scalars.prev_loss)).toBe(true);
    const bytes = opt.saveState();
    opt.loadState(bytes);
    opt.loadStateDict(json(opt.stateDict()));
    expect(sameBytes(opt.saveState(), bytes)).toBe(true);
    x.dispose();
  });

  it("ReduceLROnPlateau with best = Infinity, and a StepLR attached before addParamGroup", () => {
    const a = Param.from([1]),
      b = Param.from([2]);
    const opt = new SGD([a], { lr: 0.1 });
    const step = new StepLR(opt, { stepSize: 2 });
    const plateau = new ReduceLROnPlateau(opt, {});
    opt.addParamGroup({ params: [b], lr: 0.01 });
    step.step();
    const sd = opt.stateDict();
    expect(sd.attachments[1]!.state.best).toBe(Infinity);
    const bytes = opt.saveState();
    opt.loadState(bytes);
    opt.loadStateDict(json(sd));
    expect(sameBytes(opt.saveState(), bytes)).toBe(true);
    expect(plateau.kind).toBe("ReduceLROnPlateau");
    for (const p of [a, b]) p.dispose();
  });

  it("the JSON form keeps -0, NaN and ±Infinity inside typed arrays and as numbers", () => {
    const p = Param.from([0, 1], { dtype: "float64" });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad.set([1, 1]);
    opt.step();
    const s = opt.state.get(p)!;
    s.buffers.get("momentum_buffer")!.view.set([-0, NaN]);
    const text = JSON.stringify(opt.stateDict());
    expect(text).toContain('"$float64"');
    expect(text).toContain('{"$number":"-0"}');
    const before = opt.saveState();
    opt.loadStateDict(JSON.parse(text) as StateValue);
    expect(sameBytes(opt.saveState(), before)).toBe(true);
    p.dispose();
  });
});
