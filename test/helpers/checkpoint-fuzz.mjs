// A seeded fuzz of real checkpoints (issue 11, "How it is shown"), shared by the test
// (test/hardening/checkpoint-fuzz.test.ts, a few hundred runs on src/) and the script
// (scripts/fuzz-checkpoints.mjs, 10,000 runs on dist/): several optimizers after a few steps,
// with schedulers and wrappers attached, are saved in both forms (saveState bytes, the JSON of
// stateDict()); each run mutates one checkpoint and loads it into a twin. Wanted: either it
// loads — then the state is whole (it saves and reloads to the same bytes) and a step from it
// is finite where the hyperparameters are the original's and the state numbers finite and of
// ordinary size — or it
// is refused with a typed error that has a code, never a raw engine error, and the twin's
// saveState() bytes and params are exactly as before.

const ROUNDS = 3;

/** Deterministic gradients of iteration t (no randomness outside fast-check's seed). */
function fill(params, t) {
  params.forEach((p, i) => {
    const g = p.grad;
    for (let j = 0; j < p.size; j++) g[j] = Math.sin(p.data[j] + 0.7 * i + 1.3 * j + t);
  });
}

/** The scenarios: a builder of a trained world, and its one training iteration. */
export function scenarios(api) {
  const { Param } = api;
  return [
    {
      name: "Adam (amsgrad) + StepLR + skipNonFinite + accumulateGradients",
      make() {
        const params = [Param.from([0.5, -1, 2, 0.25]), Param.from([3, -0.5])];
        const opt = new api.Adam(params, { lr: 0.01, amsgrad: true, weightDecay: 0.01 });
        const lr = new api.StepLR(opt, { stepSize: 2, gamma: 0.5 });
        const acc = api.accumulateGradients(api.skipNonFinite(opt), 2);
        return { params, opt, iterate: (t) => (fill(params, t), acc.step() && lr.step()) };
      },
    },
    {
      name: "SGD (nesterov) + ReduceLROnPlateau before addParamGroup + CyclicLR",
      make() {
        const params = [Param.from([1, -2, 0.5], { dtype: "float64" }), Param.from([0.25], { dtype: "float64" })];
        const opt = new api.SGD([params[0]], { lr: 0.1, momentum: 0.9, nesterov: true });
        const plateau = new api.ReduceLROnPlateau(opt, { patience: 0, factor: 0.5 });
        opt.addParamGroup({ params: [params[1]], lr: 0.05 });
        const cyclic = new api.CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2, mode: "triangular2" });
        return {
          params,
          opt,
          iterate: (t) => {
            fill(params, t);
            opt.step();
            cyclic.step();
            plateau.step(1); // never better than Infinity's first: reduces
          },
        };
      },
    },
    {
      name: "NAdam + AveragedModel (EMA, attached) + CosineAnnealingWarmRestarts",
      make() {
        const params = [Param.from([0.5, 1.5, -0.5]), Param.from([2, 2])];
        const opt = new api.NAdam(params, { lr: 0.01, decoupledWeightDecay: true, weightDecay: 0.01 });
        const avg = new api.AveragedModel(params, { decay: 0.9, optimizer: opt });
        const lr = new api.CosineAnnealingWarmRestarts(opt, { t0: 2, tMult: 2 });
        return { params, opt, iterate: (t) => (fill(params, t), opt.step(), avg.update(), lr.step()) };
      },
    },
    {
      name: "LBFGS (strong Wolfe, float64): history, previous loss and direction",
      make() {
        const params = [Param.from([1, -1.5, 2], { dtype: "float64" })];
        const opt = new api.LBFGS(params, { maxIter: 3, historySize: 4, lineSearch: "strong_wolfe" });
        const closure = () => {
          const p = params[0];
          for (let j = 0; j < p.size; j++) p.grad[j] = 2 * (j + 1) * p.data[j];
          return Array.from(p.data).reduce((s, x, j) => s + (j + 1) * x * x, 0);
        };
        return { params, opt, iterate: () => opt.step(closure) };
      },
    },
    {
      name: "AdamWScheduleFree (group scalars) + SequentialLR",
      make() {
        const params = [Param.from([0.5, -0.25, 1, 2])];
        const opt = new api.AdamWScheduleFree(params, { lr: 0.01, warmupSteps: 2, weightDecay: 0.01 });
        const seq = new api.SequentialLR(opt, {
          schedulers: [new api.ConstantLR(opt, { factor: 0.5, totalIters: 2 }), new api.ExponentialLR(opt, { gamma: 0.9 })],
          milestones: [2],
        });
        return { params, opt, iterate: (t) => (fill(params, t), opt.step(), seq.step()) };
      },
    },
    {
      name: "Adafactor (matrices: row_var, col_var) + OneCycleLR",
      make() {
        const params = [Param.from([0.5, -1, 2, 0.25, 1, 3], { shape: [2, 3] }), Param.from([1, 2, 3, 4], { shape: [4, 1] })];
        const opt = new api.Adafactor(params, { lr: 0.01 });
        const lr = new api.OneCycleLR(opt, { maxLr: 0.05, totalSteps: 10, cycleMomentum: false });
        return { params, opt, iterate: (t) => (fill(params, t), opt.step(), lr.step()) };
      },
    },
    {
      name: "Rprop + LinearLR",
      make() {
        const params = [Param.from([1, -1, 0.5, 2, -3])];
        const opt = new api.Rprop(params, { lr: 0.02 });
        const lr = new api.LinearLR(opt, { startFactor: 0.5, totalIters: 4 });
        return { params, opt, iterate: (t) => (fill(params, t), opt.step(), lr.step()) };
      },
    },
  ].map((s) => ({ ...s, make: () => trained(s.make()) }));

  function trained(world) {
    for (let t = 0; t < ROUNDS; t++) world.iterate(t);
    return world;
  }
}

// ---- mutations

function withCrc(api, bytes) {
  const out = bytes.slice();
  if (out.length >= 20) {
    const dv = new DataView(out.buffer);
    dv.setUint32(12, out.length, true);
    dv.setUint32(out.length - 4, api.crc32(out.subarray(0, out.length - 4)), true);
  }
  return out;
}

const SPECIAL = [NaN, Infinity, -Infinity, -0, 1e308, -1, 0, 2 ** 53, 5e-324];
const JSON_VALUES = [
  null,
  true,
  "x",
  -1,
  0,
  1e300,
  2 ** 53,
  1.5,
  [],
  {},
  [1, 2],
  { $number: "NaN" },
  { $number: "Infinity" },
  { $number: "-Infinity" },
  { $number: "-0" },
  { $number: "nope" },
  { $float32: [1, 2] },
  { $float64: [{ $number: "NaN" }] },
  { $float32: "AAAA" },
  "__proto__",
];

/** fast-check arbitraries of byte mutations of `bytes` (each a function bytes -> bytes, with a label). */
function byteMutation(fc, api, bytes) {
  const n = bytes.length;
  const at = fc.integer({ min: 0, max: n - 1 });
  const label = (what, f) => ({ what, f });
  return fc.oneof(
    at.chain((i) => fc.integer({ min: 0, max: 7 }).map((b) => label(`flip bit ${b} of byte ${i}`, (x) => ((x[i] ^= 1 << b), x)))),
    at.chain((i) =>
      fc
        .integer({ min: 0, max: 7 })
        .map((b) => label(`flip bit ${b} of byte ${i}, CRC recomputed`, (x) => ((x[i] ^= 1 << b), withCrc(api, x)))),
    ),
    at.map((i) => label(`truncate to ${i}`, (x) => x.subarray(0, i))),
    at.map((i) => label(`truncate to ${i}, CRC recomputed`, (x) => withCrc(api, x.subarray(0, Math.max(i, 20))))),
    fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map((tail) =>
        label(`extend by ${tail.length}, CRC recomputed`, (x) =>
          withCrc(api, Uint8Array.from([...x.subarray(0, n - 4), ...tail, 0, 0, 0, 0])),
        ),
      ),
    fc
      .tuple(fc.integer({ min: 16, max: Math.max(16, n - 8) }), fc.oneof(fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 2e8, 1e6), fc.nat()))
      .map(([i, v]) =>
        label(
          `u32 at ${i} = ${v} (a length field), CRC recomputed`,
          (x) => (new DataView(x.buffer).setUint32(i, v >>> 0, true), withCrc(api, x)),
        ),
      ),
    fc.tuple(fc.integer({ min: 16, max: Math.max(16, n - 12) }), fc.constantFrom(...SPECIAL), fc.boolean()).map(([i, v, f32]) =>
      label(`${f32 ? "f32" : "f64"} at ${i} = ${v}, CRC recomputed`, (x) => {
        const dv = new DataView(x.buffer);
        if (f32) dv.setFloat32(i, v, true);
        else dv.setFloat64(i, v, true);
        return withCrc(api, x);
      }),
    ),
    fc
      .integer({ min: 0, max: 0xffffffff })
      .map((v) => label(`declared total ${v}`, (x) => (new DataView(x.buffer).setUint32(12, v, true), x))),
  );
}

/** Every path to a value in a JSON tree. */
function pathsOf(tree, prefix = [], out = []) {
  out.push(prefix);
  if (tree !== null && typeof tree === "object") for (const k of Object.keys(tree)) pathsOf(tree[k], [...prefix, k], out);
  return out;
}

function jsonMutation(fc, paths) {
  const path = fc.constantFrom(...paths.filter((p) => p.length > 0));
  const at = (tree, p) => p.slice(0, -1).reduce((t, k) => t[k], tree);
  const label = (what, f) => ({ what, f });
  return fc.oneof(
    path.map((p) =>
      label(
        `delete ${p.join(".")}`,
        (t) => (Array.isArray(at(t, p)) ? at(t, p).splice(Number(p.at(-1)), 1) : delete at(t, p)[p.at(-1)], t),
      ),
    ),
    fc.tuple(path, fc.constantFrom("exp_avg_sq2", "toString", "__proto__", "constructor", "lr ", "step", "", "0")).map(([p, name]) =>
      label(`rename ${p.join(".")} to ${JSON.stringify(name)}`, (t) => {
        const parent = at(t, p);
        if (Array.isArray(parent)) return t;
        const v = parent[p.at(-1)];
        delete parent[p.at(-1)];
        Object.defineProperty(parent, name, { value: v, enumerable: true, writable: true, configurable: true });
        return t;
      }),
    ),
    fc
      .tuple(path, fc.constantFrom(...JSON_VALUES))
      .map(([p, v]) => label(`${p.join(".")} = ${JSON.stringify(v)}`, (t) => ((at(t, p)[p.at(-1)] = structuredClone(v)), t))),
    fc.tuple(path, fc.integer({ min: 1, max: 3 })).map(([p, k]) =>
      label(`${p.join(".")} repeated x${k + 1} (an array: longer)`, (t) => {
        const v = at(t, p)[p.at(-1)];
        at(t, p)[p.at(-1)] = Array.isArray(v) ? [...v, ...Array(k).fill(v[0] ?? 0)] : Array(k + 1).fill(v);
        return t;
      }),
    ),
    fc
      .tuple(path, path)
      .filter(([p, q]) => !p.every((k, i) => q[i] === k) && !q.every((k, i) => p[i] === k)) // neither inside the other
      .map(([p, q]) =>
        label(`swap ${p.join(".")} and ${q.join(".")}`, (t) => {
          const [a, b] = [at(t, p)[p.at(-1)], at(t, q)[q.at(-1)]];
          at(t, p)[p.at(-1)] = structuredClone(b);
          at(t, q)[q.at(-1)] = structuredClone(a);
          return t;
        }),
      ),
  );
}

// ---- the property

/** true when `e` is an error the library throws on purpose: a typed class with a code. */
function typed(api, e) {
  return (e instanceof api.WasmOptimError || e instanceof api.InvalidOptionError) && typeof e.code === "string" && e.message.length < 400;
}

const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
const paramBytes = (params) => params.map((p) => b64(p.data) + b64(p.grad)).join("|");

/**
 * Hyperparameters, and whether every state number is finite and of a magnitude a run reaches
 * (|x| <= 1e20: a history pair of 1e300 overflows in torch too), from a state dict (for the
 * finite-step check).
 */
function summary(sd) {
  const groups = sd.paramGroups.map((g) => JSON.stringify(g.hyperparameters));
  let finite = true;
  const walk = (v) => {
    if (typeof v === "number") finite &&= Math.abs(v) <= 1e20;
    else if (ArrayBuffer.isView(v)) finite &&= v.every((x) => Math.abs(x) <= 1e20);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(sd.paramGroups);
  walk(sd.extra);
  return { groups: groups.join("|"), finite };
}

/**
 * Runs `runs` mutations (seeded) of the scenarios' checkpoints. Returns { runs, failures (at most
 * 20 described), loads, refusals, maxMs }.
 */
export function fuzzCheckpoints(api, fc, { runs, seed }) {
  const worlds = scenarios(api).map((s) => {
    const source = s.make();
    const bytes = source.opt.saveState();
    const json = JSON.parse(JSON.stringify(source.opt.stateDict()));
    source.opt.dispose();
    for (const p of source.params) p.dispose();
    const twin = s.make(); // the same configuration: its own trained state is what must survive refusals
    const twinState = twin.opt.saveState();
    const twinParams = api.saveParams(twin.params);
    return { s, bytes, json, paths: pathsOf(json), twin, twinState, twinParams, original: summary(twin.opt.stateDict()) };
  });
  const failures = [];
  let loads = 0,
    refusals = 0,
    maxMs = 0;
  const mutation = fc
    .integer({ min: 0, max: worlds.length - 1 })
    .chain((w) => fc.tuple(fc.constant(w), fc.boolean(), byteMutation(fc, api, worlds[w].bytes), jsonMutation(fc, worlds[w].paths)));
  const check = ([wi, binary, bm, jm]) => {
    const w = worlds[wi];
    const { opt, params } = w.twin;
    const what = `${w.s.name}: ${binary ? `bytes, ${bm.what}` : `JSON, ${jm.what}`}`;
    const input = binary ? bm.f(w.bytes.slice()) : jm.f(structuredClone(w.json));
    const load = binary ? () => opt.loadState(input) : () => opt.loadStateDict(input);
    const before = paramBytes(params);
    const t0 = performance.now();
    let err = null;
    try {
      load();
    } catch (e) {
      err = e;
    }
    maxMs = Math.max(maxMs, performance.now() - t0);
    const fail = (why) => failures.length < 20 && failures.push(`${what}: ${why}`);
    if (err) {
      refusals++;
      if (!typed(api, err)) fail(`raw error ${err?.constructor?.name}: ${String(err?.message ?? err).slice(0, 160)}`);
      const after = opt.saveState();
      if (b64(after) !== b64(w.twinState) || paramBytes(params) !== before) fail("refused, but the state or params changed");
      return;
    }
    loads++;
    // whole: it saves and reloads to the same bytes, in both forms
    try {
      const saved = opt.saveState();
      const sd = opt.stateDict();
      opt.loadState(saved);
      opt.loadStateDict(JSON.parse(JSON.stringify(sd)));
      if (b64(opt.saveState()) !== b64(saved)) fail("loaded, but does not round-trip");
      const s = summary(sd);
      try {
        w.twin.iterate(ROUNDS);
        const finite = params.every((p) => p.data.every(Number.isFinite));
        if (!finite && s.finite && s.groups === w.original.groups)
          fail("loaded with the original hyperparameters and finite state, but a step is not finite");
      } catch (e) {
        if (!typed(api, e)) fail(`loaded, then the step threw a raw ${e?.constructor?.name}: ${String(e?.message ?? e).slice(0, 160)}`);
      }
    } catch (e) {
      fail(`loaded, then saving or reloading it threw ${e?.constructor?.name}: ${String(e?.message ?? e).slice(0, 160)}`);
    }
    // back to the twin's own state for the next run
    try {
      opt.loadState(w.twinState);
      api.loadParams(params, w.twinParams);
      for (const p of params) p.grad.fill(0);
      if (!(params.every((p) => p.wrapped === false) && b64(opt.saveState()) === b64(w.twinState))) fail("the twin could not be restored");
    } catch (e) {
      fail(`the twin could not be restored: ${e?.message}`);
    }
  };
  const t0 = performance.now();
  fc.assert(
    fc.property(mutation, (m) => {
      check(m);
      return true;
    }),
    { numRuns: runs, seed },
  );
  for (const w of worlds) {
    w.twin.opt.dispose();
    for (const p of w.twin.params) p.dispose();
  }
  return { runs, failures, loads, refusals, maxMs, ms: performance.now() - t0 };
}
