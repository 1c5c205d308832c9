// The bad-input matrix (issue 11, "How it is shown"): every public constructor, method and
// option, fed what careless users and JSON give it — wrong types, NaN, ±Infinity, numbers out
// of range, names every object has (toString, constructor, a JSON "__proto__"), arrays where
// objects belong and objects where arrays belong, disposed and foreign params, strings for
// numbers. Each call must be refused with the right class and a stable code (a TypeError
// ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE, a RangeError ERR_OUT_OF_RANGE, or the library's
// own StateError / CheckpointError), a message under 300 characters naming the option, and the
// bytes of every param, gradient and saveState() exactly as before.
//
// The cases are generated: optimizer options from the registry's defaults (their types give
// the bad values), scheduler options from one valid options object per scheduler (likewise;
// an option that also takes one value per group is found by trying it), routes (constructor
// defaults, a constructor group, addParamGroup, a group's setter) crossed with values.
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import {
  CheckpointError,
  InvalidOptionError,
  type Optimizer,
  Param,
  SGD,
  StateError,
  type AnyOptimizer,
  type OptimizerStateDict,
} from "../../src/index.js";
import { OPTIMIZERS, rankOf, type OptimizerInfo } from "../registry.js";
import { isArray } from "../../src/options.js";
import { shapeOf } from "../helpers/shapes.mjs";

/** What a refusal must be: one of Node's three bad-argument kinds, or the library's own. */
type Kind = "type" | "value" | "range" | "state" | "checkpoint";
const CODES = { type: "ERR_INVALID_ARG_TYPE", value: "ERR_INVALID_ARG_VALUE", range: "ERR_OUT_OF_RANGE" } as const;

interface Case {
  /** "where: what" — the failure report's line. */
  title: string;
  /** The call that must be refused. */
  call: () => unknown;
  /** The acceptable kinds (the first is what the value is meant to provoke). */
  kinds: readonly Kind[];
  /** A name the message (and an InvalidOptionError's `option`) must contain. */
  names?: string;
}

/** Why the error `e` is not an acceptable refusal of kinds `kinds` naming `names`, or null. */
function fault(e: unknown, kinds: readonly Kind[], names?: string): string | null {
  if (!(e instanceof Error)) return `threw a non-Error ${String(e)}`;
  const m = e.message;
  if (m.length >= 300) return `message of ${m.length} characters`;
  const ok = kinds.some((k) => {
    if (k === "state") return e instanceof StateError && e.code.startsWith("ERR_WASM_OPTIM");
    if (k === "checkpoint") return e instanceof CheckpointError && typeof e.code === "string";
    return e instanceof InvalidOptionError && e instanceof (k === "range" ? RangeError : TypeError) && e.code === CODES[k];
  });
  if (!ok) return `${e.constructor.name} ${(e as { code?: string }).code ?? "(no code)"} "${m.slice(0, 120)}", wanted ${kinds.join("|")}`;
  if (names && !m.includes(names)) return `message does not name ${names}: "${m.slice(0, 160)}"`;
  if (names && e instanceof InvalidOptionError && !e.option.includes(names)) return `option ${e.option} does not name ${names}`;
  return null;
}

/** The bytes of every param's data and grad and of each optimizer's saveState(), as one comparable string. */
function snapshot(params: readonly Param[], opts: readonly Optimizer<object>[]): string {
  const parts: string[] = [];
  for (const p of params) {
    if (p.disposed) continue;
    for (const a of [p.data, p.grad]) parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64"));
    parts.push(String(p.requiresGrad), String(p.name));
  }
  for (const o of opts) if (!o.disposed) parts.push(Buffer.from(o.saveState()).toString("base64"), String(o.paramGroups.length));
  return parts.join("|");
}

/** Runs `cases` against a world of `params` and `opts`; returns the failures (the world must not change). */
function runCases(cases: readonly Case[], params: readonly Param[], opts: readonly Optimizer<object>[]): string[] {
  const failures: string[] = [];
  let before = snapshot(params, opts);
  for (const c of cases) {
    let err: unknown = NO_ERROR;
    try {
      c.call();
    } catch (e) {
      err = e;
    }
    const why = err === NO_ERROR ? "accepted" : fault(err, c.kinds, c.names);
    const after = snapshot(params, opts);
    if (why) failures.push(`${c.title}: ${why}`);
    else if (after !== before) failures.push(`${c.title}: refused, but params or state changed`);
    before = after; // one failure is reported once
  }
  return failures;
}
const NO_ERROR = Symbol("no error");

// ---- bad values by the type of a valid one

const json = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;
/** Names every object has, as JSON.parse gives them (`__proto__` becomes an own key). */
const INHERITED = ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"];

interface Bad {
  value: unknown;
  kinds: Kind[];
  /** The name the error must carry: the option (default) or an element (`betas[1]`). */
  at?: string;
  what: string;
}

/** Values of the wrong type for an option whose valid value is `valid`. */
function wrongTypes(valid: unknown): Bad[] {
  const all: [unknown, string][] = [
    ["0.5", "a string"],
    [null, "null"],
    [true, "true"],
    [{}, "{}"],
    [[], "[]"],
    [7n, "a bigint"],
    [() => 1, "a function"],
    [new Float32Array(2), "a Float32Array"],
    [1, "1"],
  ];
  const same = (v: unknown): boolean =>
    typeof v === typeof valid && Array.isArray(v) === Array.isArray(valid) && ArrayBuffer.isView(v) === ArrayBuffer.isView(valid);
  return all.filter(([v]) => !same(v)).map(([value, what]) => ({ value, what, kinds: ["type"] }));
}

/** Bad values for an option whose valid value is `valid` (null: a type-only list). */
function badValues(name: string, valid: unknown): Bad[] {
  const out = wrongTypes(valid).filter((b) => !(Array.isArray(valid) && Array.isArray(b.value))); // [] for an array: below
  if (typeof valid === "number") {
    for (const v of [NaN, Infinity, -Infinity]) out.push({ value: v, what: String(v), kinds: ["range"] });
  } else if (typeof valid === "string") {
    for (const v of ["bogus", "toString", "__proto__", valid.toUpperCase()])
      out.push({ value: v, what: JSON.stringify(v), kinds: ["value"] });
  } else if (Array.isArray(valid) && valid.length > 0) {
    out.push({ value: [], what: "[]", kinds: ["value", "type"] });
    out.push({ value: [...valid, ...valid, 1], what: "too long", kinds: ["value", "type"] });
    out.push({ value: Object.assign({}, valid), what: "an object with array keys", kinds: ["type"] });
    valid.forEach((x, i) => {
      if (typeof x !== "number") return;
      const at = `${name}[${i}]`;
      for (const v of [NaN, Infinity, -Infinity])
        out.push({ value: valid.map((y, j) => (j === i ? v : y)), at, what: `${at} ${v}`, kinds: ["range"] });
      out.push({ value: valid.map((y, j) => (j === i ? String(y) : y)), at, what: `${at} a string`, kinds: ["type"] });
    });
  }
  return out;
}

/**
 * Values the generator calls bad that are valid: Rprop's largest step size may be Infinity (no
 * clamp); MultiStepLR's milestones may be empty or repeat (torch's Counter); null is CyclicLR's
 * "as stepSizeUp" and Muon's default adjustment.
 */
const VALID: Record<string, (v: unknown) => boolean> = {
  "Rprop.stepSizes": (v) => isArray(v) && v[1] === Infinity,
  "MultiStepLR.milestones": (v) => isArray(v) && v.every((m) => Number.isSafeInteger(m) && (m as number) >= 0),
  "CyclicLR.stepSizeDown": (v) => v === null,
  "Muon.adjustLrFn": (v) => v === null,
};
const validAfterAll = (owner: string, name: string, v: unknown): boolean => VALID[`${owner}.${name}`]?.(v) ?? false;

// ---- optimizers (every entry of the registry)

/** A live world for one optimizer: 2 stepped params, a spare param q, the optimizer. */
function world(info: OptimizerInfo) {
  const shape = (n: number) => shapeOf(n, rankOf(info));
  const dtype = info.secondOrder ? "float64" : "float32";
  const ps = [Param.from([0.5, -1, 2, 0.25], { shape: shape(4), dtype }), Param.from([3, -0.5], { shape: shape(2), dtype })];
  const q = Param.from([1, 1], { shape: shape(2), dtype, name: "q" });
  const opt = info.make(ps);
  const fill = () => ps.forEach((p, i) => p.grad.set(Array.from(p.data, (x, j) => Math.sin(x + i + j))));
  const closure = () => {
    fill();
    return ps.reduce((a, p) => a + Array.from(p.data).reduce((s, x) => s + x * x, 0), 0);
  };
  const n = ps.reduce((a, p) => a + p.size, 0);
  const hessian = (H: Float64Array) => {
    H.fill(0);
    for (let i = 0; i < n; i++) H[i * n + i] = 2;
  };
  const step =
    info.name === "Newton"
      ? () => (opt as unknown as api.Newton).step(closure, hessian)
      : () => (info.needsClosure ? opt.step(closure) : opt.step());
  for (let t = 0; t < 2; t++) {
    fill();
    step();
  }
  fill();
  return { ps, q, opt, closure, dispose: () => [...ps, q].forEach((p) => p.dispose()) };
}

function optimizerCases(info: OptimizerInfo, w: ReturnType<typeof world>): Case[] {
  const { ps, q, opt } = w;
  const cases: Case[] = [];
  const make = (params: unknown, options?: Record<string, unknown>) => info.make(params as Param[], options);
  const groupOf = (o: Record<string, unknown>) => [{ params: ps, ...o }];
  const addable = typeof (opt as { addParamGroup?: unknown }).addParamGroup === "function";
  const add = (g: unknown) => (opt as unknown as { addParamGroup(g: unknown): void }).addParamGroup(g);
  const group = opt.paramGroups[0] as unknown as Record<string, unknown>;

  // every option, by every route
  for (const [name, valid] of Object.entries(info.defaults)) {
    if (valid === null) continue; // Muon's adjustLrFn: an enum with a null default, below
    for (const bad of badValues(name, valid)) {
      if (validAfterAll(info.name, name, bad.value)) continue;
      const names = bad.at ?? name;
      const base = { kinds: bad.kinds, names };
      cases.push({ ...base, title: `${info.name}(options.${name} = ${bad.what})`, call: () => make(ps, { [name]: bad.value }) });
      if (info.supportsGroups) {
        cases.push({ ...base, title: `${info.name}([{ ${name}: ${bad.what} }])`, call: () => make(groupOf({ [name]: bad.value })) });
      }
      if (addable)
        cases.push({
          ...base,
          title: `${info.name}.addParamGroup({ ${name}: ${bad.what} })`,
          call: () => add({ params: [q], [name]: bad.value }),
        });
      cases.push({ ...base, title: `${info.name} group.${name} = ${bad.what}`, call: () => (group[name] = bad.value) });
    }
  }
  if ("adjustLrFn" in info.defaults) {
    for (const bad of badValues("adjustLrFn", "original").filter((b) => !validAfterAll("Muon", "adjustLrFn", b.value)))
      cases.push({
        title: `Muon(adjustLrFn = ${bad.what})`,
        kinds: bad.kinds,
        names: "adjustLrFn",
        call: () => make(ps, { adjustLrFn: bad.value }),
      });
  }
  // names that are not options: unknown, inherited, JSON's __proto__
  for (const key of ["bogus", ...INHERITED]) {
    const bad = json(`{"${key}": 1}`);
    cases.push({ title: `${info.name}(options { ${key} })`, kinds: ["value"], names: key, call: () => make(ps, bad) });
    if (info.supportsGroups)
      cases.push({ title: `${info.name}([{ ${key} }])`, kinds: ["value"], names: key, call: () => make([{ params: ps, ...bad }]) });
    if (addable)
      cases.push({
        title: `${info.name}.addParamGroup({ ${key} })`,
        kinds: ["value"],
        names: key,
        call: () => add({ params: [q], ...bad }),
      });
  }
  // the options argument itself
  for (const [v, what] of [
    [[], "[]"],
    [[0.1], "[0.1]"],
    ["lr", "a string"],
    [5, "a number"],
    [null, "null"],
  ] as const) {
    cases.push({
      title: `${info.name}(params, ${what})`,
      kinds: ["type"],
      names: "options",
      call: () => new info.cls(ps as never, v as never),
    });
  }
  // the params argument
  const disposed = Param.from([1, 2]);
  disposed.dispose();
  const badParams: [unknown, string, Kind[]][] = [
    [null, "null", ["type"]],
    [undefined, "undefined", ["type"]],
    [5, "a number", ["type"]],
    ["params", "a string", ["type"]],
    [{}, "{}", ["type"]],
    [{ params: ps }, "a group object (not in an array)", ["type"]],
    [[], "[]", ["type", "value"]],
    [[5], "[5]", ["type"]],
    [[null], "[null]", ["type"]],
    [[ps[0]!.data], "[Float32Array]", ["type"]],
    [[ps[0], ps[0]], "the same Param twice", ["value", "type"]],
    [[ps[0], disposed], "a disposed Param", ["type", "state"]],
    [[ps[0], { params: [q] }], "a Param and a group", ["type"]],
    [[{ params: "p" }], "a group whose params is a string", ["type"]],
    [[{ params: ps[0] }], "a group whose params is one Param", ["type"]],
    [[{}], "a group without params", ["type"]],
    [[{ params: [ps[0]] }, { params: [ps[0]] }], "one Param in two groups", ["value", "type"]],
    [[ps], "an array of an array", ["type"]],
  ];
  for (const [v, what, kinds] of badParams) {
    if (!info.supportsGroups && what.includes("group")) continue;
    cases.push({ title: `${info.name}(${what})`, kinds, names: "params", call: () => make(v) });
  }
  if (addable) {
    const badGroups: [unknown, string, Kind[]][] = [
      [null, "null", ["type"]],
      [[q], "[q] (an array, not a group)", ["type"]],
      [q, "a Param", ["type"]],
      [{ params: q }, "params: one Param", ["type"]],
      [{ params: [ps[0]] }, "a param of another group (foreign)", ["value", "type"]],
      [{ params: [q, q] }, "the same param twice", ["value", "type"]],
      [{ params: [disposed] }, "a disposed param", ["type", "state"]],
      [{ params: [q.data] }, "a Float32Array", ["type"]],
      [{ params: "q" }, "params: a string", ["type"]],
    ];
    for (const [v, what, kinds] of badGroups)
      cases.push({ title: `${info.name}.addParamGroup(${what})`, kinds, names: "group", call: () => add(v) });
  }
  // methods
  for (const [v, what] of [
    [5, "5"],
    ["f", "a string"],
    [{}, "{}"],
    [[() => 1], "[fn]"],
  ] as const) {
    cases.push({ title: `${info.name}.step(${what})`, kinds: ["type"], names: "closure", call: () => opt.step(v as never) });
  }
  if (info.name === "Newton") {
    for (const [h, what] of [
      [undefined, "nothing"],
      [5, "5"],
      [{}, "{}"],
      [{ hvp: 5 }, "{ hvp: 5 }"],
      ["H", "a string"],
    ] as const) {
      cases.push({
        title: `Newton.step(closure, ${what})`,
        kinds: ["type"],
        names: "hessian",
        call: () => (opt as unknown as api.Newton).step(w.closure, h as never),
      });
    }
  }
  if (info.needsClosure)
    cases.push({ title: `${info.name}.step() without closure`, kinds: ["type", "value"], names: "closure", call: () => opt.step() });
  for (const [v, what] of [
    [null, "null"],
    [5, "5"],
    ["WOPT", "a string"],
    [[87, 79, 80, 84], "an array of bytes"],
    [new Float32Array(8), "a Float32Array"],
    [new Uint8Array(0), "0 bytes"],
    [new Uint8Array(64), "64 zero bytes"],
  ] as const) {
    cases.push({ title: `${info.name}.loadState(${what})`, kinds: ["checkpoint", "type"], call: () => opt.loadState(v as never) });
    cases.push({ title: `${info.name}.loadStateDict(${what})`, kinds: ["checkpoint", "type"], call: () => opt.loadStateDict(v as never) });
  }
  const saved = opt.saveState();
  const sd = opt.stateDict();
  for (const [v, what] of [
    [null, "null"],
    [[], "[]"],
    ["all", "a string"],
    [{ attachments: "no" }, "attachments: a string"],
    [{ attachments: 0 }, "attachments: 0"],
    [{ attachment: false }, "an unknown option"],
    [json('{"toString": false}'), "toString"],
  ] as const) {
    const names = typeof v === "object" && v !== null && !Array.isArray(v) ? Object.keys(v)[0] : "options";
    const kinds: Kind[] = names === "options" || names === "attachments" ? ["type"] : ["value"];
    cases.push({ title: `${info.name}.loadState(bytes, ${what})`, kinds, names, call: () => opt.loadState(saved, v as never) });
    cases.push({
      title: `${info.name}.loadStateDict(sd, ${what})`,
      kinds,
      names,
      call: () => opt.loadStateDict(sd, v as never),
    });
  }
  for (const [v, what] of [
    [5, "5"],
    [null, "null"],
    [{}, "{}"],
    [{ kind: "X" }, "an object without stateDict"],
  ] as const) {
    cases.push({ title: `${info.name}.attach(${what})`, kinds: ["type"], names: "attachment", call: () => opt.attach(v as never) });
  }
  // a state dict of another kind, and one with a foreign param count
  const other = new SGD([Param.from([1])], { lr: 0.1 });
  cases.push({ title: `${info.name}.loadStateDict(an SGD's)`, kinds: ["checkpoint"], call: () => opt.loadStateDict(other.stateDict()) });
  cases.push({ title: `${info.name}.loadState(an SGD's)`, kinds: ["checkpoint"], call: () => opt.loadState(other.saveState()) });
  const sdOf = sd as unknown as OptimizerStateDict & { paramGroups: { params: unknown[] }[] };
  const fewer = { ...sdOf, paramGroups: sdOf.paramGroups.map((g) => ({ ...g, params: g.params.slice(0, 1) })) };
  cases.push({
    title: `${info.name}.loadStateDict(one param fewer)`,
    kinds: ["checkpoint"],
    call: () => opt.loadStateDict(fewer),
  });
  return cases;
}

// ---- schedulers: one valid construction each; the valid options' types give the bad values

interface SchedulerSpec {
  name: string;
  options: Record<string, unknown>;
  /** Makes it (children first, for SequentialLR and ChainedScheduler). */
  make: (opt: AnyOptimizer, options: Record<string, unknown>) => unknown;
  /** Children the options refer to, built on the world's optimizer before the snapshot. */
  children?: (opt: AnyOptimizer) => Record<string, unknown>;
}

const ctor =
  (name: string) =>
  (opt: AnyOptimizer, options: Record<string, unknown>): unknown =>
    new (api as unknown as Record<string, new (o: unknown, x: unknown) => unknown>)[name]!(opt, options);

const SCHEDULERS: SchedulerSpec[] = [
  { name: "LambdaLR", options: { lrLambda: (e: number) => 0.9 ** e, lastEpoch: -1 } },
  { name: "MultiplicativeLR", options: { lrLambda: () => 0.9 } },
  { name: "StepLR", options: { stepSize: 2, gamma: 0.5, lastEpoch: -1 } },
  { name: "MultiStepLR", options: { milestones: [2, 4], gamma: 0.5 } },
  { name: "ConstantLR", options: { factor: 0.5, totalIters: 3 } },
  { name: "LinearLR", options: { startFactor: 0.5, endFactor: 1, totalIters: 3 } },
  { name: "ExponentialLR", options: { gamma: 0.9 } },
  { name: "PolynomialLR", options: { totalIters: 5, power: 2 } },
  { name: "CosineAnnealingLR", options: { tMax: 5, etaMin: 0.001 } },
  { name: "CosineAnnealingWarmRestarts", options: { t0: 3, tMult: 2, etaMin: 0.001 } },
  {
    name: "CyclicLR",
    options: {
      baseLr: 0.01,
      maxLr: 0.1,
      stepSizeUp: 2,
      stepSizeDown: 3,
      mode: "triangular2",
      gamma: 0.9,
      scaleMode: "cycle",
      cycleMomentum: true,
      baseMomentum: 0.8,
      maxMomentum: 0.9,
    },
  },
  {
    name: "OneCycleLR",
    options: {
      maxLr: 0.1,
      totalSteps: 10,
      pctStart: 0.3,
      annealStrategy: "cos",
      cycleMomentum: true,
      baseMomentum: 0.85,
      maxMomentum: 0.95,
      divFactor: 25,
      finalDivFactor: 1e4,
      threePhase: false,
    },
  },
  { name: "SWALR", options: { swaLr: 0.05, annealEpochs: 3, annealStrategy: "cos" } },
  {
    name: "ReduceLROnPlateau",
    options: { mode: "min", factor: 0.5, patience: 2, threshold: 1e-4, thresholdMode: "rel", cooldown: 1, minLr: 0, eps: 1e-8 },
  },
  {
    name: "SequentialLR",
    options: { milestones: [2] },
    children: (opt: AnyOptimizer) => ({
      schedulers: [new api.ConstantLR(opt, { factor: 0.5, totalIters: 2 }), new api.ExponentialLR(opt, { gamma: 0.9 })],
    }),
  },
  {
    name: "ChainedScheduler",
    options: {},
    children: (opt: AnyOptimizer) => ({
      schedulers: [new api.ConstantLR(opt, { factor: 0.5, totalIters: 2 }), new api.ExponentialLR(opt, { gamma: 0.9 })],
    }),
  },
].map((s: Omit<SchedulerSpec, "make">) => ({ ...s, make: ctor(s.name) }));

function schedulerCases(
  spec: SchedulerSpec,
  opt: AnyOptimizer,
  children: Record<string, unknown>,
  live: { step(x?: unknown): void; loadStateDict(s: unknown): void },
): Case[] {
  const cases: Case[] = [];
  const valid = { ...spec.options, ...children };
  const make = (o: unknown) => spec.make(opt, o as Record<string, unknown>);
  // an option that takes one value per group: found by trying it on a throwaway optimizer of 2 groups
  const perGroup = (name: string): boolean => {
    const [a, b] = [Param.from([1]), Param.from([2])];
    const o = new SGD([{ params: [a] }, { params: [b] }], { lr: 0.1, momentum: 0.9 });
    try {
      spec.make(o, { ...valid, ...spec.children?.(o), [name]: [valid[name], valid[name]] });
      return true;
    } catch {
      return false;
    } finally {
      o.dispose();
      a.dispose();
      b.dispose();
    }
  };
  for (const [name, v] of Object.entries(valid)) {
    const bads = badValues(name, v);
    if (typeof v === "number" && perGroup(name)) {
      bads.push({ value: [v], what: "one value for 2 groups", kinds: ["value", "type"] });
      bads.push({ value: [v, NaN], at: `${name}[1]`, what: `${name}[1] NaN`, kinds: ["range"] });
      bads.push({ value: [v, "1"], at: `${name}[1]`, what: `${name}[1] a string`, kinds: ["type"] });
    }
    for (const bad of bads) {
      if ((name === "lrLambda" && typeof bad.value === "function") || validAfterAll(spec.name, name, bad.value)) continue;
      cases.push({
        title: `${spec.name}(${name} = ${bad.what})`,
        kinds: bad.kinds,
        names: bad.at ?? name,
        call: () => make({ ...valid, [name]: bad.value }),
      });
    }
  }
  for (const key of ["bogus", ...INHERITED]) {
    const extra = json(`{"${key}": 1}`);
    cases.push({ title: `${spec.name}(options { ${key} })`, kinds: ["value"], names: key, call: () => make({ ...valid, ...extra }) });
  }
  for (const [o, what] of [
    [null, "null"],
    [[], "[]"],
    [5, "5"],
    ["x", "a string"],
  ] as const) {
    if (spec.name === "LambdaLR" || spec.name === "MultiplicativeLR") continue; // their second argument may be a function or functions
    cases.push({ title: `${spec.name}(opt, ${what})`, kinds: ["type"], names: "options", call: () => make(o) });
  }
  const disposedOpt = new SGD([Param.from([1])], { lr: 0.1 });
  disposedOpt.dispose();
  for (const [o, what, kinds] of [
    [null, "null", ["type"]],
    [{}, "{}", ["type"]],
    [{ paramGroups: opt.paramGroups }, "a look-alike", ["type"]],
    [disposedOpt, "a disposed optimizer", ["state", "type"]],
  ] as [unknown, string, Kind[]][]) {
    // with children (SequentialLR, ChainedScheduler) the error may name them: they belong to another optimizer
    const names = spec.children ? undefined : "optimizer";
    cases.push({ title: `${spec.name}(${what}, options)`, kinds, names, call: () => spec.make(o as AnyOptimizer, valid) });
  }
  // step's argument
  const stepBad: [unknown, string, Kind[]][] =
    spec.name === "ReduceLROnPlateau"
      ? [
          ["0.5", "a string", ["type"]],
          [null, "null", ["type"]],
          [{}, "{}", ["type"]],
          [undefined, "nothing", ["type"]],
        ]
      : spec.name === "ChainedScheduler"
        ? []
        : spec.name === "CosineAnnealingWarmRestarts" // torch's takes fractional epochs (step(epoch + i / iters))
          ? [
              ["3", "a string", ["type"]],
              [NaN, "NaN", ["range"]],
              [-2, "-2", ["range"]],
              [Infinity, "Infinity", ["range"]],
              [null, "null", ["type"]],
            ]
          : spec.name === "SequentialLR" // torch's takes no epoch
            ? [
                ["3", "a string", ["type"]],
                [3, "3", ["value"]],
                [null, "null", ["type"]],
              ]
            : [
                ["3", "a string", ["type"]],
                [NaN, "NaN", ["range"]],
                [1.5, "1.5", ["range"]],
                [-2, "-2", ["range"]],
                [Infinity, "Infinity", ["range"]],
                [null, "null", ["type"]],
              ];
  for (const [v, what, kinds] of stepBad) cases.push({ title: `${spec.name}.step(${what})`, kinds, call: () => live.step(v) });
  for (const [v, what] of [
    [null, "null"],
    [5, "5"],
    [[], "[]"],
    [{}, "{}"],
    [{ lastEpoch: "3" }, "lastEpoch: a string"],
  ] as const) {
    cases.push({ title: `${spec.name}.loadStateDict(${what})`, kinds: ["checkpoint", "type"], call: () => live.loadStateDict(v) });
  }
  return cases;
}

// ---- the rest of the public API: Param, transforms, AveragedModel, minimize, threads, checkpoints

function toolkitCases(opt: Optimizer<object>, ps: Param[], q: Param): Case[] {
  const cases: Case[] = [];
  const push = (title: string, kinds: Kind[], names: string | undefined, call: () => unknown) => cases.push({ title, kinds, names, call });
  const disposed = Param.from([1, 2]);
  disposed.dispose();
  const p = ps[0]!;

  // Param: constructor, from, wrap, many, setters, a disposed one
  for (const [v, what, kinds] of [
    ["3", "a string", ["type"]],
    [null, "null", ["type"]],
    [{}, "{}", ["type"]],
    [-1, "-1", ["range"]],
    [2.5, "2.5", ["range"]],
    [NaN, "NaN", ["range"]],
    [Infinity, "Infinity", ["range"]],
    [2 ** 40, "2 ** 40", ["range"]],
    [[2, -1], "[2, -1]", ["range"]],
    [[2, 1.5], "[2, 1.5]", ["range"]],
    [[2, "3"], '[2, "3"]', ["type"]],
    [[[2]], "[[2]]", ["type"]],
    [[2 ** 20, 2 ** 20], "a shape beyond wasm32", ["range"]],
  ] as [unknown, string, Kind[]][]) {
    push(`new Param(${what})`, kinds, Array.isArray(v) ? "shape" : "size", () => new Param(v as number));
  }
  const paramOptions: [unknown, string, Kind[], string][] = [
    [null, "null", ["type"], "options"],
    [[], "[]", ["type"], "options"],
    [5, "5", ["type"], "options"],
    ["float64", "a string", ["type"], "options"],
    [{ dtype: "float16" }, "dtype float16", ["value", "type"], "dtype"],
    [{ dtype: 64 }, "dtype 64", ["type"], "dtype"],
    [{ shape: "3" }, "shape a string", ["type"], "shape"],
    [{ shape: [2] }, "shape of 2 for 3", ["value", "range", "type"], "shape"],
    [{ shape: [3, -1] }, "shape [3, -1]", ["range"], "shape"],
    [{ shape: [NaN] }, "shape [NaN]", ["range"], "shape"],
    [{ requiresGrad: "no" }, "requiresGrad a string", ["type"], "requiresGrad"],
    [{ requiresGrad: 0 }, "requiresGrad 0", ["type"], "requiresGrad"],
    [{ name: 5 }, "name 5", ["type"], "name"],
    [{ name: null }, "name null", ["type"], "name"],
    [{ dtyp: "float64" }, "a misspelt option", ["value"], "dtyp"],
    ...INHERITED.map((k): [unknown, string, Kind[], string] => [json(`{"${k}": 1}`), k, ["value"], k]),
  ];
  for (const [o, what, kinds, names] of paramOptions) {
    push(`new Param(3, ${what})`, kinds, names, () => new Param(3, o as never));
    push(`Param.from([1, 2, 3], ${what})`, kinds, names, () => Param.from([1, 2, 3], o as never));
    if (!what.startsWith("dtype"))
      push(`Param.wrap(data, grad, ${what})`, kinds, names, () => Param.wrap(new Float32Array(3), new Float32Array(3), o as never));
  }
  for (const [v, what, kinds, names] of [
    [null, "null", ["type"], "values"],
    [5, "5", ["type"], "values"],
    ["123", "a string", ["type"], "values"],
    [{}, "{}", ["type"], "values"],
    [[1, NaN], "[1, NaN]", ["range"], "values[1]"],
    [[1, Infinity], "[1, Infinity]", ["range"], "values[1]"],
    [[1, "2"], '[1, "2"]', ["type"], "values[1]"],
    [[1, null], "[1, null]", ["type"], "values[1]"],
    [new Float64Array([1, -Infinity]), "Float64Array [1, -Infinity]", ["range"], "values[1]"],
    [{ length: -1 }, "{ length: -1 }", ["type", "range"], "values"],
    [{ length: 2 ** 40 }, "{ length: 2 ** 40 }", ["type", "range"], "values"],
  ] as [unknown, string, Kind[], string][]) {
    push(`Param.from(${what})`, kinds, names, () => Param.from(v as never));
  }
  const f32 = new Float32Array(3),
    f64 = new Float64Array(3);
  for (const [d, g, what, names] of [
    [[1, 2, 3], f32, "data an array", "data"],
    [null, f32, "data null", "data"],
    [new Int32Array(3), f32, "data an Int32Array", "data"],
    [f32, f64, "grad of another dtype", "grad"],
    [f32, new Float32Array(2), "grad of another length", "grad"],
    [f32, null, "grad null", "grad"],
    [f32, [0, 0, 0], "grad an array", "grad"],
  ] as [unknown, unknown, string, string][]) {
    push(`Param.wrap(${what})`, ["type", "value"], names, () => Param.wrap(d as Float32Array, g as Float32Array));
  }
  for (const [s, o, what, kinds, names] of [
    [null, {}, "shapes null", ["type"], "shapes"],
    [5, {}, "shapes 5", ["type"], "shapes"],
    [{ 0: 2 }, {}, "shapes an object", ["type"], "shapes"],
    [[2, -1], {}, "a size -1", ["range"], "shapes[1]"],
    [[2, NaN], {}, "a size NaN", ["range"], "shapes[1]"],
    [[2, "3"], {}, "a size a string", ["type"], "shapes[1]"],
    [[2, [3, 1.5]], {}, "a dimension 1.5", ["range"], "shapes[1]"],
    [[2 ** 29, 2 ** 29, 1], {}, "a total beyond wasm32", ["range"], "shapes"],
    [[2], null, "options null", ["type"], "options"],
    [[2], [], "options []", ["type"], "options"],
    [[2], { dtype: "int8" }, "dtype int8", ["value", "type"], "dtype"],
    [[2], { requiresGrad: "yes" }, "requiresGrad a string", ["type"], "requiresGrad"],
    [[2, 3], { names: ["a"] }, "one name for 2", ["value", "type"], "names"],
    [[2, 3], { names: ["a", 5] }, "a name 5", ["type"], "names"],
    [[2, 3], { names: "ab" }, "names a string", ["type"], "names"],
    [[2], { name: "a" }, "name (not names)", ["value"], "name"],
    ...INHERITED.map((k): [unknown, unknown, string, Kind[], string] => [[2], json(`{"${k}": 1}`), k, ["value"], k]),
  ] as [unknown, unknown, string, Kind[], string][]) {
    push(`Param.many(${what})`, kinds, names, () => Param.many(s as never, o as never));
  }
  for (const [v, what] of [
    ["no", "a string"],
    [0, "0"],
    [null, "null"],
    [undefined, "undefined"],
  ] as const) {
    push(`p.requiresGrad = ${what}`, ["type"], "requiresGrad", () => (p.requiresGrad = v as never));
  }
  for (const [v, what] of [
    [5, "5"],
    [null, "null"],
    [{}, "{}"],
    [["w"], '["w"]'],
  ] as const) {
    push(`p.name = ${what}`, ["type"], "name", () => (p.name = v as never));
  }
  push("disposed.data", ["state"], undefined, () => disposed.data);
  push("disposed.grad", ["state"], undefined, () => disposed.grad);
  push("disposed.zeroGrad()", ["state"], undefined, () => disposed.zeroGrad());

  // transforms
  const clipParams: [unknown, string, Kind[], string | undefined][] = [
    [null, "null", ["type"], "params"],
    [5, "5", ["type"], "params"],
    [[5], "[5]", ["type"], "params[0]"],
    [[p, disposed], "a disposed param", ["state", "type"], "params[1]"],
    [[p.grad], "a Float32Array", ["type"], "params[0]"],
  ];
  for (const [v, what, kinds, names] of clipParams) {
    push(`clipGradNorm(${what}, 1)`, kinds, names, () => api.clipGradNorm(v as never, 1));
    push(`clipGradValue(${what}, 1)`, kinds, names, () => api.clipGradValue(v as never, 1));
  }
  for (const bad of [...badValues("maxNorm", 1), { value: -1, what: "-1", kinds: ["range"] as Kind[] }]) {
    push(`clipGradNorm(ps, maxNorm ${bad.what})`, bad.kinds, "maxNorm", () => api.clipGradNorm(ps, bad.value as number));
  }
  for (const bad of [...badValues("clipValue", 1), { value: -1, what: "-1", kinds: ["range"] as Kind[] }]) {
    push(`clipGradValue(ps, ${bad.what})`, bad.kinds, undefined, () => api.clipGradValue(ps, bad.value as number));
  }
  for (const bad of [
    ...badValues("normType", 2).filter((b) => b.value !== Infinity),
    { value: -1, what: "-1", kinds: ["range"] as Kind[] },
  ]) {
    push(`clipGradNorm(ps, 1, normType ${bad.what})`, bad.kinds, "normType", () => api.clipGradNorm(ps, 1, bad.value as number));
  }
  for (const [o, what, kinds, names] of [
    [null, "null", ["type"], "options"],
    [[], "[]", ["type"], "options"],
    [{ errorIfNonfinite: "yes" }, "errorIfNonfinite a string", ["type"], "errorIfNonfinite"],
    [{ errorIfNonFinite: true }, "a misspelt option", ["value"], "errorIfNonFinite"],
    ...INHERITED.map((k): [unknown, string, Kind[], string] => [json(`{"${k}": 1}`), k, ["value"], k]),
  ] as [unknown, string, Kind[], string][]) {
    push(`clipGradNorm(ps, 1, 2, ${what})`, kinds, names, () => api.clipGradNorm(ps, 1, 2, o as never));
  }
  const notOptimizers: [unknown, string][] = [
    [null, "null"],
    [5, "5"],
    [{}, "{}"],
    [{ step() {} }, "a look-alike"],
  ];
  for (const [t, what] of notOptimizers) {
    push(`skipNonFinite(${what})`, ["type"], "optimizer", () => api.skipNonFinite(t as never));
    push(`new SkipNonFinite(${what})`, ["type"], "optimizer", () => new api.SkipNonFinite(t as never));
    push(`accumulateGradients(${what}, 2)`, ["type"], "target", () => api.accumulateGradients(t as never, 2));
    push(`new GradientAccumulator(${what}, 2)`, ["type"], "target", () => new api.GradientAccumulator(t as never, 2));
    push(
      `new AveragedModel(ps, { optimizer: ${what} })`,
      t === null ? ["type"] : ["type"],
      "optimizer",
      () => new api.AveragedModel(ps, { optimizer: t as never }),
    );
    push(`scheduleHyperparameter(${what}, "lr", s)`, ["type"], "optimizer", () => api.scheduleHyperparameter(t as never, "lr", () => 0.1));
  }
  for (const [o, what, kinds, names] of [
    [null, "null", ["type"], "options"],
    [[], "[]", ["type"], "options"],
    [{ throw: "yes" }, "throw a string", ["type"], "throw"],
    [{ maxNorm: NaN }, "maxNorm NaN", ["range"], "maxNorm"],
    [{ maxNorm: -1 }, "maxNorm -1", ["range"], "maxNorm"],
    [{ maxNorm: "1" }, "maxNorm a string", ["type"], "maxNorm"],
    [{ maxNorm: 1, normType: NaN }, "normType NaN", ["range"], "normType"],
    [{ maxNorm: 1, normType: "2" }, "normType a string", ["type"], "normType"],
    [{ maxnorm: 1 }, "a misspelt option", ["value"], "maxnorm"],
    ...INHERITED.map((k): [unknown, string, Kind[], string] => [json(`{"${k}": 1}`), k, ["value"], k]),
  ] as [unknown, string, Kind[], string][]) {
    push(`skipNonFinite(opt, ${what})`, kinds, names, () => api.skipNonFinite(opt, o as never));
  }
  for (const bad of [
    ...badValues("every", 2),
    ...[0, -1, 1.5, 2 ** 60].map((v) => ({ value: v, what: String(v), kinds: ["range"] as Kind[] })),
  ]) {
    push(`accumulateGradients(opt, ${bad.what})`, bad.kinds, "every", () => api.accumulateGradients(opt, bad.value as number));
  }

  // hyperparameter schedules
  for (const [key, what, kinds] of [
    ["bogus", "an unknown hyperparameter", ["value"]],
    ["toString", "toString", ["value"]],
    ["__proto__", "__proto__", ["value"]],
    ["params", "params", ["value"]],
    [5, "a number", ["type"]],
    [null, "null", ["type"]],
  ] as [unknown, string, Kind[]][]) {
    push(`scheduleHyperparameter(opt, ${what}, s)`, kinds, "hyperparameter", () =>
      api.scheduleHyperparameter(opt, key as string, () => 0.1),
    );
  }
  const key = "lr" in opt.paramGroups[0]! ? "lr" : Object.keys(opt.paramGroups[0]!).find((k) => k !== "params")!;
  for (const [s, what] of [
    [0.1, "a number"],
    [null, "null"],
    ["cos", "a string"],
  ] as const) {
    push(`scheduleHyperparameter(opt, ${key}, ${what})`, ["type"], "schedule", () => api.scheduleHyperparameter(opt, key, s as never));
  }
  for (const [o, what, kinds, names] of [
    [null, "null", ["type"], "options"],
    [[], "[]", ["type"], "options"],
    [{ group: 5 }, "group 5 of 1", ["range"], "group"],
    [{ group: -1 }, "group -1", ["range"], "group"],
    [{ group: 0.5 }, "group 0.5", ["range"], "group"],
    [{ group: "0" }, "group a string", ["type"], "group"],
    [{ group: [0, 0] }, "group [0, 0]", ["value", "range"], "group"],
    [{ groups: 0 }, "a misspelt option", ["value"], "groups"],
    ...INHERITED.map((k): [unknown, string, Kind[], string] => [json(`{"${k}": 1}`), k, ["value"], k]),
  ] as [unknown, string, Kind[], string][]) {
    push(`scheduleHyperparameter(opt, ${key}, s, ${what})`, kinds, names, () =>
      api.scheduleHyperparameter(opt, key, () => 0.1, o as never),
    );
  }
  for (const [name, f, arity] of Object.entries(api.schedules).map(
    ([n, f]) => [n, f, (f as (...a: unknown[]) => unknown).length] as const,
  )) {
    if (typeof f !== "function" || arity === 0) continue;
    if (name === "join") continue; // its first argument is an array of schedules: below
    for (const [v, what, kinds] of [
      ["1", "a string", ["type"]],
      [NaN, "NaN", ["range"]],
      [Infinity, "Infinity", ["range", "type"]],
      [null, "null", ["type"]],
    ] as [unknown, string, Kind[]][]) {
      push(`schedules.${name}(${what}, ...)`, kinds, undefined, () => (f as (...a: unknown[]) => unknown)(v, 10, 10));
    }
  }

  for (const [v, what] of [
    [NaN, "NaN"],
    [null, "null"],
    [[], "[]"],
    [[5], "[5]"],
  ] as const) {
    push(`schedules.join(${what}, [])`, ["type", "value"], "schedules", () => api.schedules.join(v as never, []));
  }

  // AveragedModel
  for (const [v, what, kinds, names] of [
    [null, "null", ["type"], "params"],
    [[], "[]", ["type", "value"], "params"],
    [p, "a Param (not an array)", ["type"], "params"],
    [[p, p], "the same Param twice", ["value", "type"], "params[1]"],
    [[p, disposed], "a disposed Param", ["state", "type"], "params[1]"],
    [[5], "[5]", ["type"], "params[0]"],
  ] as [unknown, string, Kind[], string][]) {
    push(`new AveragedModel(${what})`, kinds, names, () => new api.AveragedModel(v as never));
  }
  for (const [o, what, kinds, names] of [
    [[], "[]", ["type"], "options"],
    [5, "5", ["type"], "options"],
    ...badValues("decay", 0.5).map((b): [unknown, string, Kind[], string] => [{ decay: b.value }, `decay ${b.what}`, b.kinds, "decay"]),
    [{ decay: 1.5 }, "decay 1.5", ["range"], "decay"],
    [{ decay: -0.5 }, "decay -0.5", ["range"], "decay"],
    [{ decy: 0.5 }, "a misspelt option", ["value"], "decy"],
    ...INHERITED.map((k): [unknown, string, Kind[], string] => [json(`{"${k}": 1}`), k, ["value"], k]),
  ] as [unknown, string, Kind[], string][]) {
    if (o && typeof o === "object" && "decay" in o && o.decay === null) continue; // null: SWA
    push(`new AveragedModel(ps, ${what})`, kinds, names, () => new api.AveragedModel(ps, o as never));
  }
  const avg = new api.AveragedModel(ps);
  for (const [v, what, kinds] of [
    [[q], "fewer params", ["value", "type"]],
    [[q, p], "params of other sizes", ["value", "type"]],
    [null, "null", ["type"]],
    [[disposed, q], "a disposed param", ["state", "type"]],
  ] as [unknown, string, Kind[]][]) {
    push(`averaged.copyTo(${what})`, kinds, "params", () => avg.copyTo(v as never));
  }
  push("averaged.loadStateDict(5)", ["checkpoint", "type"], undefined, () => avg.loadStateDict(5));
  push("averaged.loadStateDict({ n: NaN })", ["checkpoint"], undefined, () => avg.loadStateDict({ n: NaN }));

  // minimize
  const fn = (x: Float64Array, g: Float64Array) => {
    g[0] = 2 * x[0]!;
    return x[0]! ** 2;
  };
  for (const [f, x0, what, kinds, names] of [
    ["f", [1], "fn a string", ["type"], "fn"],
    [null, [1], "fn null", ["type"], "fn"],
    [fn, null, "x0 null", ["type"], "x0"],
    [fn, 1, "x0 a number", ["type"], "x0"],
    [fn, "1", "x0 a string", ["type"], "x0"],
    [fn, [NaN], "x0 [NaN]", ["range"], "x0[0]"],
    [fn, [Infinity], "x0 [Infinity]", ["range"], "x0[0]"],
    [fn, ["1"], 'x0 ["1"]', ["type"], "x0[0]"],
    [fn, new Int8Array(1), "x0 an Int8Array", ["type"], "x0"],
  ] as [unknown, unknown, string, Kind[], string][]) {
    push(`minimize(${what})`, kinds, names, () => api.minimize(f as never, x0 as never));
  }
  const minimizeOptions: Record<string, unknown> = {
    method: "lbfgs",
    memory: 5,
    gradTol: 1e-6,
    relTol: 1e-9,
    maxIterations: 10,
    maxEvaluations: 20,
    onIteration: () => {},
    hessian: () => {},
    hvp: () => {},
  };
  for (const [name, valid] of Object.entries(minimizeOptions)) {
    for (const bad of badValues(name, valid)) {
      if (bad.value === undefined) continue;
      push(`minimize(fn, x0, { ${name}: ${bad.what} })`, bad.kinds, bad.at ?? name, () => api.minimize(fn, [1], { [name]: bad.value }));
    }
  }
  for (const [o, what, kinds, names] of [
    [[], "[]", ["type"], "options"],
    [5, "5", ["type"], "options"],
    [{ memory: 0 }, "memory 0", ["range"], "memory"],
    [{ maxIterations: 1.5 }, "maxIterations 1.5", ["range"], "maxIterations"],
    [{ gradTol: -1 }, "gradTol -1", ["range"], "gradTol"],
    [{ bounds: 5 }, "bounds 5", ["type", "value"], "bounds"],
    [{ bounds: [[0, NaN]] }, "bounds [[0, NaN]]", ["range", "type", "value"], "bounds"],
    [
      {
        bounds: [
          [0, 1],
          [0, 1],
        ],
      },
      "bounds for 2 of 1",
      ["value", "type"],
      "bounds",
    ],
    [{ maxIter: 5 }, "a misspelt option", ["value"], "maxIter"],
    ...INHERITED.map((k): [unknown, string, Kind[], string] => [json(`{"${k}": 1}`), k, ["value"], k]),
  ] as [unknown, string, Kind[], string][]) {
    push(`minimize(fn, x0, ${what})`, kinds, names, () => api.minimize(fn, [1], o as never));
  }

  // threads
  for (const bad of [
    ...badValues("numThreads", 2),
    ...[0, -1, 1.5, 257, 2 ** 40].map((v) => ({ value: v, what: String(v), kinds: ["range"] as Kind[] })),
  ]) {
    push(`setNumThreads(${bad.what})`, bad.kinds, "numThreads", () => api.setNumThreads(bad.value as number));
  }

  // checkpoints of params and trees
  const saved = api.saveParams(ps);
  for (const [v, what, kinds, names] of [
    [null, "null", ["type"], "params"],
    [[p, disposed], "a disposed param", ["state", "type"], "params[1]"],
    [[5], "[5]", ["type"], "params[0]"],
  ] as [unknown, string, Kind[], string][]) {
    push(`saveParams(${what})`, kinds, names, () => api.saveParams(v as never));
    push(`loadParams(${what}, bytes)`, kinds, names, () => api.loadParams(v as never, saved));
  }
  for (const [v, what] of [
    [[q, p], "other params"],
    [[p], "fewer params"],
  ] as const) {
    push(`loadParams(${what}, bytes)`, ["checkpoint"], undefined, () => api.loadParams(v, saved));
  }
  for (const [b, what] of [
    [null, "null"],
    ["WOPT", "a string"],
    [new Float32Array(4), "a Float32Array"],
    [saved.subarray(0, 20), "truncated"],
  ] as const) {
    push(`loadParams(ps, ${what})`, ["checkpoint", "type"], undefined, () => api.loadParams(ps, b as never));
    push(`unpackState(${what})`, ["checkpoint", "type"], undefined, () => api.unpackState(b as never));
  }
  for (const [t, what] of [
    [() => 1, "a function"],
    [{ a: Symbol("s") }, "a symbol inside"],
    [{ a: 1n }, "a bigint inside"],
    [{ a: new Int16Array(2) }, "an Int16Array inside"],
    [undefined, "undefined"],
  ] as const) {
    push(`packState(${what})`, ["type", "value", "checkpoint"], undefined, () => api.packState(t as never));
  }
  for (const [b, what] of [
    [null, "null"],
    ["abc", "a string"],
    [[1, 2], "an array"],
  ] as const) {
    push(`crc32(${what})`, ["type"], "bytes", () => api.crc32(b as never));
  }
  return cases;
}

// ---- the matrix

describe("the bad-input matrix", () => {
  let total = 0;

  for (const info of OPTIMIZERS) {
    it(`${info.name}: every option by every route, params, groups, step, checkpoints`, () => {
      const w = world(info);
      const cases = optimizerCases(info, w);
      const failures = runCases(cases, [...w.ps, w.q], [w.opt]);
      total += cases.length;
      expect(failures, `${failures.length} of ${cases.length}`).toEqual([]);
      w.opt.dispose();
      w.dispose();
    });
  }

  for (const spec of SCHEDULERS) {
    it(`${spec.name}: every option, the optimizer and options arguments, step, loadStateDict`, () => {
      const ps = [Param.from([1, 2]), Param.from([3])];
      const opt = new SGD(
        ps.map((p) => ({ params: [p] })),
        { lr: 0.1, momentum: 0.9 },
      );
      const children = spec.children?.(opt) ?? {};
      const live = spec.make(opt, { ...spec.options, ...children }) as { step(x?: unknown): void; loadStateDict(s: unknown): void };
      for (let t = 0; t < 2; t++) live.step(spec.name === "ReduceLROnPlateau" ? 1 : undefined);
      const cases = schedulerCases(spec, opt, children, live);
      const failures = runCases(cases, ps, [opt]);
      total += cases.length;
      expect(failures, `${failures.length} of ${cases.length}`).toEqual([]);
      opt.dispose();
      for (const p of ps) p.dispose();
    });
  }

  it("Param, transforms, hyperparameter schedules, AveragedModel, minimize, threads, checkpoints of params and trees", () => {
    const ps = [Param.from([1, 2, 3]), Param.from([4, 5])];
    const q = Param.from([6, 7, 8]);
    for (const p of [...ps, q]) p.grad.fill(0.5);
    const opt = new SGD(ps, { lr: 0.1, momentum: 0.9 });
    opt.step();
    const threads = api.getNumThreads();
    const cases = toolkitCases(opt, ps, q);
    const failures = runCases(cases, [...ps, q], [opt]);
    total += cases.length;
    expect(api.getNumThreads()).toBe(threads);
    expect(failures, `${failures.length} of ${cases.length}`).toEqual([]);
    opt.dispose();
    for (const p of [...ps, q]) p.dispose();
  });

  it("covers thousands of cases", () => {
    expect(total).toBeGreaterThan(2000);
    console.log(`bad-input matrix: ${total} cases`);
  });
});
