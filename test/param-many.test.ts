// Param.many: the params of a model as views of one block, and the first-order step over
// runs of them (one kernel call per run, state laid out as one block). Every golden case is
// replayed both ways, the flat vector split into several params: with Param.many (one run)
// and with separately allocated params (one run each); the two must agree byte for byte at
// every step, in their state, and with torch within the case's tolerance. Then the things
// that split a run: a frozen param, a param out of step, a loaded checkpoint.
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";
import { Adam, clipGradNorm, heapStats, InvalidOptionError, NAdam, Param, SGD, type FirstOrderOptimizer } from "../src/index.js";
import { FIRST_ORDER } from "./registry.js";
import { loadCase, optionsOf, problemOf, toleranceUsed, type GoldenCase } from "./helpers/golden.js";

type Layout = "many" | "separate";
type AnyFirstOrder = FirstOrderOptimizer<object> & { eval?: () => void };

/** Sizes that split n elements into several params: odd lengths, a single element, an empty one. */
function splitSizes(n: number): number[] {
  const cuts = [0, 1, Math.floor(n / 7), Math.floor(n / 3), Math.floor(n / 3), Math.floor(n / 2) + 1, n].map((c) => Math.min(c, n));
  cuts.sort((a, b) => a - b);
  return cuts.slice(1).map((c, i) => c - cuts[i]!);
}

function make(layout: Layout, sizes: readonly (number | readonly number[])[], dtype: api.DType = "float32"): Param[] {
  return layout === "many" ? Param.many(sizes, { dtype }) : sizes.map((n) => new Param(n, { dtype }));
}

/** Copies a flat vector into the params (or `which` of them: data or grad), in order. */
function scatter(params: readonly Param[], flat: ArrayLike<number>, which: "data" | "grad"): void {
  let o = 0;
  for (const p of params) {
    for (let i = 0; i < p.size; i++) p[which][i] = flat[o + i]!;
    o += p.size;
  }
}

/** The params' values (or another per-param array) concatenated, as bytes. */
function gather(params: readonly Param[], of: (p: Param) => ArrayLike<number> = (p) => p.data): Float64Array {
  return Float64Array.from(params.flatMap((p) => Array.from(of(p))));
}

/** The index of the first element whose bytes differ (-1: the same bytes; NaNs of one pattern compare equal). */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Replays a golden case over `sizes`-split params; returns every step's params (flat) and the optimizer. */
function replay(c: GoldenCase, layout: Layout, sizes: readonly number[]) {
  const Ctor = (api as unknown as Record<string, new (p: Param[], o: object) => AnyFirstOrder>)[c.optimizer]!;
  const params = make(layout, sizes, c.dtype);
  scatter(params, c.initialParams, "data");
  const opt = new Ctor(params, optionsOf(c));
  const f = c.regime === "closed" ? problemOf(c) : null;
  const g = new Float64Array(c.size);
  const trajectory: Float64Array[] = [];
  for (let t = 1; t <= c.steps; t++) {
    if (f) f(gather(params), g);
    scatter(params, f ? g : c.grads![t - 1]!, "grad");
    opt.step();
    trajectory.push(gather(params));
  }
  return { params, opt, trajectory };
}

describe("Param.many runs step exactly like separate params (every first-order golden case, split)", () => {
  // a rule that reads the param's shape (Muon, Adafactor) is not elementwise: split, it would be another problem
  for (const c of FIRST_ORDER.flatMap((o) => o.goldens.map((id) => loadCase("optimizers", id))).filter((c) => !c.shape)) {
    it(`${c.id} (${c.optimizer}, n=${c.size})`, () => {
      const sizes = splitSizes(c.size);
      const many = replay(c, "many", sizes);
      const separate = replay(c, "separate", sizes);
      expect(
        many.opt.plannedRuns.map((g) => g.length),
        "one run for the whole block",
      ).toEqual([1]);
      expect(separate.opt.plannedRuns[0]!.length, "a run per separate param").toBe(sizes.length);
      const rows = new Map(c.recordedSteps.map((s, k) => [s, k]));
      let worst = 0;
      many.trajectory.forEach((x, i) => {
        expect(firstDifference(x, separate.trajectory[i]!), `step ${i + 1}: the same bytes as separate params`).toBe(-1);
        const k = rows.get(i + 1);
        if (k !== undefined) worst = Math.max(worst, toleranceUsed(x, c.params[k]!, c.tolerance.rtol, c.tolerance.atol));
      });
      expect(worst, "params against torch: share of tolerance used").toBeLessThanOrEqual(1);
      many.params.forEach((p, i) => {
        const a = many.opt.state.get(p)!;
        const b = separate.opt.state.get(separate.params[i]!)!;
        expect([a.step, a.scalars]).toEqual([b.step, b.scalars]);
        expect([...a.buffers.keys()].sort()).toEqual([...b.buffers.keys()].sort());
        for (const [name, buf] of a.buffers)
          expect(firstDifference(buf.view, b.buffers.get(name)!.view), `${name} of params[${i}]`).toBe(-1);
      });
      if (many.opt.eval) {
        many.opt.eval();
        separate.opt.eval!();
        expect(firstDifference(gather(many.params), gather(separate.params))).toBe(-1);
      }
      for (const r of [many, separate]) {
        r.opt.dispose();
        for (const p of r.params) p.dispose();
      }
    });
  }
});

/** Deterministic gradients for step t of a param with `n` elements at flat offset `o`. */
const gradAt = (t: number, o: number, i: number): number => Math.sin(0.37 * (o + i) + 1.3 * t) * 10 ** ((i % 5) - 2);

/** Runs a scenario over both layouts and returns each layout's params, optimizer and snapshots. */
function both<O extends AnyFirstOrder>(
  sizes: (number | readonly number[])[],
  makeOpt: (params: Param[]) => O,
  script: (opt: O, params: Param[], t: number) => void,
  steps: number,
) {
  return (["many", "separate"] as const).map((layout) => {
    const params = make(layout, sizes);
    scatter(
      params,
      params.flatMap((p, k) => Array.from({ length: p.size }, (_, i) => 0.1 * (k + 1) - 0.01 * i)),
      "data",
    );
    const opt = makeOpt(params);
    const snapshots: Float64Array[] = [];
    for (let t = 1; t <= steps; t++) {
      let o = 0;
      for (const p of params) {
        for (let i = 0; i < p.size; i++) p.grad[i] = gradAt(t, o, i);
        o += p.size;
      }
      script(opt, params, t);
      opt.step();
      snapshots.push(gather(params));
    }
    return { params, opt, snapshots };
  });
}

function expectSameBytes(a: { snapshots: Float64Array[] }, b: { snapshots: Float64Array[] }): void {
  a.snapshots.forEach((x, i) => expect(firstDifference(x, b.snapshots[i]!), `step ${i + 1}`).toBe(-1));
}

const runShape = (opt: AnyFirstOrder): number[][] => opt.plannedRuns.map((g) => g.map((r) => r.params.length));

describe("what splits a run", () => {
  const notElementwise: [string, (ps: Param[]) => AnyFirstOrder][] = [
    ["Muon: a whole matrix at a time", (ps) => new api.Muon(ps, { lr: 0.1 })],
    ["Adafactor: factored state shorter than the param", (ps) => new api.Adafactor(ps, { lr: 0.1 })],
  ];
  for (const [name, make] of notElementwise) {
    it(`a rule that is not elementwise (${name}) steps each param of a block as a run of its own`, () => {
      const [many, separate] = both(
        [
          [3, 4],
          [5, 2],
          [2, 6],
        ],
        make,
        () => {},
        3,
      );
      expect(many!.opt.plannedRuns.map((g) => g.length)).toEqual([3]);
      expectSameBytes(many!, separate!);
      for (const r of [many!, separate!]) {
        r.opt.dispose();
        for (const p of r.params) p.dispose();
      }
    });
  }

  it("a param frozen in the middle splits the run and stays untouched; unfrozen, it is out of step and steps alone", () => {
    const [many, separate] = both(
      [5, 3, 6, 2],
      (ps) => new Adam(ps, { lr: 0.01, weightDecay: 0.1 }),
      (_opt, ps, t) => {
        ps[1]!.requiresGrad = t <= 2 || t > 4; // frozen for steps 3 and 4
      },
      6,
    );
    expectSameBytes(many!, separate!);
    const [a, b, c, d] = many!.params;
    expect(runShape(many!.opt)).toEqual([[1, 1, 2]]);
    expect([a, b, c, d].map((p) => many!.opt.state.get(p!)!.step)).toEqual([6, 4, 6, 6]);
    const frozen = (t: number) => Array.from(many!.snapshots[t - 1]!.subarray(5, 8));
    expect(frozen(3)).toEqual(frozen(2));
    expect(frozen(4)).toEqual(frozen(2));
    expect(frozen(5)).not.toEqual(frozen(4));
  });

  it("frozen from the start: no state, values untouched, the params either side are separate runs", () => {
    const [a, b, c] = Param.many([4, 4, 4]);
    b!.requiresGrad = false;
    b!.data.fill(7);
    for (const p of [a!, b!, c!]) p.grad.fill(1);
    const opt = new SGD([a!, b!, c!], { lr: 0.5, momentum: 0.9 });
    opt.step();
    expect(runShape(opt)).toEqual([[1, 1]]);
    expect(opt.state.has(b!)).toBe(false);
    expect(Array.from(b!.data)).toEqual([7, 7, 7, 7]);
    expect(Array.from(a!.data)).toEqual([-0.5, -0.5, -0.5, -0.5]);
  });

  it("params of a later group (or a later Param.many) are their own run; separately allocated params are never merged", () => {
    const [many, separate] = both(
      [4, 4, 3, 7],
      (ps) => new NAdam([{ params: ps.slice(0, 2) }], { lr: 0.01 }),
      (opt, ps, t) => {
        if (t === 3) opt.addParamGroup({ params: ps.slice(2), lr: 0.02 });
      },
      6,
    );
    expectSameBytes(many!, separate!);
    expect(runShape(many!.opt)).toEqual([[2], [2]]);
    expect(runShape(separate!.opt)).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const [x, y] = [Param.from([1, 2]), Param.from([3])];
    const [u, v] = [...Param.many([2]), ...Param.many([1])];
    const opt = new Adam([x, y, u!, v!]);
    opt.step();
    expect(runShape(opt)).toEqual([[1, 1, 1, 1]]);
  });

  it("a loaded checkpoint lands in the run layout, or splits where the step counts differ", () => {
    const sizes = [3, 5, 2, 4];
    const [original] = both(
      sizes,
      (ps) => new Adam(ps, { lr: 0.01, amsgrad: true }),
      (_opt, ps, t) => {
        ps[2]!.requiresGrad = t > 2;
      },
      4,
    );
    const saved = original!.opt.stateDict();
    const start = gather(original!.params);
    expect(runShape(original!.opt)).toEqual([[2, 1, 1]]);
    const gradsAt = (ps: Param[], t: number) => ps.forEach((p, k) => p.grad.fill(gradAt(t, k, 0)));
    const continued = [0, 1, 2].map((t) => {
      gradsAt(original!.params, t);
      original!.opt.step();
      return gather(original!.params);
    });
    for (const layout of ["many", "separate"] as const) {
      const params = make(layout, sizes);
      scatter(params, start, "data");
      const resumed = new Adam(params);
      resumed.loadStateDict(saved);
      continued.forEach((want, t) => {
        gradsAt(params, t);
        resumed.step();
        expect(firstDifference(gather(params), want), `${layout}, step ${t + 1} after the load`).toBe(-1);
      });
      expect(runShape(resumed)).toEqual(layout === "many" ? [[2, 1, 1]] : [[1, 1, 1, 1]]);
      if (layout === "many") {
        const [a, b] = params.map((p) => resumed.state.get(p)!.buffers.get("max_exp_avg_sq")!);
        expect(b!.ptr, "the loaded buffers of a run were moved into one block").toBe(a!.ptr + 3 * 4);
        expect(b!.block).toBe(a!.block);
      }
      resumed.dispose();
      for (const p of params) p.dispose();
    }
  });

  it("a checkpoint of separate params loads into a Param.many layout as one run", () => {
    const [many, separate] = both(
      [6, 1, 9],
      (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true }),
      () => {},
      3,
    );
    const resumed = new SGD(many!.params, { lr: 0.1 });
    resumed.loadStateDict(separate!.opt.stateDict());
    for (const ps of [many!.params, separate!.params]) ps.forEach((p, k) => p.grad.fill(0.5 - k));
    resumed.step();
    separate!.opt.step();
    expect(runShape(resumed)).toEqual([[3]]);
    expect(firstDifference(gather(many!.params), gather(separate!.params))).toBe(-1);
  });

  it("momentum switched on later: the first momentum step of a run is the fresh one", () => {
    const [many, separate] = both(
      [7, 2, 5],
      (ps) => new SGD(ps, { lr: 0.05 }),
      (opt, _ps, t) => {
        if (t === 3) opt.paramGroups[0]!.momentum = 0.9;
      },
      5,
    );
    expectSameBytes(many!, separate!);
    expect(runShape(many!.opt)).toEqual([[3]]);
  });

  it("clipping over a Param.many model steps like separate params", () => {
    const [many, separate] = both(
      [5, 8, 1],
      (ps) => new Adam(ps, { lr: 0.1 }),
      (_opt, ps) => {
        clipGradNorm(ps, 0.5);
      },
      3,
    );
    expectSameBytes(many!, separate!);
  });
});

describe("Param.many", () => {
  it("lays the params out as one block: values contiguous, gradients contiguous, each with its shape and name", () => {
    const ps = Param.many([[2, 3], 4, [1, 1, 2]], { dtype: "float64", names: ["w", undefined, "b"] });
    expect(ps.map((p) => p.shape)).toEqual([[2, 3], [4], [1, 1, 2]]);
    expect(ps.map((p) => p.name)).toEqual(["w", undefined, "b"]);
    expect(ps.every((p) => p.dtype === "float64" && p.data instanceof Float64Array)).toBe(true);
    expect(ps[1]!.data.byteOffset).toBe(ps[0]!.data.byteOffset + 6 * 8);
    expect(ps[2]!.grad.byteOffset).toBe(ps[1]!.grad.byteOffset + 4 * 8);
    expect(ps[0]!.data.byteOffset % 64).toBe(0);
    ps[1]!.data.fill(1);
    expect(Array.from(ps[0]!.data).concat(Array.from(ps[2]!.data))).toEqual(Array(8).fill(0));
    expect(Param.many([3, 3], { requiresGrad: false }).map((p) => p.requiresGrad)).toEqual([false, false]);
    expect(Param.many([])).toEqual([]);
    for (const p of ps) p.dispose();
  });

  it("frees the block only when all its params are disposed", () => {
    const before = heapStats();
    const ps = Param.many([10, 20, 30]);
    expect(heapStats().liveBlocks).toBe(before.liveBlocks + 1);
    ps[0]!.dispose();
    ps[2]!.dispose();
    ps[0]!.dispose(); // twice: no effect
    expect(heapStats().liveBlocks).toBe(before.liveBlocks + 1);
    ps[1]!.data.fill(3);
    expect(ps[1]!.data[19]).toBe(3);
    expect(() => ps[0]!.data).toThrow(api.StateError);
    ps[1]!.dispose();
    expect(heapStats().liveBlocks).toBe(before.liveBlocks);
    expect(heapStats().liveBytes).toBe(before.liveBytes);
  });

  it("the state of a run is one block per buffer, freed with the optimizer's state", () => {
    const before = heapStats();
    const ps = Param.many([10, 20, 30]);
    const opt = new Adam(ps);
    opt.step();
    expect(heapStats().liveBlocks, "params + exp_avg + exp_avg_sq").toBe(before.liveBlocks + 3);
    opt.dispose();
    expect(heapStats().liveBlocks).toBe(before.liveBlocks + 1);
    for (const p of ps) p.dispose();
    expect(heapStats().liveBytes).toBe(before.liveBytes);
  });

  it("refuses bad shapes, dtypes, names and flags with a typed error naming the value", () => {
    const cases: [unknown, unknown, RegExp][] = [
      ["3", {}, /shapes.*"3"/],
      [[[2, 1.5]], {}, /shapes\[0\]\[1\].*1\.5/],
      [[4, -1], {}, /shapes\[1\].*-1/],
      [[4, 2.5], {}, /shapes\[1\].*2\.5/],
      [[[2, 2], "x"], {}, /shapes\[1\]/],
      [[2 ** 29, 2 ** 29, 2 ** 29], {}, /shapes.*1610612736/],
      [[2], { dtype: "float16" }, /dtype.*float16/],
      [[2, 3], { names: ["a"] }, /names/],
      [[2], { names: [3] }, /names/],
      [[2], { requiresGrad: "yes" }, /requiresGrad.*yes/],
      [[2], null, /options/],
    ];
    const before = heapStats();
    for (const [shapes, options, message] of cases) {
      expect(() => Param.many(shapes as number[], options as object)).toThrow(InvalidOptionError);
      expect(() => Param.many(shapes as number[], options as object)).toThrow(message);
    }
    expect(heapStats().liveBytes, "nothing allocated").toBe(before.liveBytes);
  });
});
