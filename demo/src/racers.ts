// The racers: one entry per optimizer (name, colour, factory). Everything that races, on the
// surfaces and on the Iris model, comes from this table; the runners know nothing else.
import { Adagrad, Adam, AdamW, AdamWScheduleFree, LBFGS, Lion, Newton, RMSprop, SGD, type Param } from "wasm-optim";

/** Step sizes for one problem; each racer picks the one that suits its kind of update. */
export interface Tuning {
  /** Learning rate for plain SGD. */
  readonly lr: number;
  /**
   * Learning rate for SGD with momentum 0.9 (heavy ball or Nesterov). Heavy ball moves about
   * lr / (1 - mu) a step where the gradient is steady, but stays stable up to a step about
   * 1 + mu times larger than plain SGD's: where momentumLr = lr (1 - mu) it is the same walk
   * smoothed, where momentumLr = lr it is faster and overshoots.
   */
  readonly momentumLr: number;
  /** Learning rate for methods whose step is about lr long whatever the gradient's size (Adam, RMSprop, Adagrad, Lion). */
  readonly stepSize: number;
}

/** What a factory is given besides the params. */
export interface Problem extends Tuning {
  /** The Hessian at the params' current values, where the problem has one cheaply (the 2-D surfaces). */
  readonly hessian?: () => Float64Array;
}

/** One step of a racer: `closure` writes the gradients into the params' grad and returns the loss. */
export interface Stepper {
  /** Step t of total (0-based): an Optimizer's step(closure) fits as it is. */
  step(closure: () => number, t: number, total: number): unknown;
  dispose?(): void;
}

export interface Racer {
  readonly name: string;
  readonly colour: string;
  /** SVG stroke-dasharray, to tell apart racers that (nearly) share a path. */
  readonly dash?: string;
  /**
   * Races on the surfaces only, not on the mini-batched MLP: Newton needs a Hessian, and
   * L-BFGS is a full-batch method (on batches of 16 it fits the 120 training rows exactly
   * and over-fits: 0.87-0.93 held-out accuracy against 0.97 for the first-order methods).
   */
  readonly surfacesOnly?: boolean;
  /** The optimizer over `params`, or null where the racer does not apply (e.g. Newton without a Hessian). */
  make(params: Param[], problem: Problem): Stepper | null;
}

/**
 * SGD whose momentum ramps linearly from 0.5 to 0.9 over the run (set on the group each step;
 * the setter validates), at the learning rate of the other momentum racers.
 */
function annealedMomentum(params: Param[], problem: Problem): Stepper {
  const opt = new SGD(params, { lr: problem.momentumLr, momentum: 0.5 });
  return {
    step(closure, t, total) {
      opt.paramGroups[0]!.momentum = 0.5 + (0.4 * t) / Math.max(1, total - 1);
      return opt.step(closure);
    },
    dispose: () => opt.dispose(),
  };
}

export const RACERS: readonly Racer[] = [
  { name: "SGD", colour: "#e41a1c", make: (ps, p) => new SGD(ps, { lr: p.lr }) },
  { name: "Momentum 0.9", colour: "#ff7f00", make: (ps, p) => new SGD(ps, { lr: p.momentumLr, momentum: 0.9 }) },
  { name: "Momentum 0.5→0.9", colour: "#a65628", dash: "6 3", make: annealedMomentum },
  { name: "Nesterov", colour: "#f781bf", make: (ps, p) => new SGD(ps, { lr: p.momentumLr, momentum: 0.9, nesterov: true }) },
  { name: "Adagrad", colour: "#4daf4a", make: (ps, p) => new Adagrad(ps, { lr: p.stepSize }) },
  { name: "RMSprop", colour: "#377eb8", make: (ps, p) => new RMSprop(ps, { lr: p.stepSize }) },
  { name: "Adam", colour: "#984ea3", make: (ps, p) => new Adam(ps, { lr: p.stepSize }) },
  { name: "AdamW", colour: "#17becf", dash: "2 3", make: (ps, p) => new AdamW(ps, { lr: p.stepSize, weightDecay: 1e-2 }) },
  {
    name: "Schedule-Free AdamW",
    colour: "#1b9e77",
    make: (ps, p) => {
      const opt = new AdamWScheduleFree(ps, { lr: p.stepSize * 5 });
      // gradients are taken at y (train mode); the point to show and evaluate is x (eval mode)
      return {
        step(closure) {
          opt.train();
          opt.step(closure);
          opt.eval();
        },
        dispose: () => opt.dispose(),
      };
    },
  },
  { name: "Lion", colour: "#666666", make: (ps, p) => new Lion(ps, { lr: p.stepSize / 3 }) },
  // one iteration (with its line search) per race step
  { name: "L-BFGS", colour: "#000000", surfacesOnly: true, make: (ps) => new LBFGS(ps, { lr: 1, maxIter: 1, lineSearch: "strong-wolfe" }) },
  {
    name: "Newton",
    colour: "#b8860b",
    surfacesOnly: true,
    make: (ps, p) => {
      const hessian = p.hessian;
      if (!hessian) return null;
      const opt = new Newton(ps, { maxIter: 1 });
      return { step: (closure) => opt.step(closure, (H) => H.set(hessian())), dispose: () => opt.dispose() };
    },
  },
];
