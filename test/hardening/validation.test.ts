// Bad input, as careless users and JSON give it: every refusal is a TypeError or RangeError
// subclass with Node's codes, names the option, previews the value in a short message, and
// leaves params and state byte-identical (issue: "Trust under hostile input", items 1, 2, 9).
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { InvalidOptionError, LBFGS, Param, SGD, StepLR } from "../../src/index.js";
import { OPTIMIZERS, rankOf } from "../registry.js";
import { shapeOf } from "../helpers/shapes.mjs";
import { bytesOf, sameBytes } from "../helpers/snapshot.js";

/** Runs `f`, expects a bad-argument error, and returns it after the common checks. */
function refused(f: () => unknown, kind: "type" | "value" | "range", option?: RegExp): InvalidOptionError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InvalidOptionError);
  const e = err as InvalidOptionError;
  expect(e).toBeInstanceOf(kind === "range" ? RangeError : TypeError);
  expect(e.code).toBe({ type: "ERR_INVALID_ARG_TYPE", value: "ERR_INVALID_ARG_VALUE", range: "ERR_OUT_OF_RANGE" }[kind]);
  expect(e.message.length).toBeLessThan(300);
  if (option) expect(e.option).toMatch(option);
  return e;
}

describe("error classes follow Node's conventions", () => {
  it("wrong type -> TypeError ERR_INVALID_ARG_TYPE; out of range -> RangeError ERR_OUT_OF_RANGE; wrong value -> TypeError ERR_INVALID_ARG_VALUE", () => {
    const p = new Param(3);
    refused(() => new api.Adam([p], { lr: "0.1" as unknown as number }), "type", /^lr$/);
    refused(() => new api.Adam([p], { lr: -1 }), "range", /^lr$/);
    refused(() => new api.Adam([p], { lr: NaN }), "range", /^lr$/);
    refused(() => new api.Adam([p], { lr: Infinity }), "range", /^lr$/);
    refused(() => new api.Adam([p], { betas: [0.9] as unknown as [number, number] }), "value", /^betas$/);
    refused(() => new api.Adam([p], { betas: [0.9, 1] }), "range", /^betas\[1\]$/);
    refused(() => new api.Adam([p], { amsgrad: 1 as unknown as boolean }), "type", /^amsgrad$/);
    refused(() => new LBFGS([p], { lineSearch: "wolfe" as unknown as "none" }), "value", /lineSearch/);
    refused(() => new Param(3, { requiresGrad: "no" as unknown as boolean }), "type", /requiresGrad/);
    refused(() => new Param(3, null as unknown as api.ParamOptions), "type", /^options$/);
    refused(() => new Param(-1), "range", /size/);
    refused(() => new Param(2.5), "range", /size/);
    refused(() => new Param("3" as unknown as number), "type", /size/);
    refused(
      () => {
        p.requiresGrad = "no" as unknown as boolean;
      },
      "type",
      /requiresGrad/,
    );
    expect(p.requiresGrad).toBe(true);
    p.dispose();
  });

  it("the library's own errors keep their classes and carry codes", () => {
    const p = new Param(1);
    const opt = new SGD([p], { lr: 0.1 });
    opt.dispose();
    let err: unknown;
    try {
      opt.step();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(api.StateError);
    expect((err as api.StateError).code).toBe("ERR_WASM_OPTIM_STATE");
    p.dispose();
  });
});

describe("every message is bounded, whatever the value", () => {
  it("a 1e6-element Float32Array where a Param belongs: a short preview and what to use instead", () => {
    const big = new Float32Array(1e6).fill(0.5);
    const e = refused(() => new api.Adam([big as unknown as Param]), "type");
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toMatch(/Float32Array\(1000000\)/);
    expect(e.message).toMatch(/Param\.from|Param\.wrap/);
    expect(e.value).toBe(big);
  });

  it("an object that looks like a TF.js variable: the message says how to copy it in", () => {
    const variable = { shape: [2, 2], dtype: "float32", dataSync: () => new Float32Array(4), name: "dense/kernel" };
    const e = refused(() => new api.Adam([variable as unknown as Param]), "type");
    expect(e.message).toMatch(/Param\.from\(v\.dataSync\(\), \{ shape: v\.shape \}\)/);
  });

  it("huge strings, arrays and objects are cut", () => {
    const p = new Param(1);
    for (const v of ["x".repeat(1e6), new Array(1e5).fill(1), Object.fromEntries(Array.from({ length: 1e4 }, (_, i) => [`k${i}`, i]))]) {
      const e = refused(() => new SGD([p], { lr: v as unknown as number }), "type");
      expect(e.message.length).toBeLessThan(300);
    }
    p.dispose();
  });
});

describe("names every object has are not options; arrays are not option objects", () => {
  for (const key of ["toString", "constructor", "hasOwnProperty", "__proto__"]) {
    it(`"${key}" is refused as an unknown option (as JSON.parse would give it)`, () => {
      const p = new Param(1);
      const options = JSON.parse(`{"lr": 0.1, "${key}": 1}`) as Record<string, unknown>;
      refused(() => new SGD([p], options), "value", new RegExp(key.replace(/_/g, "_")));
      p.dispose();
    });
  }
  it("[] as options is refused", () => {
    const p = new Param(1);
    refused(() => new api.Adam([p], [] as unknown as object), "type", /^options$/);
    p.dispose();
  });
});

describe("no route around the validated setters; every operation all-or-nothing", () => {
  it("paramGroups cannot be pushed to, and a group's params cannot be replaced", () => {
    const a = new Param(2),
      q = new Param(2);
    const opt = new SGD([a], { lr: 0.1 });
    expect(() => (opt.paramGroups as unknown as unknown[]).push({ params: [q], lr: -5 })).toThrow(TypeError);
    expect(() => ((opt.paramGroups[0] as unknown as { params: Param[] }).params = [a, a])).toThrow(TypeError);
    expect(opt.paramGroups.length).toBe(1);
    expect(opt.paramGroups[0]!.params).toEqual([a]);
    opt.addParamGroup({ params: [q], lr: 0.5 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    for (const x of [a, q]) x.dispose();
  });

  it("zeroGrad with a disposed third param changes no gradient", () => {
    const ps = [new Param(2), new Param(2), new Param(2)];
    for (const p of ps) p.grad.fill(1);
    const opt = new SGD(ps, { lr: 0.1 });
    ps[2]!.dispose();
    expect(() => opt.zeroGrad()).toThrow(api.StateError);
    expect([...ps[0]!.grad, ...ps[1]!.grad]).toEqual([1, 1, 1, 1]);
    for (const p of ps) p.dispose();
  });

  it("step(5), or a non-function closure, is a TypeError and steps nothing", () => {
    for (const info of OPTIMIZERS.filter((o) => !o.secondOrder)) {
      const ps = [Param.from([1, 2, 3], { shape: shapeOf(3, rankOf(info)) })];
      ps[0]!.grad.set([0.1, 0.2, 0.3]);
      const opt = info.make(ps);
      const before = bytesOf(ps, opt);
      refused(() => opt.step(5 as unknown as () => number), "type", /closure/);
      expect(sameBytes(bytesOf(ps, opt), before), info.name).toBe(true);
      opt.dispose();
      ps[0]!.dispose();
    }
  });

  it("a scheduler without its options is a TypeError naming them", () => {
    const p = new Param(1);
    const opt = new SGD([p], { lr: 0.1 });
    refused(() => new StepLR(opt, undefined as unknown as { stepSize: number }), "type", /options|stepSize/);
    p.dispose();
  });

  it("LBFGS: a param frozen after construction is not moved (its gradient counts as zero)", () => {
    const a = Param.from([1, 2], { dtype: "float64" }),
      b = Param.from([3, 4], { dtype: "float64" });
    const opt = new LBFGS([a, b], { maxIter: 5 });
    b.requiresGrad = false;
    const closure = () => {
      a.grad.set([2 * a.data[0]!, 2 * a.data[1]!]);
      b.grad.set([2 * b.data[0]!, 2 * b.data[1]!]);
      return a.data[0]! ** 2 + a.data[1]! ** 2 + b.data[0]! ** 2 + b.data[1]! ** 2;
    };
    opt.step(closure);
    expect([...b.data]).toEqual([3, 4]);
    expect(Math.abs(a.data[0]!)).toBeLessThan(1e-6);
    for (const x of [a, b]) x.dispose();
  });
});

describe("torch's own recipes", () => {
  it("SGD with no default lr when every group gives one (torch's `required`); a group without one is refused, naming it", () => {
    const a = Param.from([1]),
      b = Param.from([2]);
    const opt = new SGD([
      { params: [a], lr: 0.1 },
      { params: [b], lr: 0.01 },
    ]);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.01]);
    a.grad.set([1]);
    b.grad.set([1]);
    opt.step();
    expect([a.data[0], b.data[0]]).toEqual([Math.fround(0.9), Math.fround(1.99)]);
    const c = Param.from([3]);
    refused(() => new SGD([{ params: [c] }]), "type", /params\[0\]\.lr/);
    refused(() => opt.addParamGroup({ params: [c] }), "type", /lr/);
    for (const p of [a, b, c]) p.dispose();
  });
});
