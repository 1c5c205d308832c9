// Checkpoint files: every single-byte corruption and every truncation is refused with a
// CheckpointError and leaves the target optimizer exactly as it was; corruptions behind a
// recomputed CRC (exercising the parser and the validation) fail cleanly or load, and the
// declared padding is ignored; mismatches (optimizer, params, groups, attachments), bad
// values and future versions are each a typed error, with nothing modified.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { CheckpointError, crc32, packState, unpackState, type StateTree } from "../../src/index.js";
import { dispose, run, setup, type Ctx } from "./resume-runner.mjs";
import { throughJson } from "../helpers/snapshot.js";
const spec = { kind: "Adam", options: { amsgrad: true, weightDecay: 1e-2 } };

const source: Ctx = setup(api, spec);
run(source, 1, 21); // 6 steps, a skipped one, 2 micro-batches pending
const saved = source.opt.saveState();
const target: Ctx = setup(api, spec); // a different state: never stepped
run(target, 1, 4);
const before = target.opt.saveState();
afterAll(() => {
  dispose(source);
  dispose(target);
});

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
/** The bytes with a valid CRC-32 again (to reach the parser and the validation). */
function resealed(bytes: Uint8Array): Uint8Array {
  const b = bytes.slice();
  new DataView(b.buffer).setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
  return b;
}
function expectRefused(load: () => void, codes: string[], what = "load"): CheckpointError {
  let err: unknown;
  try {
    load();
  } catch (e) {
    err = e;
  }
  expect(err, `${what} must fail`).toBeInstanceOf(CheckpointError);
  expect(codes).toContain((err as CheckpointError).code);
  return err as CheckpointError;
}
const unchanged = () => expect(same(target.opt.saveState(), before), "target optimizer unchanged").toBe(true);

describe("attachment kinds", () => {
  it("come from each class's own static kind, not from its (minifiable) name; a subclass without one inherits its parent's", () => {
    const classes = [api.HyperparameterScheduler, api.SkipNonFinite, api.GradientAccumulator];
    const names = classes.map((c) => Object.getOwnPropertyDescriptor(c, "name")!);
    try {
      classes.forEach((c, i) => Object.defineProperty(c, "name", { value: `m${i}` })); // what a minifier does
      expect(source.opt.stateDict().attachments.map((a) => a.kind)).toEqual([
        "HyperparameterScheduler",
        "HyperparameterScheduler",
        "ExponentialLR",
        "SkipNonFinite",
        "GradientAccumulator",
      ]);
    } finally {
      classes.forEach((c, i) => Object.defineProperty(c, "name", names[i]!));
    }
    class CountingSkip extends api.SkipNonFinite {}
    const opt = new api.SGD([api.Param.from([1])], { lr: 0.1 });
    expect(new CountingSkip(opt).kind).toBe("SkipNonFinite");
    opt.dispose();
  });
});

describe("corrupted and truncated checkpoints", () => {
  it(`every one of the ${saved.length} bytes flipped: refused by the CRC-32, target unchanged`, () => {
    for (let i = 0; i < saved.length; i++) {
      const b = saved.slice();
      b[i]! ^= 1 + (i % 255);
      expectRefused(() => target.opt.loadState(b), ["checksum", "truncated", "format"]);
    }
    unchanged();
  });

  it("every truncation: refused, target unchanged", () => {
    for (let n = 0; n < saved.length; n += n < 64 ? 1 : 37)
      expectRefused(() => target.opt.loadState(saved.subarray(0, n)), ["truncated", "format"]);
    expectRefused(() => target.opt.loadState(saved.subarray(0, saved.length - 1)), ["truncated"]);
    unchanged();
  });

  it("500 random flips behind a recomputed CRC: a clean CheckpointError (target unchanged) or a load; padding is ignored", () => {
    let loaded = 0,
      identical = 0;
    fc.assert(
      fc.property(fc.nat(saved.length - 5), fc.integer({ min: 1, max: 255 }), (i, mask) => {
        const b = saved.slice();
        b[i]! ^= mask;
        const probe: Ctx = setup(api, spec);
        run(probe, 1, 4);
        try {
          probe.opt.loadState(resealed(b));
          loaded++;
          // loaded: identical to the original exactly when the byte was (zero) padding
          if (same(probe.opt.saveState(), saved)) {
            identical++;
            expect(saved[i]).toBe(0);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(CheckpointError);
          expect(same(probe.opt.saveState(), before)).toBe(true);
        } finally {
          dispose(probe);
        }
      }),
      { numRuns: 500, seed: 5 },
    );
    expect(loaded).toBeGreaterThan(0); // some flips only change numbers: the format cannot tell
    expect(identical).toBeLessThan(loaded);
  });

  it("a flip in declared padding loads the identical state", () => {
    // header 16 + object tag and count 5 + key "a" 5 + tag 1 + length 4 = 31: byte 31 pads to 32
    const bytes = packState({ a: new Float32Array([1.5, -2]) });
    expect(bytes[31]).toBe(0);
    const b = bytes.slice();
    b[31] = 0xa5;
    const back = unpackState(resealed(b)) as StateTree;
    expect(Array.from(back.a as Float32Array)).toEqual([1.5, -2]);
  });

  it("a future version, another magic, another kind of file, trailing bytes, reserved header bytes: typed errors", () => {
    for (const at of [5, 6, 7]) {
      const reserved = saved.slice();
      reserved[at] = 1;
      expectRefused(() => target.opt.loadState(resealed(reserved)), ["format"]);
    }
    const future = saved.slice();
    new DataView(future.buffer).setUint32(8, 2, true);
    expectRefused(() => target.opt.loadState(resealed(future)), ["version"]);
    const zero = saved.slice();
    new DataView(zero.buffer).setUint32(8, 0, true);
    expectRefused(() => target.opt.loadState(resealed(zero)), ["format"]);
    const magic = saved.slice();
    magic[0] = 0x58;
    expectRefused(() => target.opt.loadState(magic), ["format"]);
    expectRefused(() => target.opt.loadState(api.saveParams(target.params)), ["format"]);
    const longer = new Uint8Array(saved.length + 3);
    longer.set(saved);
    expectRefused(() => target.opt.loadState(longer), ["format"]);
    unchanged();
  });
});

describe("checkpoints of something else", () => {
  it("another optimizer kind", () => {
    const sgdCtx: Ctx = setup(api, { kind: "SGD", options: { lr: 0.1, momentum: 0.9 } });
    const e = expectRefused(() => target.opt.loadState(sgdCtx.opt.saveState()), ["mismatch"]);
    expect(e.message).toMatch(/SGD.*Adam/);
    dispose(sgdCtx);
    unchanged();
  });

  it("other params: count, size, dtype; other groups; other attachments", () => {
    const sd = source.opt.stateDict();
    const g0 = sd.paramGroups[0]!;
    const variants: [string, unknown][] = [
      ["one param fewer", { ...sd, paramGroups: [{ ...g0, params: g0.params.slice(1) }, sd.paramGroups[1]] }],
      [
        "a param of another size",
        { ...sd, paramGroups: [{ ...g0, params: [{ ...g0.params[0]!, size: 36 }, ...g0.params.slice(1)] }, sd.paramGroups[1]] },
      ],
      [
        "a param of another dtype",
        { ...sd, paramGroups: [{ ...g0, params: [{ ...g0.params[0]!, dtype: "float64" }, ...g0.params.slice(1)] }, sd.paramGroups[1]] },
      ],
      [
        "a buffer of another length",
        {
          ...sd,
          paramGroups: [
            {
              ...g0,
              params: [
                { ...g0.params[0]!, state: { ...g0.params[0]!.state!, buffers: { exp_avg: new Float32Array(3) } } },
                ...g0.params.slice(1),
              ],
            },
            sd.paramGroups[1],
          ],
        },
      ],
      ["one group fewer", { ...sd, paramGroups: [g0] }],
      [
        "another hyperparameter set",
        { ...sd, paramGroups: [{ ...g0, hyperparameters: { ...g0.hyperparameters, momentum: 0.9 } }, sd.paramGroups[1]] },
      ],
      ["one attachment fewer", { ...sd, attachments: sd.attachments.slice(1) }],
      ["attachments in another order", { ...sd, attachments: [sd.attachments[1], sd.attachments[0], ...sd.attachments.slice(2)] }],
      [
        "a scheduler of another schedule key",
        {
          ...sd,
          attachments: [
            { ...sd.attachments[0]!, state: { ...sd.attachments[0]!.state, config: { key: "eps", groups: [0] } } },
            ...sd.attachments.slice(1),
          ],
        },
      ],
      ["optimizer-level state it does not keep", { ...sd, extra: { mode: "eval" } }],
    ];
    for (const [what, v] of variants) {
      expectRefused(() => target.opt.loadStateDict(v as api.StateValue), ["mismatch"], what);
      unchanged();
    }
  });

  it("values that fail validation: a typed error naming the value, nothing modified", () => {
    const sd = source.opt.stateDict();
    const g0 = sd.paramGroups[0]!;
    const bad: [string, unknown][] = [
      ["a negative lr", { ...sd, paramGroups: [{ ...g0, hyperparameters: { ...g0.hyperparameters, lr: -1 } }, sd.paramGroups[1]] }],
      [
        "betas out of range",
        { ...sd, paramGroups: [{ ...g0, hyperparameters: { ...g0.hyperparameters, betas: [1.5, 0.9] } }, sd.paramGroups[1]] },
      ],
      [
        "a fractional step",
        {
          ...sd,
          paramGroups: [
            { ...g0, params: [{ ...g0.params[0]!, state: { ...g0.params[0]!.state!, step: 1.5 } }, ...g0.params.slice(1)] },
            sd.paramGroups[1],
          ],
        },
      ],
      [
        "a string buffer",
        {
          ...sd,
          paramGroups: [
            { ...g0, params: [{ ...g0.params[0]!, state: { ...g0.params[0]!.state!, buffers: { exp_avg: "x" } } }, ...g0.params.slice(1)] },
            sd.paramGroups[1],
          ],
        },
      ],
      [
        "a negative skip count",
        { ...sd, attachments: [...sd.attachments.slice(0, 3), { kind: "SkipNonFinite", state: { skippedSteps: -1 } }, sd.attachments[4]] },
      ],
      // pending === every, with a sum for each trainable param: full cycle, which a step would have taken
      [
        "as many pending micro-batches as a cycle",
        {
          ...sd,
          attachments: [
            ...sd.attachments.slice(0, 4),
            {
              kind: "GradientAccumulator",
              state: {
                every: 3,
                pending: 3,
                sums: target.params.filter((p) => p.requiresGrad).map((p) => new Array<number>(p.size).fill(0)),
              },
            },
          ],
        },
      ],
    ];
    for (const [what, v] of bad) {
      const e = expectRefused(() => target.opt.loadStateDict(v as api.StateValue), ["invalid", "mismatch"], what);
      expect(e.message, what).toMatch(/paramGroups|attachments/);
      unchanged();
    }
    const lr = expectRefused(() => target.opt.loadStateDict(bad[0]![1] as api.StateValue), ["invalid"]);
    expect(lr.cause).toBeInstanceOf(api.InvalidOptionError);
    expect(lr.message).toMatch(/lr.*-1/);
  });

  it("a stateDict through JSON (typed arrays as number arrays) loads to the same bytes", () => {
    const probe: Ctx = setup(api, spec);
    probe.opt.loadStateDict(throughJson(source.opt.stateDict()));
    expect(same(probe.opt.saveState(), saved)).toBe(true);
    dispose(probe);
  });
});

describe("the kind in checkpoints", () => {
  const classes = [
    api.SGD,
    api.Adagrad,
    api.RMSprop,
    api.Adam,
    api.AdamW,
    api.Adamax,
    api.NAdam,
    api.RAdam,
    api.Adadelta,
    api.Lion,
    api.SGDScheduleFree,
    api.AdamWScheduleFree,
    api.LBFGS,
    api.Newton,
  ];

  it("is a literal static kind on every optimizer class, the name earlier checkpoints carry", () => {
    for (const C of classes) {
      expect(Object.hasOwn(C, "kind"), C.name).toBe(true);
      expect(C.kind).toBe(C.name); // the names are unminified here: the literals keep the format
    }
  });

  it("does not depend on the JS class name: a renamed (minified) subclass saves and loads", () => {
    const Minified = class extends api.Adam {};
    Object.defineProperty(Minified, "name", { value: "e" });
    const p = api.Param.from([1, -2, 3]),
      q = api.Param.from([1, -2, 3]);
    const a = new Minified([p], { lr: 0.1 });
    p.grad.set([0.5, -1, 2]);
    a.step();
    expect(a.kind).toBe("Adam");
    const b = new api.Adam([q], { lr: 0.1 });
    b.loadState(a.saveState());
    expect(same(b.saveState(), a.saveState())).toBe(true);
    const c = new Minified([api.Param.from([0, 0, 0])], { lr: 0.1 });
    c.loadState(b.saveState());
    expect(c.state.values().next().value!.buffers.get("exp_avg")!.view).toEqual(a.state.get(p)!.buffers.get("exp_avg")!.view);
    for (const o of [a, b, c]) o.dispose();
  });

  it("a subclass with its own kind is another kind; one without any kind is refused at construction", () => {
    class Mine extends api.Adam {
      static override readonly kind = "MyAdam";
    }
    const mine = new Mine([api.Param.from([1])]),
      adam = new api.Adam([api.Param.from([1])]);
    expect(mine.kind).toBe("MyAdam");
    const e = expectRefused(() => adam.loadState(mine.saveState()), ["mismatch"]);
    expect(e.message).toMatch(/MyAdam.*Adam/);
    mine.dispose();
    adam.dispose();
    class NoKind extends api.FirstOrderOptimizer<{ lr: number }> {
      constructor(params: api.Param[]) {
        super(params, {}, { lr: { default: 1, check: (_n, v) => v as number } });
      }
      protected stateBuffers(): readonly api.StateBufferSpec[] {
        return [];
      }
      protected update(): void {}
    }
    expect(() => new NoKind([api.Param.from([1])])).toThrow(/static readonly kind/);
  });
});

describe("params files", () => {
  it("round trip, and refusals (count, size, dtype, corruption) that change no param", () => {
    const bytes = api.saveParams(source.params);
    const fresh = [new api.Param(37), new api.Param(1), new api.Param(5), new api.Param(130, { dtype: "float64" })];
    const snapshot = () => fresh.map((p) => Array.from(p.data));
    const empty = snapshot();
    expectRefused(() => api.loadParams(fresh.slice(1), bytes), ["mismatch"]);
    expectRefused(() => api.loadParams([new api.Param(36), ...fresh.slice(1)], bytes), ["mismatch"]);
    expectRefused(() => api.loadParams([...fresh.slice(0, 3), new api.Param(130)], bytes), ["mismatch"]);
    const flipped = bytes.slice();
    flipped[40]! ^= 4;
    expectRefused(() => api.loadParams(fresh, flipped), ["checksum"]);
    expectRefused(() => api.loadParams(fresh, saved), ["format"]);
    expect(snapshot()).toEqual(empty);
    api.loadParams(fresh, bytes);
    fresh.forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(source.params[i]!.data)));
    fresh[0]!.dispose();
    expect(() => api.loadParams(fresh, bytes)).toThrow(api.StateError);
    fresh.forEach((p) => p.dispose());
  });
});

describe("crc32", () => {
  it("is the IEEE CRC-32 (check value, and node:zlib's on random data of every length to 300)", async () => {
    const zlib = (await import("node:zlib")) as unknown as { crc32?: (b: Uint8Array) => number };
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(typeof zlib.crc32).toBe("function"); // node >= 20.15
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 2654435761) >>> 24);
    for (let n = 0; n <= data.length; n++) expect(crc32(data.subarray(0, n))).toBe(zlib.crc32!(data.subarray(0, n)));
  });
});
