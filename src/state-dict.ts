// An optimizer's checkpoint as a plain object (docs/checkpoints.md): writing it, and reading
// it in three steps so that a bad checkpoint changes nothing:
//   1. parse and check (pure): every field of the optimizer's own part is read and checked
//      against the optimizer it is loaded into; nothing is allocated;
//   2. allocate: the new per-param states are made in wasm memory (freed again on failure);
//   3. commit: hyperparameters, per-param and per-group state are swapped in (cannot fail).
// Optimizer.loadStateDict runs them, with the subclass's `extra` and the attachments'
// prepareLoad between 1 and 2.
import { CheckpointError, type StateTree, type StateValue } from "./checkpoint/attachment.js";
import { FORMAT_VERSION } from "./checkpoint/codec.js";
import { withJSONForm } from "./checkpoint/json.js";
import { asArray, asFloatArray, asInteger, asNumber, asScalars, asString, asTree } from "./checkpoint/read.js";
import { InvalidOptionError, show } from "./errors.js";
import { isArray } from "./options.js";
import { ParamState, type DType, type FloatArray, type Param } from "./param.js";

/** Options of Optimizer.loadStateDict / loadState. */
export interface LoadOptions {
  /** false: leave the attached schedulers and wrappers alone (default true: load them too). */
  attachments?: boolean;
}

/** What Optimizer.stateDict() returns (see docs/checkpoints.md). */
export interface OptimizerStateDict extends StateTree {
  /** The format's name, `"wasm-optim/optimizer"`. */
  readonly format: "wasm-optim/optimizer";
  /** The format's version (a newer one than this library reads is refused with code `"version"`). */
  readonly version: number;
  /** The optimizer's static `kind` (e.g. "Adam"): a checkpoint loads only into the same kind. */
  readonly kind: string;
  /** One entry per parameter group, in order. */
  readonly paramGroups: readonly {
    /** Every hyperparameter of the group, by its option name. */
    readonly hyperparameters: StateTree;
    /** One entry per param of the group, in order; state null: not stepped yet. */
    readonly params: readonly {
      /** The param's dtype (must match on load). */
      readonly dtype: DType;
      /** The param's number of elements (must match on load). */
      readonly size: number;
      /** Its optimizer state; null: not stepped yet. */
      readonly state: ParamStateDict | null;
    }[];
    /** The group's scalar state (e.g. Schedule-Free's k), null if it has none. */
    readonly state: Readonly<Record<string, number>> | null;
  }[];
  /** The subclass's own state (extraState()). */
  readonly extra: StateTree;
  /** Each attachment's state, in the order they were attached. */
  readonly attachments: readonly {
    /** The attachment's checkpoint name (e.g. `"StepLR"`). */
    readonly kind: string;
    /** What its stateDict() returned. */
    readonly state: StateTree;
  }[];
}

/** One param's state in an OptimizerStateDict (typed arrays are copies). */
export interface ParamStateDict extends StateTree {
  /** The number of steps taken (torch's `state["step"]`). */
  readonly step: number;
  /** Per-param scalars by torch's name (e.g. `mu_product`). */
  readonly scalars: Readonly<Record<string, number>>;
  /** State buffers by torch's name (e.g. `exp_avg`), in the param's dtype. */
  readonly buffers: Readonly<Record<string, Float32Array | Float64Array>>;
}

/** The parts of an optimizer a checkpoint is written from and checked against. */
export interface StateDictSource {
  readonly kind: string;
  /** Hyperparameter names, in schema order. */
  readonly names: readonly string[];
  readonly groups: readonly { readonly params: readonly Param[] }[];
  readonly state: ReadonlyMap<Param, ParamState>;
  readonly groupState: ReadonlyMap<object, Record<string, number>>;
  /**
   * Validates a group's saved hyperparameters; returns them in `names` order. Throws
   * InvalidOptionError (turned into CheckpointError "invalid").
   */
  checkHyperparameters(values: StateTree, where: string): readonly unknown[];
  /** The length of `p`'s state buffer `name`; null: no such buffer is kept. */
  stateBufferLength(p: Param, name: string): number | null;
  /**
   * What a stepped param's state must hold under the saved hyperparameters `values` (in
   * `names` order), or null when the optimizer does not say (then only lengths are checked).
   */
  expectedState(p: Param, values: readonly unknown[]): ExpectedState | null;
  /** The per-group scalar names a checkpoint may carry (e.g. Schedule-Free's k, torch's initial_lr). */
  readonly groupStateKeys: readonly string[];
}

/**
 * torch's state buffers that hold running squares, norms or step sizes: no run makes an element
 * negative (a negative second moment's square root is NaN), so a checkpoint with one is refused.
 */
const NON_NEGATIVE = new Set([
  "exp_avg_sq",
  "max_exp_avg_sq",
  "square_avg",
  "acc_delta",
  "sum",
  "exp_inf",
  "step_size",
  "variance",
  "row_var",
  "col_var",
]);

/** The names a param's saved state must have: exactly these buffers, and these scalars (true: must be finite). */
export interface ExpectedState {
  /** Exactly these buffer names (null: any the optimizer keeps, see stateBufferLength). */
  readonly buffers: readonly string[] | null;
  /** The scalar names allowed, each mapped to whether it must be finite. */
  readonly scalars: Readonly<Record<string, boolean>>;
  /** true: every scalar of `scalars` must be present. */
  readonly allScalars: boolean;
}

/** Writes the optimizer's part of a checkpoint; `extra` and `attachments` come from the caller. */
export function writeStateDict(src: StateDictSource, extra: StateTree, attachments: OptimizerStateDict["attachments"]): OptimizerStateDict {
  return withJSONForm({
    format: "wasm-optim/optimizer",
    version: FORMAT_VERSION,
    kind: src.kind,
    paramGroups: src.groups.map((group) => {
      const hyperparameters: Record<string, StateValue> = {};
      for (const key of src.names) {
        const v = (group as unknown as Record<string, StateValue>)[key]!;
        hyperparameters[key] = isArray(v) ? [...v] : v;
      }
      const gs = src.groupState.get(group);
      return {
        hyperparameters,
        params: group.params.map((p) => {
          const s = src.state.get(p);
          const state = s
            ? { step: s.step, scalars: { ...s.scalars }, buffers: Object.fromEntries([...s.buffers].map(([k, b]) => [k, b.view.slice()])) }
            : null;
          return { dtype: p.dtype, size: p.size, state };
        }),
        state: gs ? { ...gs } : null,
      };
    }),
    extra,
    attachments,
  });
}

/** One param's checked state, not yet in wasm memory. */
interface ParsedParamState {
  readonly step: number;
  readonly scalars: Record<string, number>;
  readonly buffers: readonly (readonly [string, FloatArray])[];
}

/** One group of a checked checkpoint. */
interface ParsedGroup {
  /** The validated hyperparameters, in schema order. */
  readonly values: readonly unknown[];
  readonly states: readonly (ParsedParamState | null)[];
  readonly scalars: Record<string, number> | null;
}

/** A checkpoint checked against an optimizer (step 1): nothing allocated, nothing changed. */
export interface ParsedStateDict {
  readonly groups: readonly ParsedGroup[];
  readonly extra: StateTree;
  /** Each attachment's saved state, in order (null: attachments not loaded). */
  readonly attachments: readonly (StateValue | undefined)[] | null;
}

/**
 * Step 1: reads and checks a stateDict() against `src` (format, version, kind, groups,
 * hyperparameters, param dtypes and sizes, buffer names and lengths, and — when
 * `attachmentKinds` is given — the kinds of the attachments, in order). Pure.
 * @throws CheckpointError (format, version, mismatch, invalid).
 */
export function parseStateDict(stateDict: StateValue, src: StateDictSource, attachmentKinds: readonly string[] | null): ParsedStateDict {
  const root = asTree(stateDict, "state");
  if (root.format !== "wasm-optim/optimizer")
    throw new CheckpointError("format", `format is ${show(root.format)}, expected "wasm-optim/optimizer"`);
  const version = asInteger(root.version, "version", 1);
  if (version > FORMAT_VERSION)
    throw new CheckpointError("version", `state version ${version} is newer than this library reads (${FORMAT_VERSION})`);
  const kind = asString(root.kind, "kind");
  if (kind !== src.kind) throw new CheckpointError("mismatch", `this checkpoint is of ${kind}; it cannot be loaded into ${src.kind}`);
  const saved = asArray(root.paramGroups, "paramGroups", src.groups.length);
  const groups = src.groups.map((group, gi) => parseGroup(saved[gi], group.params, `paramGroups[${gi}]`, src));
  const extra = asTree(root.extra, "extra");
  if (!attachmentKinds) return { groups, extra, attachments: null };
  const list = asArray(root.attachments, "attachments");
  const there = list.map((x, i) => asString(asTree(x, `attachments[${i}]`).kind, `attachments[${i}].kind`));
  if (there.length !== attachmentKinds.length || there.some((k, i) => k !== attachmentKinds[i])) {
    throw new CheckpointError(
      "mismatch",
      `the checkpoint has attachments [${there.join(", ")}], this optimizer [${attachmentKinds.join(", ")}]; attach the same schedulers and wrappers in the same order before loading (or pass { attachments: false })`,
    );
  }
  return { groups, extra, attachments: list.map((x, i) => asTree(x, `attachments[${i}]`).state) };
}

function parseGroup(v: StateValue | undefined, params: readonly Param[], where: string, src: StateDictSource): ParsedGroup {
  const g = asTree(v, where);
  const hp = asTree(g.hyperparameters, `${where}.hyperparameters`);
  const got = Object.keys(hp);
  if (got.length !== src.names.length || !src.names.every((k) => got.includes(k))) {
    throw new CheckpointError("mismatch", `${where}.hyperparameters are ${got.join(", ")}; ${src.kind} has ${src.names.join(", ")}`);
  }
  let values: readonly unknown[];
  try {
    values = src.checkHyperparameters(hp, `${where}.hyperparameters`);
  } catch (e) {
    if (e instanceof InvalidOptionError) throw new CheckpointError("invalid", e.message, { cause: e });
    throw e;
  }
  const saved = asArray(g.params, `${where}.params`, params.length);
  const states = params.map((p, i) => parseParamState(saved[i], p, `${where}.params[${i}]`, src, values));
  const scalars = g.state === null ? null : asScalars(g.state, `${where}.state`);
  for (const k of Object.keys(scalars ?? {})) {
    if (!src.groupStateKeys.includes(k))
      throw new CheckpointError(
        "mismatch",
        `${where}.state has ${k}, which ${src.kind} does not keep (it keeps ${src.groupStateKeys.join(", ")})`,
      );
  }
  return { values, states, scalars };
}

function parseParamState(
  v: StateValue | undefined,
  p: Param,
  where: string,
  src: StateDictSource,
  values: readonly unknown[],
): ParsedParamState | null {
  const e = asTree(v, where);
  if (e.dtype !== p.dtype || e.size !== p.size) {
    throw new CheckpointError(
      "mismatch",
      `${where} is ${show(e.dtype)} of size ${show(e.size)} in the checkpoint, ${p.dtype} of size ${p.size} here`,
    );
  }
  if (e.state === null) return null;
  const s = asTree(e.state, `${where}.state`);
  const buffers = Object.entries(asTree(s.buffers, `${where}.state.buffers`)).map(([k, b]) => {
    const length = src.stateBufferLength(p, k);
    if (length === null) throw new CheckpointError("mismatch", `${where}.state.buffers has ${k}, which ${src.kind} does not keep`);
    const data = asFloatArray(b, `${where}.state.buffers.${k}`, p.dtype, length);
    if (NON_NEGATIVE.has(k)) {
      const i = data.findIndex((x) => x < 0); // NaN passes: a run with NaN gradients reaches it
      if (i >= 0)
        throw new CheckpointError(
          "invalid",
          `${where}.state.buffers.${k}[${i}] is ${data[i]}; it holds squares or step sizes, never negative`,
        );
    }
    return [k, data] as const;
  });
  const expected = src.expectedState(p, values);
  const scalarTree = asTree(s.scalars, `${where}.state.scalars`);
  if (expected) {
    if (expected.buffers) {
      const got = buffers.map(([k]) => k);
      const missing = expected.buffers.filter((k) => !got.includes(k));
      const extra = got.filter((k) => !expected.buffers!.includes(k));
      if (missing.length > 0)
        throw new CheckpointError(
          "mismatch",
          `${where}.state.buffers lacks ${missing.join(", ")}, which ${src.kind} keeps with these options`,
        );
      if (extra.length > 0)
        throw new CheckpointError(
          "mismatch",
          `${where}.state.buffers has ${extra.join(", ")}, which ${src.kind} does not keep with these options`,
        );
    }
    for (const k of Object.keys(scalarTree)) {
      if (!Object.hasOwn(expected.scalars, k))
        throw new CheckpointError("mismatch", `${where}.state.scalars has ${k}, which ${src.kind} does not keep`);
    }
    if (expected.allScalars) {
      const missing = Object.keys(expected.scalars).filter((k) => !Object.hasOwn(scalarTree, k));
      if (missing.length > 0) throw new CheckpointError("mismatch", `${where}.state.scalars lacks ${missing.join(", ")}`);
    }
  }
  const scalars: Record<string, number> = {};
  for (const [k, x] of Object.entries(scalarTree)) {
    const finite = expected ? expected.scalars[k]! : true; // a NaN where a finite number is required would poison every later step
    scalars[k] = asNumber(x, `${where}.state.scalars.${k}`, finite);
  }
  return { step: asInteger(s.step, `${where}.state.step`), scalars, buffers };
}

/** The new per-param states of a checked checkpoint, in wasm memory (step 2). */
export type AllocatedStates = readonly (readonly (ParamState | null)[])[];

/**
 * Step 2: makes the per-param states of `parsed` (for the params of `groups`). On failure
 * (OutOfMemoryError) whatever was made is freed before the error propagates.
 */
export function allocateStates(parsed: ParsedStateDict, groups: readonly { readonly params: readonly Param[] }[]): AllocatedStates {
  const made: ParamState[] = [];
  try {
    return parsed.groups.map(({ states }, gi) =>
      groups[gi]!.params.map((p, i) => {
        const s = states[i];
        if (!s) return null;
        const ps = new ParamState(p);
        made.push(ps);
        ps.step = s.step;
        Object.assign(ps.scalars, s.scalars);
        for (const [name, data] of s.buffers) ps.buffer(name, 0, data.length).view.set(data);
        return ps;
      }),
    );
  } catch (e) {
    freeStates([made]);
    throw e;
  }
}

/** Frees allocated states that will not be committed. */
export function freeStates(states: AllocatedStates): void {
  for (const row of states) for (const s of row) s?.free();
}

/** Where step 3 writes: the optimizer's live maps, and a setter for a group's hyperparameters. */
export interface StateDictTarget<G extends { readonly params: readonly Param[] }> {
  readonly groups: readonly G[];
  readonly state: Map<Param, ParamState>;
  readonly groupState: Map<G, Record<string, number>>;
  setHyperparameters(group: G, values: readonly unknown[]): void;
}

/** Step 3: swaps the checked, allocated state in (the replaced states are freed). Cannot fail. */
export function commitStateDict<G extends { readonly params: readonly Param[] }>(
  parsed: ParsedStateDict,
  made: AllocatedStates,
  target: StateDictTarget<G>,
): void {
  parsed.groups.forEach(({ values, scalars }, gi) => {
    const group = target.groups[gi]!;
    target.setHyperparameters(group, values);
    group.params.forEach((p, i) => {
      target.state.get(p)?.free();
      const s = made[gi]![i];
      if (s) target.state.set(p, s);
      else target.state.delete(p);
    });
    const gs = target.groupState.get(group);
    if (!scalars) target.groupState.delete(group);
    else if (gs) {
      // emptied in place, not replaced: the record keeps its identity
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      for (const k of Object.keys(gs)) delete gs[k];
      Object.assign(gs, scalars);
    } else target.groupState.set(group, { ...scalars });
  });
}
