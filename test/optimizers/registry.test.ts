// The generic tests, run for every entry of test/registry.ts: every exported optimizer class
// has an entry; torch's defaults; every bad option refused with a typed error naming it,
// nothing allocated and the params unchanged;
// a bad value set on a group refused with params, gradients and state byte-identical;
// a frozen param untouched and stateless; after stepping, each param's state holds EXACTLY
// the buffers its configuration needs (torch's names: no momentum_buffer for RMSprop with
// momentum 0, max_exp_avg_sq only with amsgrad); golden fixtures listed once.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { heapStats, InvalidOptionError, Param } from "../../src/index.js";
import { expectInvalidOption } from "../helpers/options.js";
import { shapeOf } from "../helpers/shapes.mjs";
import { bytesOf, sameBytes } from "../helpers/snapshot.js";
import { CONFIGS, OPTIMIZERS, rankOf, type OptimizerInfo } from "../registry.js";

/** A float32 and a float64 param (second-order optimizers take one dtype: two float64), of `rank` dims (default: the optimizer's, see rankOf). */
const params = (o?: OptimizerInfo, rank = o ? rankOf(o) : 1) => [
  Param.from(
    Float32Array.from({ length: 19 }, (_, i) => Math.sin(i + 1)),
    { dtype: o?.secondOrder ? "float64" : "float32", shape: shapeOf(19, rank) },
  ),
  Param.from(
    Float64Array.from({ length: 5 }, (_, i) => Math.cos(i + 1)),
    { shape: shapeOf(5, rank) },
  ),
];
const fill = (ps: Param[], t: number) =>
  ps.forEach((p, k) => p.grad.set(Array.from({ length: p.size }, (_, i) => Math.sin(3 * t + 5 * i + k))));

describe("registry: coverage", () => {
  it("every optimizer class the package exports has exactly one entry (abstract bases aside)", () => {
    const exported = Object.entries(api)
      .filter(
        ([, v]) =>
          typeof v === "function" &&
          v.prototype instanceof api.Optimizer &&
          v !== api.ScheduleFreeOptimizer &&
          v !== api.FirstOrderOptimizer,
      )
      .map(([k]) => k)
      .sort();
    expect(OPTIMIZERS.map((o) => o.name).sort()).toEqual(exported);
  });
});

describe("registry: defaults", () => {
  for (const o of OPTIMIZERS) {
    it(`${o.name} has torch's defaults`, () => {
      const ps = params(o);
      const opt = o.make(ps);
      expect(opt).toBeInstanceOf(o.cls);
      expect(opt.defaults).toEqual(o.defaults);
      opt.dispose();
    });
  }
});

describe("registry: a bad option is an InvalidOptionError naming it, and nothing is allocated or changed", () => {
  for (const o of OPTIMIZERS) {
    for (const e of o.errorInputs) {
      it(`${o.name}: ${e.option} = ${String((JSON.stringify(e.value) as string | undefined) ?? e.value)}${e.with ? ` with ${JSON.stringify(e.with)}` : ""}`, () => {
        const ps = params(o);
        const data = ps.map((p) => p.data.slice());
        const heap = heapStats();
        expectInvalidOption((opts) => o.make(ps, { ...e.with, ...opts }), e.option, e.value, e.named, e.carried);
        expect(heapStats()).toEqual(heap);
        ps.forEach((p, k) => expect(p.data).toEqual(data[k]));
      });
    }
  }
});

describe("registry: a bad value set on a group throws and changes nothing", () => {
  for (const o of OPTIMIZERS) {
    const settable = o.errorInputs.filter((e) => !(e.named ?? e.option).startsWith("options."));
    it(`${o.name}: ${settable.map((e) => e.option).join(", ")}`, () => {
      expect(settable.length).toBeGreaterThan(0);
      for (const e of settable) {
        const ps = params(o);
        const opt = o.make(ps, { ...o.configs[0]?.options, ...e.with });
        if (!o.needsClosure)
          for (let t = 0; t < 2; t++) {
            fill(ps, t);
            opt.step();
          }
        const group = opt.paramGroups[0] as unknown as Record<string, unknown>;
        const before = bytesOf(ps, opt);
        const value = group[e.option];
        expect(() => (group[e.option] = e.value), e.option).toThrow(InvalidOptionError);
        expect(group[e.option]).toEqual(value);
        expect(sameBytes(bytesOf(ps, opt), before), e.option).toBe(true);
        opt.dispose();
      }
    });
  }
});

describe("registry: second-order optimizers", () => {
  for (const o of OPTIMIZERS.filter((o) => o.secondOrder)) {
    it(`${o.name}: exactly one group, step() needs a closure`, () => {
      expect(o.supportsGroups).toBe(false);
      expect(o.needsClosure).toBe(true);
      const ps = params(o);
      const opt = o.make(ps);
      expect("addParamGroup" in opt).toBe(false); // one group, built by the constructor
      expect(() => opt.step()).toThrow(/closure/);
      opt.dispose();
    });
  }
});

describe("registry: a frozen param (requiresGrad = false) is untouched and gets no state (none stepped)", () => {
  for (const { info, config, title } of CONFIGS) {
    it(title, () => {
      const ps = params(info, rankOf(info, config));
      const frozen = Param.from([1, 2, 3], { requiresGrad: false, shape: shapeOf(3, rankOf(info, config)) });
      frozen.grad.set([1, 1, 1]);
      const opt = info.make([...ps, frozen], config.options);
      for (let t = 0; t < 3; t++) {
        fill(ps, t);
        opt.step();
      }
      expect(Array.from(frozen.data)).toEqual([1, 2, 3]);
      if (info.stateAtConstruction)
        expect(opt.state.get(frozen)?.step).toBe(0); // torch made it in __init__
      else expect(opt.state.has(frozen)).toBe(false);
      expect(ps[0]!.data[0]).not.toBe(Math.fround(Math.sin(1)));
      opt.dispose();
    });
  }
});

describe("registry: after stepping, each param's state is exactly what its configuration needs", () => {
  for (const { info, config, title } of CONFIGS) {
    it(`${title}: ${config.buffers.join(", ") || "no buffers"}`, () => {
      const ps = params(info, rankOf(info, config));
      const opt = info.make(ps, config.options);
      for (let t = 0; t < 3; t++) {
        fill(ps, t);
        opt.step();
      }
      for (const p of ps) {
        const s = opt.state.get(p);
        expect([...(s?.buffers.keys() ?? [])].sort()).toEqual([...config.buffers].sort());
        expect(Object.keys(s?.scalars ?? {}).sort()).toEqual([...(config.scalars ?? [])].sort());
        for (const [name, b] of s?.buffers ?? []) expect(b.view.length, name).toBe(config.lengths?.(p.shape)[name] ?? p.size);
      }
      expect(Object.keys(opt.groupState.get(opt.paramGroups[0]!) ?? {}).sort()).toEqual([...(info.groupScalars ?? [])].sort());
      opt.dispose();
    });
  }
});

describe("registry: golden fixtures", () => {
  it("each class lists exactly its cases of test/fixtures/index.json (classes not built yet are left for later)", () => {
    const index = JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "index.json"), "utf8")) as {
      cases: { id: string; optimizer: string; file: string }[];
    };
    for (const o of OPTIMIZERS) {
      const want = index.cases.filter((c) => c.optimizer === o.name);
      expect([...o.goldens].sort(), o.name).toEqual(want.map((c) => c.id).sort());
      for (const c of want) expect(existsSync(join(import.meta.dirname, "..", "fixtures", c.file)), c.file).toBe(true);
    }
  });
});
