import { FirstOrderOptimizer, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import type { Param, ParamState } from "../param.js";
import { adamBuffers, adamSchema, adamUpdate, type AdamOptions } from "./adam.js";

export type AdamWOptions = AdamOptions;

const schema = adamSchema(1e-2);

/**
 * AdamW (Loshchilov & Hutter 2019), as torch.optim.AdamW: decoupled weight decay
 * (p *= 1 - lr*weightDecay before the Adam update), default weightDecay 0.01.
 */
export class AdamW extends FirstOrderOptimizer<AdamWOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "AdamW";

  constructor(params: ParamsInput<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    super(params, options, schema);
  }
  protected stateBuffers(group: ParamGroup<AdamWOptions>): readonly StateBufferSpec[] {
    return adamBuffers(group);
  }
  protected update(p: Param, group: ParamGroup<AdamWOptions>, s: ParamState): void {
    adamUpdate(p, group, s, true);
  }
}
