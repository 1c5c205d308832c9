// What every bench script shares: arguments, seeded data, the median, the machine line.
import { readFileSync } from "node:fs";
import os from "node:os";

/** The value after `--name` on the command line, or `fallback`. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** n float32 values uniform in [-scale, scale), from a seeded LCG (the same every run). */
export function randomArray(n, seed, scale) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return a;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** "2 CPUs, AMD EPYC ..., Node v20.x" for the results tables. */
export function machine() {
  let cpu;
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
  } catch {
    // not Linux
  }
  return `${os.availableParallelism()} CPUs, ${cpu ?? os.cpus()[0]?.model}, Node ${process.version}`;
}

/** A model's tensor sizes: 200 tensors from 10 to 1e5 elements, log-spaced (~2.2M in all). */
export const MODEL_SIZES = Array.from({ length: 200 }, (_, i) => Math.round(10 * 10 ** ((4 * i) / 199)));

/** Initial values and gradients of a model's tensors, the same for every variant (seeded). */
export function modelData(sizes) {
  return sizes.map((n, k) => ({ init: randomArray(n, 2 * k + 1, 1), grad: randomArray(n, 2 * k + 2, 1e-2) }));
}

/** Sets each param's values and gradient from `data` (modelData's); returns the params. */
export function fillParams(params, data) {
  params.forEach((p, k) => {
    p.data.set(data[k].init);
    p.grad.set(data[k].grad);
  });
  return params;
}

/** A model laid out with `lib.Param.many` (float32, one block), values and gradients from `data`. */
export const manyParams = (lib, data) => fillParams(lib.Param.many(data.map((d) => d.init.length)), data);

/** The same model for a plain-JS loop: per tensor its values (a copy), gradient and two zeroed moments m, v. */
export const jsTensors = (data) =>
  data.map(({ init, grad }) => ({ p: init.slice(), g: grad, m: new Float32Array(init.length), v: new Float32Array(init.length) }));
