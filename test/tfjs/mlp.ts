// A small MLP in plain TF.js ops for the adapter's tests: variables made from seeded numbers
// (the same initial weights for every optimizer compared) and seeded batches.
import * as tf from "@tensorflow/tfjs-core";
import { WasmOptimizer } from "../../src/tfjs/index.js";
import { lcg } from "../helpers/random.js";

/** Dense layers `sizes[0] -> sizes[1] -> ...` (tanh between), Glorot-scaled weights from `seed`; the names are unique per call. */
export function mlpVariables(sizes: readonly number[], seed: number, prefix: string): tf.Variable[] {
  const rand = lcg(seed);
  return sizes.slice(1).flatMap((out, i) => {
    const inp = sizes[i]!;
    const scale = Math.sqrt(6 / (inp + out));
    const w = Float32Array.from({ length: inp * out }, () => rand() * scale);
    const b = Float32Array.from({ length: out }, () => rand() * 0.1);
    return [tf.variable(tf.tensor2d(w, [inp, out]), true, `${prefix}/w${i}`), tf.variable(tf.tensor1d(b), true, `${prefix}/b${i}`)];
  });
}

/** The mean softmax cross-entropy of the MLP over one batch. */
export function mlpLoss(vars: readonly tf.Variable[], x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    let h: tf.Tensor2D = x;
    for (let i = 0; i < vars.length; i += 2) {
      h = tf.add(tf.matMul(h, vars[i] as tf.Tensor2D), vars[i + 1]!);
      if (i + 2 < vars.length) h = tf.tanh(h);
    }
    return tf.losses.softmaxCrossEntropy(y, h);
  });
}

/** `count` batches of `size` rows: inputs in [-1, 1), one-hot labels argmax(x M) for a fixed random M (learnable). */
export function batches(count: number, size: number, inputs: number, classes: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D }[] {
  const rand = lcg(seed);
  const m = Float32Array.from({ length: inputs * classes }, () => rand());
  return Array.from({ length: count }, () => {
    const x = Float32Array.from({ length: size * inputs }, () => rand());
    const labels = Int32Array.from({ length: size }, (_, r) => {
      let best = 0;
      let top = -Infinity;
      for (let c = 0; c < classes; c++) {
        let s = 0;
        for (let j = 0; j < inputs; j++) s += x[r * inputs + j]! * m[j * classes + c]!;
        if (s > top) [best, top] = [c, s];
      }
      return best;
    });
    return { x: tf.tensor2d(x, [size, inputs]), y: oneHot(labels, classes) };
  });
}

/** One-hot float32 rows of `labels` (integers in [0, classes)). */
export function oneHot(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  const y = new Float32Array(labels.length * classes);
  for (let r = 0; r < labels.length; r++) y[r * classes + labels[r]!] = 1;
  return tf.tensor2d(y, [labels.length, classes]);
}

/** The mean of `xs[from..to)`. */
export const mean = (xs: readonly number[], from = 0, to = xs.length): number =>
  xs.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);

/** The values of `vars`, copied. */
export const valuesOf = (vars: readonly tf.Variable[]): Float32Array[] => vars.map((v) => (v.dataSync() as Float32Array).slice());

/** The largest |a - b| over matching arrays. */
export function maxDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let m = 0;
  a.forEach((x, i) => x.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i]![j]!)))));
  return m;
}

/** `o` as the adapter's class, checked by its constructor (tf.Optimizer's `instanceof` is duck typing). */
export function asAdapter(o: unknown): WasmOptimizer {
  if (typeof o !== "object" || o === null || o.constructor !== WasmOptimizer) throw new Error(`not a WasmOptimizer: ${String(o)}`);
  return o;
}
