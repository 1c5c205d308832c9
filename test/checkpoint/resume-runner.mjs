// A small training run used by the resume tests, written once for both sides: resume.test.ts
// runs it on the sources, resume-child.mjs on dist/ in a new process. `setup` builds params
// (float32 and float64, a 1-element one, a frozen one; of `spec.rank` dims, ../helpers/shapes.mjs),
// an optimizer with two groups, two schedules, a PyTorch-style scheduler, the non-finite guard
// with clipping and a 3-micro-batch gradient accumulator; `run` takes micro-steps [from, to).
// Everything is deterministic.

import { shapeOf } from "../helpers/shapes.mjs";

/** Values in [-1, 1) from integers (no Math.random, no libm). */
function hash(...xs) {
  let h = 2166136261;
  for (const x of xs) h = Math.imul(h ^ (x + 0x9e3779b9), 16777619) >>> 0;
  return ((h % 20000) - 10000) / 10000;
}

export function setup(api, spec) {
  const make = (n, k, dtype, options = {}) => {
    const values = Array.from({ length: n }, (_, i) => hash(k, i));
    return api.Param.from(values, { dtype, name: `p${k}`, shape: shapeOf(n, spec.rank), ...options });
  };
  const params = [make(37, 0, "float32"), make(1, 1, "float32"), make(5, 2, "float32", { requiresGrad: false }), make(130, 3, "float64")];
  const Ctor = api[spec.kind];
  // the second group overrides and schedules weightDecay, or lr where there is none (Rprop)
  const second = spec.weightDecay === false ? "lr" : "weightDecay";
  const opt = new Ctor([{ params: params.slice(0, 3) }, { params: [params[3]], [second]: 1e-3 }], spec.options);
  const lr0 = opt.paramGroups[0].lr;
  const schedulers = [
    api.scheduleHyperparameter(opt, "lr", api.schedules.warmup(2, api.schedules.cosineDecay(lr0, 12, lr0 / 10)), { group: 0 }),
    api.scheduleHyperparameter(opt, second, api.schedules.linear(1e-3, 0, 10), { group: 1 }),
    new api.ExponentialLR(opt, { gamma: 0.97 }),
  ];
  const guard = api.skipNonFinite(opt, { maxNorm: 0.5 });
  const acc = api.accumulateGradients(guard, 3);
  return { api, params, opt, schedulers, guard, acc };
}

/** Micro-steps from..to-1: gradients of a noisy quadratic at the current params; NaN at 8 and 29. */
export function run(ctx, from, to) {
  for (let m = from; m < to; m++) {
    ctx.params.forEach((p, k) => {
      for (let i = 0; i < p.size; i++) p.grad[i] = (1 + 0.5 * hash(k, i, 7)) * (p.data[i] - 0.3 * hash(k, i, 9)) + 0.1 * hash(m, k, i);
    });
    if (m === 8 || m === 29) ctx.params[0].grad[3] = NaN;
    if (ctx.acc.step()) for (const s of ctx.schedulers) s.step();
  }
}

/** The whole state to compare: optimizer checkpoint bytes and params bytes. */
export function snapshot(ctx) {
  return { state: ctx.opt.saveState(), params: ctx.api.saveParams(ctx.params) };
}

export function dispose(ctx) {
  ctx.acc.dispose();
  ctx.opt.dispose();
  for (const p of ctx.params) p.dispose();
}
