// What LBFGS and Newton share: the params of their single group taken as one flat vector.
import { InvalidOptionError } from "../errors.js";
import type { DType, Param } from "../param.js";

export interface FlatParams {
  readonly dtype: DType;
  /** The params with requiresGrad, in order (frozen ones are left out). */
  readonly params: readonly Param[];
  /** Element offset of each param in the flat vector. */
  readonly offsets: readonly number[];
  /** Total number of elements. */
  readonly numel: number;
}

/** Checks there is one group of one dtype; `who` names the optimizer in the errors. */
export function flatParams(groups: readonly { params: readonly Param[] }[], who: string): FlatParams {
  if (groups.length !== 1)
    throw new InvalidOptionError("params", `${groups.length} parameter groups`, `one parameter group (${who} has no per-group options)`);
  const all = groups[0]!.params;
  const dtypes = new Set(all.map((p) => p.dtype));
  if (dtypes.size > 1) throw new InvalidOptionError("params", [...dtypes], `params of one dtype (${who} treats them as one flat vector)`);
  const params = all.filter((p) => p.requiresGrad);
  const offsets: number[] = [];
  let numel = 0;
  for (const p of params) {
    offsets.push(numel);
    numel += p.size;
  }
  return { dtype: all[0]!.dtype, params, offsets, numel };
}
