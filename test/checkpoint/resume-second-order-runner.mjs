// The closure-driven run of resume-second-order.test.ts, written once for both sides: the
// test runs it on the sources, resume-second-order-child.mjs on dist/ in a new process.
// `setup` builds params (a frozen one first, so the first param, which holds the state, is
// not part of the flat vector) and an LBFGS or Newton; `run` takes optimizer steps on the
// chained Rosenbrock function. Everything is deterministic (no Math.random, no libm).

/** f(x) = sum_i 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2; gradient into g, Hessian into H (n x n) if given. */
export function chainedRosenbrock(x, g, H) {
  const n = x.length;
  g.fill(0);
  H?.fill(0);
  let f = 0;
  for (let i = 0; i + 1 < n; i++) {
    const u = x[i],
      a = x[i + 1] - u * u,
      b = 1 - u;
    f += 100 * a * a + b * b;
    g[i] += -400 * u * a - 2 * b;
    g[i + 1] += 200 * a;
    if (H) {
      H[i * n + i] += 1200 * u * u - 400 * x[i + 1] + 2;
      H[i * n + i + 1] += -400 * u;
      H[(i + 1) * n + i] += -400 * u;
      H[(i + 1) * n + i + 1] += 200;
    }
  }
  return f;
}

export function setup(api, spec) {
  const from = (start, n) => Array.from({ length: n }, (_, i) => -1 + 0.17 * (start + i));
  const { dtype } = spec;
  const params = [
    api.Param.from([0.5, -0.5], { dtype, name: "frozen", requiresGrad: false }),
    api.Param.from(from(0, 3), { dtype, name: "a" }),
    api.Param.from(from(3, 7), { dtype, name: "b" }),
  ];
  const live = params.slice(1);
  const n = live.reduce((s, p) => s + p.size, 0);
  const x = new Float64Array(n),
    g = new Float64Array(n),
    H = new Float64Array(n * n);
  const gather = () => {
    let off = 0;
    for (const p of live) {
      x.set(p.data, off);
      off += p.size;
    }
  };
  const closure = () => {
    gather();
    const f = chainedRosenbrock(x, g);
    let off = 0;
    for (const p of live) {
      p.grad.set(g.subarray(off, off + p.size));
      off += p.size;
    }
    return f;
  };
  const dense = (out) => {
    gather();
    chainedRosenbrock(x, g, out);
  };
  const hvp = (v, out) => {
    dense(H);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += H[i * n + j] * v[j];
      out[i] = s;
    }
  };
  const opt = new api[spec.kind](params, spec.options);
  const hessian = spec.hessian === "hvp" ? { hvp } : dense;
  return { api, params, opt, step: () => (spec.kind === "Newton" ? opt.step(closure, hessian) : opt.step(closure)) };
}

/** `steps` optimizer steps. */
export function run(ctx, steps) {
  for (let k = 0; k < steps; k++) ctx.step();
}

/** The whole state to compare: optimizer checkpoint bytes and params bytes. */
export function snapshot(ctx) {
  return { state: ctx.opt.saveState(), params: ctx.api.saveParams(ctx.params) };
}

export function dispose(ctx) {
  ctx.opt.dispose();
  for (const p of ctx.params) p.dispose();
}
