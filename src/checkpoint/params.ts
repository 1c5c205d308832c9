// saveParams / loadParams: the values of a list of params in the checked binary form.
import { InvalidOptionError } from "../errors.js";
import { isArray } from "../options.js";
import { disposedError, Param } from "../param.js";
import { CheckpointError } from "./attachment.js";
import { ContentKind, decodeState, encodeState } from "./codec.js";
import { asArray, asFloatArray, asString, asTree } from "./read.js";

/** The values of `params` (in order) in the checked binary form, with their names and dtypes. */
export function saveParams(params: readonly Param[]): Uint8Array {
  const list = checkParams(params);
  return encodeState({ params: list.map((p) => ({ name: p.name ?? null, dtype: p.dtype, data: p.data.slice() })) }, ContentKind.params);
}

/**
 * Copies saved values into `params`. Everything is checked first (count, dtype and size of
 * each param, the file itself); on any error no param is changed.
 */
export function loadParams(params: readonly Param[], bytes: Uint8Array): void {
  const list = checkParams(params);
  const tree = asTree(decodeState(bytes, ContentKind.params), "params file");
  const saved = asArray(tree.params, "params", list.length);
  const data = list.map((p, i) => {
    const s = asTree(saved[i], `params[${i}]`);
    const dtype = asString(s.dtype, `params[${i}].dtype`);
    if (dtype !== p.dtype) throw new CheckpointError("mismatch", `params[${i}] is ${dtype} in the checkpoint, ${p.dtype} here`);
    return asFloatArray(s.data, `params[${i}].data`, p.dtype, p.size);
  });
  list.forEach((p, i) => p.data.set(data[i]!));
}

function checkParams(params: readonly Param[]): readonly Param[] {
  if (!isArray(params)) throw new InvalidOptionError("params", params, "an array of Param");
  params.forEach((p, i) => {
    if (!(p instanceof Param)) throw new InvalidOptionError(`params[${i}]`, p, "a Param");
    if (p.disposed) throw disposedError(p, `params[${i}]`);
  });
  return params;
}
