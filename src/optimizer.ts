// The base of every optimizer (torch.optim.Optimizer's bookkeeping): parameter groups with
// validated, mutable hyperparameters, per-param and per-group state, attachments, and the
// checkpoint entry points. How a step is taken is the subclass's: FirstOrderOptimizer
// (first-order.ts) runs one kernel per param; LBFGS and Newton run their own iterations.
import { CheckpointError, kindOf, type Attachment, type PendingLoad, type StateTree, type StateValue } from "./checkpoint/attachment.js";
import { ContentKind, decodeState, encodeState } from "./checkpoint/codec.js";
import { fromJSONForm } from "./checkpoint/json.js";
import { InvalidOptionError, StateError } from "./errors.js";
import { bool, checkInDType, epsilon, isArray, optionsObject, type Check, type Schema } from "./options.js";
import { disposedError, Param, ParamState, type DType } from "./param.js";
import {
  allocateStates,
  commitStateDict,
  freeStates,
  parseStateDict,
  writeStateDict,
  type ExpectedState,
  type LoadOptions,
  type OptimizerStateDict,
  type StateDictSource,
} from "./state-dict.js";

/** A parameter group: its params and its own hyperparameters (validated when set). */
export type ParamGroup<O> = O & {
  /** The group's params, in order (fixed once the group is built). */
  readonly params: readonly Param[];
};

/** What the constructor and addParamGroup accept: params, or groups with overrides. */
export type GroupInput<O> = Partial<O> & {
  /** The group's params (each param in one group only). */
  params: readonly Param[];
};
/**
 * The params an optimizer is built with: an iterable of {@link Param} (one group with the
 * defaults), or of {@link GroupInput} (several groups, each overriding some options).
 */
export type ParamsInput<O> = Iterable<Param> | Iterable<GroupInput<O>>;

/**
 * The base class of every optimizer (torch's `torch.optim.Optimizer`): parameter groups whose hyperparameters are checked
 * whenever they are set (`group.lr = 0.1` throws InvalidOptionError on a bad value and
 * changes nothing), per-param `state` and per-group `groupState`, attached schedulers and
 * wrappers, and checkpoints (`stateDict`, `loadStateDict`, `saveState`, `loadState`).
 *
 * A concrete subclass declares `static readonly kind: string = "<Name>"`: the name written into its
 * checkpoints (a checkpoint loads only into an optimizer of the same kind). It is a literal,
 * not the JS class name, so that minifying or renaming the class keeps the file format.
 * A subclass of a concrete optimizer inherits its kind (and so its checkpoints) unless it
 * declares its own.
 */
export abstract class Optimizer<O extends object> {
  /** The hyperparameters a group gets when it does not override them. */
  readonly defaults: Readonly<O>;
  #groups: readonly ParamGroup<O>[] = Object.freeze([]);
  /** Per-parameter state, created on a parameter's first step. */
  readonly state = new Map<Param, ParamState>();
  /** Per-group scalar state (e.g. Schedule-Free's k, weightSum, lrMax), by group. */
  readonly groupState = new Map<ParamGroup<O>, Record<string, number>>();
  readonly #attachments: Attachment[] = [];
  readonly #schema: Schema<O>;
  #disposed = false;
  /** Counts changes of any group's hyperparameters (setters, loaded checkpoints). */
  #optionsVersion = 0;

  /**
   * @param params - the params (one group), or groups `{ params, ...overrides }`.
   * @param options - defaults for every group; unknown names and bad values are refused.
   * @param schema - each hyperparameter's default and check.
   * @throws InvalidOptionError naming the bad option (nothing is created).
   */
  protected constructor(params: ParamsInput<O>, options: Partial<O> | undefined, schema: Schema<O>) {
    this.#schema = schema;
    if (typeof (this.constructor as { kind?: unknown }).kind !== "string") {
      throw new TypeError(
        `wasm-optim: ${this.constructor.name} must declare static readonly kind: string = "<name>" (the name its checkpoints carry)`,
      );
    }
    const defaults = {} as O;
    for (const key of Object.keys(schema) as (keyof O & string)[]) defaults[key] = schema[key].default as O[keyof O & string];
    // a required option (no default, as SGD's lr) may be left out here when every group gives it (torch's `required`)
    this.defaults = Object.freeze(
      this.#validate({ ...defaults, ...this.#known(options === undefined ? {} : options, "options") }, "options", false, true),
    );
    const input: unknown = params; // anything, from JavaScript
    const list =
      input !== null && typeof input === "object" && Symbol.iterator in input ? [...(input as Iterable<Param | GroupInput<O>>)] : [];
    if (list.length === 0) {
      throw new InvalidOptionError(
        "params",
        params,
        "a non-empty array (or iterable) of Param or of parameter groups { params, ...options }",
      );
    }
    const groups: GroupInput<O>[] =
      list[0] instanceof Param ? [{ params: list as Param[] } as unknown as GroupInput<O>] : (list as GroupInput<O>[]);
    const built: ParamGroup<O>[] = [];
    groups.forEach((group, i) => built.push(this.#buildGroup(group, `params[${i}]`, built)));
    this.#groups = Object.freeze(built);
  }

  /**
   * The parameter groups, in order (torch's `param_groups`). The array is frozen and each
   * group's `params` too: groups are added only through addParamGroup and hyperparameters
   * changed only through their validated setters (`group.lr = 0.01`), so no route skips the
   * checks.
   */
  get paramGroups(): readonly ParamGroup<O>[] {
    return this.#groups;
  }

  /** The name in checkpoints: the class's static `kind` (e.g. "Adam"). */
  get kind(): string {
    return kindOf(this);
  }

  /**
   * Updates the params. A closure, if given, recomputes the loss and writes the gradients;
   * its value is returned. See each subclass for what one step is.
   */
  abstract step(closure?: () => number): number | undefined;

  /**
   * Throws the StateError that step() would throw before touching anything (a disposed
   * optimizer or param; Schedule-Free in eval mode). Wrappers call it before they change
   * the gradients.
   */
  checkStep(closure?: unknown): void {
    if (closure !== undefined && typeof closure !== "function") {
      throw new InvalidOptionError("closure", closure, "a function that recomputes the loss and writes the gradients, or nothing", "type");
    }
    if (this.#disposed) throw new StateError(`wasm-optim: this ${this.kind} was disposed`);
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.disposed) throw disposedError(p, "a Param of this optimizer", "nothing was stepped");
        p.checkWrapped();
        if (p.requiresGrad) p.checkViews(); // a frozen param's gradient is never read
      }
    }
  }

  /**
   * Zeroes the gradient of every param (all or none).
   * @throws StateError for a disposed optimizer or param (no gradient is changed then).
   */
  zeroGrad(): void {
    this.checkStep();
    for (const group of this.paramGroups) for (const p of group.params) p.zeroGrad();
  }

  /**
   * Frees every state buffer and the wasm memory of attached wrappers (the params stay).
   * The optimizer cannot be used afterwards: step() and checkpoints throw StateError.
   */
  dispose(): void {
    for (const s of this.state.values()) s.free();
    this.state.clear();
    for (const a of [...this.#attachments]) a.dispose?.();
    this.#disposed = true;
  }

  /** true after {@link Optimizer.dispose}. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * A number that changes whenever a hyperparameter of any group changes (a setter such as
   * `group.lr = 0.1`, or a loaded checkpoint): what was derived from the options can be kept
   * while it is the same.
   */
  protected get optionsVersion(): number {
    return this.#optionsVersion;
  }

  /**
   * Adds a group (validated completely before anything changes). Public on optimizers that
   * allow several groups (FirstOrderOptimizer.addParamGroup).
   * @throws InvalidOptionError for a bad option or a param already in a group.
   */
  protected addGroup(group: GroupInput<O>): void {
    this.#groups = Object.freeze([...this.#groups, this.#buildGroup(group, "group", this.#groups)]);
  }

  /** The state of `p`, created empty on first use. */
  protected stateOf(p: Param): ParamState {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = new ParamState(p)));
    return s;
  }

  /** The scalar state of `group`, created empty on first use. */
  protected groupStateOf(group: ParamGroup<O>): Record<string, number> {
    let s = this.groupState.get(group);
    if (!s) this.groupState.set(group, (s = {}));
    return s;
  }

  /** Cross-option rules (e.g. nesterov needs momentum); throw InvalidOptionError. */
  protected crossCheck(_options: O, _where: string): void {}

  /**
   * Rules between a group's options and the dtype of its params (the kernels take their scalars
   * rounded to it): by default, with float32 params, `lr`, `weightDecay`, `momentum` and every
   * option checked by `epsilon` must be finite in float32, and an `epsilon` must not round
   * to 0 (`checkInDType` in options.ts). Throws InvalidOptionError naming the option as `name(key)` gives it.
   */
  protected dtypeCheck(options: O, dtype: DType, name: (key: string) => string): void {
    for (const key of Object.keys(this.#schema) as (keyof O & string)[]) {
      const nonZero = this.#schema[key].check === epsilon;
      const v = options[key];
      if (typeof v === "number" && (nonZero || KERNEL_SCALARS.has(key))) checkInDType(name(key), v, dtype, nonZero);
    }
  }

  /**
   * The scalars the rule computes each step from the hyperparameters alone (step sizes,
   * bias-corrected lrs, decay factors), each at its worst step count (usually t = 1), in float64
   * as the rule computes them. Every one must be finite in the params' dtype (the kernels take
   * it rounded to float32 for float32 params), or the option it names is
   * refused (docs/conventions.md, "Numbers"): a valid but extreme value never gives NaN silently.
   * Default: none.
   */
  protected worstStepScalars(_options: O): readonly StepScalar[] {
    return [];
  }

  #checkDTypes(options: O, dtypes: ReadonlySet<DType>, name: (key: string) => string): void {
    for (const dtype of dtypes) this.dtypeCheck(options, dtype, name);
    if (dtypes.size === 0) return;
    // the kernels take the scalars rounded to the params' dtype: with float32 params they must be finite there
    const dtype: DType = dtypes.has("float32") ? "float32" : "float64";
    for (const s of this.worstStepScalars(options)) {
      const value = dtype === "float32" ? Math.fround(s.value) : s.value;
      if (!Number.isFinite(value)) {
        const given = (options as Record<string, unknown>)[s.option];
        throw new InvalidOptionError(
          name(s.option),
          given,
          `a value for which ${s.what} stays finite: it is ${value} in ${dtype}`,
          "range",
        );
      }
    }
  }

  // ---- checkpoints (docs/checkpoints.md; the format is in state-dict.ts)

  /** Objects (schedulers, step guards, accumulators) whose state is saved with this optimizer's. */
  get attachments(): readonly Attachment[] {
    return [...this.#attachments];
  }

  /** Saves and loads `a`'s state with this optimizer's, after those attached before it. */
  attach(a: Attachment): void {
    const x = a as Partial<Attachment> | null; // anything, from JavaScript
    if (
      x === null ||
      typeof x !== "object" ||
      typeof x.kind !== "string" ||
      typeof x.stateDict !== "function" ||
      typeof x.prepareLoad !== "function"
    ) {
      throw new InvalidOptionError(
        "attachment",
        a,
        "an Attachment { kind, stateDict(), prepareLoad() } (a scheduler, a transform, an AveragedModel)",
        "type",
      );
    }
    if (!this.#attachments.includes(a)) this.#attachments.push(a);
  }

  /** Stops saving and loading `a`'s state with this optimizer's (no-op if it is not attached). */
  detach(a: Attachment): void {
    const i = this.#attachments.indexOf(a);
    if (i >= 0) this.#attachments.splice(i, 1);
  }

  /**
   * Everything a resumed run needs, as a plain object (typed arrays are copies): the kind,
   * each group's hyperparameters, params (dtype, size) with their state (step, scalars,
   * buffers) and group scalars, the subclass's extraState(), and each attachment's state.
   * @throws StateError when the optimizer or one of its params was disposed.
   */
  stateDict(): OptimizerStateDict {
    this.#checkLive();
    return writeStateDict(
      this.#source(),
      this.extraState(),
      this.#attachments.map((a) => ({ kind: a.kind, state: a.stateDict() })),
    );
  }

  /**
   * Restores a stateDict(), also in its JSON form (`JSON.parse(JSON.stringify(stateDict))`,
   * see checkpoint/json.ts; typed arrays may also be plain number arrays). Everything is
   * checked before anything changes: on a CheckpointError this optimizer, its params'
   * state and its attachments are exactly as they were. `attachments: false` leaves the
   * attachments alone (and ignores theirs in the checkpoint).
   * @throws CheckpointError when the checkpoint does not fit; StateError when disposed.
   */
  loadStateDict(stateDict: StateValue, options: LoadOptions = {}): void {
    this.#checkLive();
    const load = bool("attachments", optionsObject(options, "options", ["attachments"]).attachments ?? true);
    const attachments = load ? [...this.#attachments] : null;
    const parsed = parseStateDict(fromJSONForm(stateDict), this.#source(), attachments && attachments.map((a) => a.kind));
    const pending: PendingLoad[] = [];
    try {
      pending.push(this.prepareExtraState(parsed.extra, "extra"));
      attachments?.forEach((a, i) => pending.push(a.prepareLoad(parsed.attachments![i], `attachments[${i}] (${a.kind})`)));
      const made = allocateStates(parsed, this.paramGroups); // allocate last: every check has passed
      pending.unshift({
        commit: () =>
          commitStateDict(parsed, made, {
            groups: this.paramGroups,
            state: this.state,
            groupState: this.groupState,
            setHyperparameters: (group, values) => {
              values.forEach((v, j) => ((group as unknown as GroupInternals)[STORE][j] = v));
              this.#optionsVersion++;
            },
          }),
        abort: () => freeStates(made),
      });
    } catch (e) {
      for (const p of pending) p.abort?.();
      throw e;
    }
    for (const p of pending) p.commit();
  }

  /** stateDict() in the compact binary form: versioned, CRC-32 checked. */
  saveState(): Uint8Array {
    return encodeState(this.stateDict(), ContentKind.optimizer);
  }

  /**
   * Restores saveState() bytes; the file is checked (length, CRC, version) before its content.
   * Untrusted bytes cost work and memory in proportion to the state this optimizer can hold,
   * not to what the file claims: a file larger than that, or with more values, is refused from
   * its header or as soon as the count is passed, before anything is allocated for it.
   * @throws CheckpointError (nothing is modified).
   */
  loadState(bytes: Uint8Array, options: LoadOptions = {}): void {
    this.#checkLive();
    let elements = 0,
      params = 0;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        elements += p.size;
        params++;
      }
    }
    const maxBytes = 2 ** 24 + 8 * elements * this.stateVectorsPerElement();
    const maxValues = 2 ** 16 + 256 * (params + this.paramGroups.length);
    this.loadStateDict(decodeState(bytes, ContentKind.optimizer, { maxBytes, maxValues }), options);
  }

  /**
   * An upper bound on the state vectors (each the size of all the params) this optimizer and
   * its attachments keep: the first-order rules keep at most 4 buffers a param, averages and
   * accumulators one more each. Bounds what loadState reads.
   */
  protected stateVectorsPerElement(): number {
    return 12;
  }

  /**
   * Optimizer-level state beyond params and groups (e.g. a train/eval mode, L-BFGS's
   * history), saved under `extra`. Override together with prepareExtraState.
   */
  protected extraState(): StateTree {
    return {};
  }

  /**
   * Checks the `extra` of a checkpoint and returns how to apply it; must change nothing
   * itself and throw CheckpointError (see the as* readers in checkpoint.ts) if it does not fit.
   */
  protected prepareExtraState(extra: StateTree, where: string): PendingLoad {
    const keys = Object.keys(extra);
    if (keys.length > 0) throw new CheckpointError("mismatch", `${where} has ${keys.join(", ")}, which ${this.kind} does not keep`);
    return { commit() {} };
  }

  /**
   * The length of `p`'s state buffer `name`, checked on load; null: this optimizer keeps no
   * such buffer (the checkpoint is refused). Default: any name, the param's size.
   */
  protected stateBufferLength(p: Param, _name: string): number | null {
    return p.size;
  }

  /**
   * The buffer and scalar names a stepped param's saved state must have under the saved
   * hyperparameters `options`; null (the default) checks lengths only.
   */
  protected expectedState(_p: Param, _options: O): ExpectedState | null {
    return null;
  }

  /** Per-group scalar names beside torch's initial_lr (which LR schedulers keep), e.g. Schedule-Free's k. */
  protected groupStateKeys(): readonly string[] {
    return [];
  }

  #source(): StateDictSource {
    const names = Object.keys(this.#schema);
    return {
      kind: this.kind,
      names,
      groups: this.paramGroups,
      state: this.state,
      groupState: this.groupState,
      checkHyperparameters: (values, where) => {
        const checked = this.#validate(values as unknown as O, where);
        return names.map((k) => checked[k as keyof O]);
      },
      stateBufferLength: (p, name) => this.stateBufferLength(p, name),
      expectedState: (p, values) => this.expectedState(p, Object.fromEntries(names.map((k, i) => [k, values[i]])) as O),
      groupStateKeys: ["initial_lr", ...this.groupStateKeys()],
    };
  }

  #checkLive(): void {
    if (this.#disposed) throw new StateError(`wasm-optim: this ${this.kind} was disposed`);
    for (const group of this.paramGroups) {
      for (const p of group.params)
        if (p.disposed) throw disposedError(p, "a Param of this optimizer", "its state cannot be saved or loaded");
    }
  }

  // ---- the hyperparameter store

  /** The options given, checked for unknown names; an option given as undefined takes its default. */
  #known(options: unknown, where: string): Partial<O> {
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new InvalidOptionError(where, options, "an object of options");
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) {
      if (key === "params" || value === undefined) continue;
      // own names only: toString, constructor or a JSON "__proto__" are not options
      if (!Object.hasOwn(this.#schema, key)) {
        throw new InvalidOptionError(
          `${where}.${key}`,
          value,
          `an option of ${this.kind}: ${Object.keys(this.#schema).join(", ")}`,
          "value",
        );
      }
      out[key] = value;
    }
    return out as Partial<O>;
  }

  #validate(values: O, where: string, prefixed = true, requiredMayBeMissing = false): O {
    const out = {} as O;
    for (const key of Object.keys(this.#schema) as (keyof O & string)[]) {
      const name = prefixed ? `${where}.${key}` : key;
      if (values[key] === undefined && requiredMayBeMissing) continue;
      if (values[key] === undefined) throw new InvalidOptionError(name, undefined, `a value: ${key} has no default and is required`);
      out[key] = this.#schema[key].check(name, values[key]);
    }
    this.crossCheck(out, where);
    return out;
  }

  #buildGroup(value: unknown, where: string, existing: readonly ParamGroup<O>[]): ParamGroup<O> {
    const input = value as GroupInput<O> | null; // anything, from JavaScript: checked before use
    if (input === null || typeof input !== "object" || !isArray(input.params)) {
      throw new InvalidOptionError(where, input, "a parameter group { params: Param[], ...options }");
    }
    const seen = new Set<Param>();
    for (const group of existing) for (const p of group.params) seen.add(p);
    input.params.forEach((p, i) => {
      if (!(p instanceof Param)) throw new InvalidOptionError(`${where}.params[${i}]`, p, "a Param");
      if (p.disposed) throw new InvalidOptionError(`${where}.params[${i}]`, p.name ?? "Param", "a Param that is not disposed");
      if (seen.has(p))
        throw new InvalidOptionError(
          `${where}.params[${i}]`,
          p.name ?? "Param",
          "a Param that is in no other group (each param belongs to one group)",
        );
      seen.add(p);
    });
    const values = this.#validate({ ...this.defaults, ...this.#known(input, where) }, where);
    // the params' dtypes, found once: a scheduler's `group.lr = ...` each step checks against them
    const dtypes: ReadonlySet<DType> = new Set(input.params.map((p) => p.dtype));
    this.#checkDTypes(values, dtypes, (k) => (Object.hasOwn(input, k) ? `${where}.${k}` : k));
    const keys = Object.keys(this.#schema) as (keyof O & string)[];
    const group = {};
    Object.defineProperties(group, {
      params: { value: Object.freeze([...input.params]), enumerable: true },
      [STORE]: { value: keys.map((k) => values[k]) },
      [OWNER]: { value: this },
      [DTYPES]: { value: dtypes },
      [INSPECT]: { value: inspectGroup },
    });
    for (const [key, accessors] of accessorsOf(keys)) Object.defineProperty(group, key, accessors);
    return Object.seal(group) as unknown as ParamGroup<O>;
  }

  /** @internal validates and sets the hyperparameter `key` (index `i`) of a group. */
  static setOption(group: GroupInternals, key: string, i: number, value: unknown): void {
    const owner = group[OWNER];
    const schema = owner.#schema as Record<string, { check: Check<unknown> }>;
    const keys = Object.keys(schema);
    const checked = schema[key]!.check(key, value);
    const candidate = Object.fromEntries(keys.map((k, j) => [k, j === i ? checked : group[STORE][j]]));
    owner.crossCheck(candidate, "group");
    owner.#checkDTypes(candidate, group[DTYPES], (k) => k);
    group[STORE][i] = checked;
    owner.#optionsVersion++;
  }
}

/**
 * A scalar a rule computes per step from hyperparameters only, at its worst step count
 * (Optimizer.worstStepScalars): `what` describes it in the error (e.g. "Adam's step size
 * lr / (1 − β₁)"), `option` is the option refused when `value` is not finite.
 */
export interface StepScalar {
  /** The option refused when `value` is not finite (a key of the optimizer's options). */
  readonly option: string;
  /** The scalar, as the error message names it. */
  readonly what: string;
  /** Its value at the worst step count, in float64. */
  readonly value: number;
}

/** Options every kernel that has them takes as a scalar of the params' dtype (see Optimizer.dtypeCheck). */
const KERNEL_SCALARS: ReadonlySet<string> = new Set(["lr", "weightDecay", "momentum"]);

// A group keeps its values in an array, in schema order, behind one getter/setter pair per
// option shared by every group with the same option names. The groups of an optimizer then
// share one hidden class, and reading `group.lr` in the step loop is a fast indexed load.
const STORE = Symbol("values");
const OWNER = Symbol("optimizer");
const DTYPES = Symbol("dtypes");
const INSPECT = Symbol.for("nodejs.util.inspect.custom");
/** console.log(group) shows the values, not [Getter/Setter]. */
function inspectGroup(this: object): object {
  return { ...this };
}
interface GroupInternals {
  [STORE]: unknown[];
  [OWNER]: Optimizer<object>;
  /** The dtypes of the group's params (which never change). */
  [DTYPES]: ReadonlySet<DType>;
}

const accessorCache = new Map<string, [string, PropertyDescriptor][]>();
function accessorsOf(keys: readonly string[]): [string, PropertyDescriptor][] {
  const id = keys.join(",");
  let list = accessorCache.get(id);
  if (!list) {
    list = keys.map((key, i) => [
      key,
      {
        enumerable: true,
        get(this: GroupInternals) {
          return this[STORE][i];
        },
        set(this: GroupInternals, value: unknown) {
          Optimizer.setOption(this, key, i, value);
        },
      },
    ]);
    accessorCache.set(id, list);
  }
  return list;
}
