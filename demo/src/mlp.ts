// A 4-16-3 multilayer perceptron (tanh hidden layer, softmax cross-entropy) trained on the
// Iris data. Forward and backward pass by hand; the backward pass writes the gradients
// straight into the Params' grad views in wasm memory (no copy), and the optimizer steps
// them in place.
import { Param } from "wasm-optim";
import { IRIS } from "./iris.js";
import { mulberry32, shuffle, type Random } from "./prng.js";
import type { Racer } from "./racers.js";

export const INPUTS = 4;
export const HIDDEN = 16;
export const CLASSES = 3;

export interface Dataset {
  /** Standardised features, row-major, INPUTS per row. */
  readonly x: Float64Array;
  readonly y: Uint8Array;
  readonly rows: number;
}

/**
 * A stratified split (`testPerClass` rows of each species held out, chosen by the seeded
 * PRNG), features standardised with the training rows' mean and standard deviation.
 */
export function irisSplit(seed: number, testPerClass = 10): { train: Dataset; test: Dataset } {
  const random = mulberry32(seed);
  const trainRows: number[] = [],
    testRows: number[] = [];
  for (let c = 0; c < 3; c++) {
    const idx = shuffle(
      Array.from({ length: 50 }, (_, i) => c * 50 + i),
      random,
    );
    testRows.push(...idx.slice(0, testPerClass));
    trainRows.push(...idx.slice(testPerClass));
  }
  const mean = new Float64Array(INPUTS),
    sd = new Float64Array(INPUTS);
  for (const r of trainRows) IRIS[r]!.features.forEach((v, k) => (mean[k]! += v / trainRows.length));
  for (const r of trainRows) IRIS[r]!.features.forEach((v, k) => (sd[k]! += (v - mean[k]!) ** 2 / trainRows.length));
  for (let k = 0; k < INPUTS; k++) sd[k] = Math.sqrt(sd[k]!);
  const make = (rows: number[]): Dataset => {
    const x = new Float64Array(rows.length * INPUTS),
      y = new Uint8Array(rows.length);
    rows.forEach((r, i) => {
      IRIS[r]!.features.forEach((v, k) => (x[i * INPUTS + k] = (v - mean[k]!) / sd[k]!));
      y[i] = IRIS[r]!.label;
    });
    return { x, y, rows: rows.length };
  };
  return { train: make(trainRows), test: make(testRows) };
}

/** The network's four tensors as float32 Params. */
export class Mlp {
  readonly w1 = new Param(HIDDEN * INPUTS, { name: "w1" });
  readonly b1 = new Param(HIDDEN, { name: "b1" });
  readonly w2 = new Param(CLASSES * HIDDEN, { name: "w2" });
  readonly b2 = new Param(CLASSES, { name: "b2" });
  readonly params = [this.w1, this.b1, this.w2, this.b2];
  readonly #h = new Float64Array(HIDDEN);
  readonly #p = new Float64Array(CLASSES);

  /** Glorot-uniform weights, zero biases, from the seeded PRNG. */
  constructor(random: Random) {
    const init = (w: Param, fanIn: number, fanOut: number): void => {
      const a = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < w.size; i++) w.data[i] = (2 * random() - 1) * a;
    };
    init(this.w1, INPUTS, HIDDEN);
    init(this.w2, HIDDEN, CLASSES);
  }

  /** Hidden activations and class probabilities of row `r` of `d` into #h and #p. */
  #forward(d: Dataset, r: number): void {
    const w1 = this.w1.data,
      b1 = this.b1.data,
      w2 = this.w2.data,
      b2 = this.b2.data;
    const h = this.#h,
      p = this.#p,
      off = r * INPUTS;
    for (let j = 0; j < HIDDEN; j++) {
      let s = b1[j]!;
      for (let k = 0; k < INPUTS; k++) s += w1[j * INPUTS + k]! * d.x[off + k]!;
      h[j] = Math.tanh(s);
    }
    let max = -Infinity;
    for (let c = 0; c < CLASSES; c++) {
      let s = b2[c]!;
      for (let j = 0; j < HIDDEN; j++) s += w2[c * HIDDEN + j]! * h[j]!;
      p[c] = s;
      max = Math.max(max, s);
    }
    let z = 0;
    for (let c = 0; c < CLASSES; c++) z += p[c] = Math.exp(p[c]! - max);
    for (let c = 0; c < CLASSES; c++) p[c]! /= z;
  }

  /** Mean cross-entropy over `rows` of `d`; writes its gradient into every Param's grad. */
  lossAndGrad(d: Dataset, rows: readonly number[]): number {
    for (const p of this.params) p.grad.fill(0);
    const gw1 = this.w1.grad,
      gb1 = this.b1.grad,
      gw2 = this.w2.grad,
      gb2 = this.b2.grad,
      w2 = this.w2.data;
    const h = this.#h,
      p = this.#p,
      dz = new Float64Array(CLASSES);
    const n = rows.length;
    let loss = 0;
    for (const r of rows) {
      this.#forward(d, r);
      const label = d.y[r]!;
      loss -= Math.log(Math.max(p[label]!, 1e-300));
      for (let c = 0; c < CLASSES; c++) {
        dz[c] = (p[c]! - (c === label ? 1 : 0)) / n;
        gb2[c]! += dz[c]!;
        for (let j = 0; j < HIDDEN; j++) gw2[c * HIDDEN + j]! += dz[c]! * h[j]!;
      }
      for (let j = 0; j < HIDDEN; j++) {
        let dh = 0;
        for (let c = 0; c < CLASSES; c++) dh += w2[c * HIDDEN + j]! * dz[c]!;
        const dpre = dh * (1 - h[j]! * h[j]!);
        gb1[j]! += dpre;
        for (let k = 0; k < INPUTS; k++) gw1[j * INPUTS + k]! += dpre * d.x[r * INPUTS + k]!;
      }
    }
    return loss / n;
  }

  /** Mean cross-entropy over all of `d` (gradients untouched). */
  loss(d: Dataset): number {
    let loss = 0;
    for (let r = 0; r < d.rows; r++) {
      this.#forward(d, r);
      loss -= Math.log(Math.max(this.#p[d.y[r]!]!, 1e-300));
    }
    return loss / d.rows;
  }

  /** The fraction of rows of `d` whose most probable class is the label. */
  accuracy(d: Dataset): number {
    let right = 0;
    for (let r = 0; r < d.rows; r++) {
      this.#forward(d, r);
      const p = this.#p;
      let best = 0;
      for (let c = 1; c < CLASSES; c++) if (p[c]! > p[best]!) best = c;
      if (best === d.y[r]) right++;
    }
    return right / d.rows;
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
  }
}

export interface TrainingRun {
  readonly racer: Racer;
  /** Training loss (whole training set) after each epoch. */
  readonly losses: number[];
  /** Held-out loss and accuracy after each epoch. */
  readonly testLosses: number[];
  readonly testAccuracies: number[];
  readonly testAccuracy: number;
  readonly trainAccuracy: number;
  readonly steps: number;
  /** Wall time of the steps (forward, backward and update; not the per-epoch evaluation). */
  readonly seconds: number;
}

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Called after each epoch (for a progress bar). */
  readonly onEpoch?: (epoch: number, loss: number) => void;
}

/** The learning rates that suit this model (see Tuning in racers.ts). */
export const IRIS_TUNING = { lr: 0.3, momentumLr: 0.05, stepSize: 0.01 } as const;

/** Trains a fresh model (same initial weights and batches for every racer) with `racer`; null if it does not apply. */
export function train(racer: Racer, data: { train: Dataset; test: Dataset }, o: TrainOptions): TrainingRun | null {
  const random = mulberry32(o.seed);
  const model = new Mlp(random);
  try {
    const opt = racer.surfacesOnly ? null : racer.make(model.params, IRIS_TUNING);
    if (!opt) return null;
    const order = Array.from({ length: data.train.rows }, (_, i) => i);
    const batches = Math.ceil(data.train.rows / o.batchSize);
    const total = o.epochs * batches;
    const losses: number[] = [],
      testLosses: number[] = [],
      testAccuracies: number[] = [];
    let t = 0;
    let seconds = 0;
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      shuffle(order, random);
      const started = performance.now();
      for (let b = 0; b < batches; b++) {
        const rows = order.slice(b * o.batchSize, (b + 1) * o.batchSize);
        opt.step(() => model.lossAndGrad(data.train, rows), t++, total);
      }
      seconds += (performance.now() - started) / 1000;
      losses.push(model.loss(data.train));
      testLosses.push(model.loss(data.test));
      testAccuracies.push(model.accuracy(data.test));
      o.onEpoch?.(epoch, losses[losses.length - 1]!);
    }
    const run = {
      racer,
      losses,
      testLosses,
      testAccuracies,
      testAccuracy: model.accuracy(data.test),
      trainAccuracy: model.accuracy(data.train),
      steps: total,
      seconds,
    };
    opt.dispose?.();
    return run;
  } finally {
    model.dispose();
  }
}
