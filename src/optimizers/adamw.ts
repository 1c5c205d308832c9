import { Optimizer, type ParamGroup, type ParamState, type ParamsInput, type StateBufferSpec } from "../optimizer.js";
import type { Param } from "../param.js";
import { adamBuffers, adamSchema, adamUpdate, type AdamOptions } from "./adam.js";

export type AdamWOptions = AdamOptions;

const schema = adamSchema(1e-2);

/**
 * AdamW (Loshchilov & Hutter 2019), as torch.optim.AdamW: decoupled weight decay
 * (p *= 1 - lr*weightDecay before the Adam update), default weightDecay 0.01.
 */
export class AdamW extends Optimizer<AdamWOptions> {
  constructor(params: ParamsInput<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    super(params, options, schema);
  }
  protected stateBuffers(g: ParamGroup<AdamWOptions>): readonly StateBufferSpec[] {
    return adamBuffers(g);
  }
  protected update(p: Param, g: ParamGroup<AdamWOptions>, s: ParamState): void {
    adamUpdate(p, g, s, true);
  }
}
