import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { adamBuffers, adamSchema, adamUpdate, adamWScalars, type AdamOptions } from "./adam.js";

export type AdamWOptions = AdamOptions;

const schema = adamSchema(1e-2);

/**
 * AdamW (Loshchilov & Hutter 2019), as torch.optim.AdamW: decoupled weight decay
 * (p *= 1 - lr*weightDecay before the Adam update), default weightDecay 0.01.
 */
export class AdamW extends FirstOrderOptimizer<AdamWOptions> {
  static readonly kind: string = "AdamW";

  constructor(params: ParamsInput<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    super(params, options, schema);
  }
  protected stateBuffers(group: ParamGroup<AdamWOptions>): readonly StateBufferSpec[] {
    return adamBuffers(group);
  }
  protected update(r: Run, group: ParamGroup<AdamWOptions>): void {
    adamUpdate(r, group, this.stepScalars(group, r.advance(), adamWScalars));
  }
}
