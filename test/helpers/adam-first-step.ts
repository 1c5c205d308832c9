import { adamReference } from "../reference/adam.js";

/**
 * The params after torch's default Adam (betas 0.9, 0.999; eps 1e-8; no weight decay) takes its
 * first step from zero state with learning rate `lr`, in float32, rounded as the kernel rounds
 * (test/reference/adam.ts): about p − lr · sign(g), within an ulp or two.
 */
export function adamFirstStepF32(p: readonly number[], g: readonly number[], lr: number): number[] {
  const data = Float64Array.from(p, Math.fround);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  const scalars = {
    stepSize: lr / (1 - 0.9),
    beta1: 0.9,
    beta2: 0.999,
    bc2sqrt: Math.sqrt(1 - 0.999),
    eps: 1e-8,
    weightDecay: 0,
    decay: 1,
    sign: 1,
  };
  adamReference(Math.fround, data, g.map(Math.fround), m, v, null, scalars, true);
  return Array.from(data);
}
