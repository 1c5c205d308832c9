// The base class every first-order optimizer shares: parameter groups with validated,
// mutable hyperparameters, per-parameter state buffers in wasm memory, and the step loop.
// Subclasses say which kernel gets which scalars; the math lives in assembly/.
import { InvalidOptionError, StateError, type Check } from "./errors.js";
import { disposedError, Param, WasmBuffer, type DType } from "./param.js";
import { kernel, type Kernel } from "./runtime/memory.js";
import { CheckpointError, type Attachment, type PendingLoad, type StateTree, type StateValue } from "./checkpoint/attachment.js";
import { ContentKind, decodeState, encodeState, FORMAT_VERSION } from "./checkpoint/codec.js";
import { asArray, asFloatArray, asInteger, asScalars, asString, asTree } from "./checkpoint/read.js";

/** How each hyperparameter is checked, and its default (undefined: required). */
export type Schema<O> = { readonly [K in keyof O]-?: { readonly default: O[K] | undefined; readonly check: Check<O[K]> } };

/** A parameter group: its params and its own hyperparameters (validated when set). */
export type ParamGroup<O> = O & { readonly params: readonly Param[] };

/** What the constructor and addParamGroup accept: params, or groups with overrides. */
export type GroupInput<O> = Partial<O> & { params: readonly Param[] };
export type ParamsInput<O> = Iterable<Param> | Iterable<GroupInput<O>>;

/** A state buffer a param needs for its next step: a torch state name, and how it starts. */
export type StateBufferSpec = string | { readonly name: string; readonly init: number | "params" };


/** The state one parameter carries between steps: a step count, scalars, buffers. */
export class ParamState {
  step = 0;
  readonly scalars: Record<string, number> = {};
  readonly buffers = new Map<string, WasmBuffer>();
  /** The buffers created for the step in progress (torch: state that did not exist yet). */
  readonly created = new Set<string>();
  constructor(readonly param: Param) {}

  /** The named buffer (torch's state names), created on first use filled with `init`. */
  buffer(name: string, init = 0): WasmBuffer {
    let b = this.buffers.get(name);
    if (!b) {
      b = new WasmBuffer(this.param.dtype, this.param.size);
      if (init !== 0) b.view.fill(init);
      this.buffers.set(name, b);
    }
    return b;
  }

  free(): void {
    for (const b of this.buffers.values()) b.free();
    this.buffers.clear();
  }
}

/** A kernel in both precisions, picked by the param's dtype. */
export function kernelPair(name: string): Record<DType, Kernel> {
  return { float32: kernel(`${name}_f32`), float64: kernel(`${name}_f64`) };
}

export abstract class Optimizer<O extends object> {
  /** The hyperparameters a group gets when it does not override them. */
  readonly defaults: Readonly<O>;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on a parameter's first step. */
  readonly state = new Map<Param, ParamState>();
  /** Per-group scalar state (e.g. Schedule-Free's k, weightSum, lrMax), by group. */
  readonly groupState = new Map<ParamGroup<O>, Record<string, number>>();
  readonly #attachments: Attachment[] = [];
  #disposed = false;

  protected constructor(
    params: ParamsInput<O>,
    options: Partial<O> | undefined,
    private readonly schema: Schema<O>,
  ) {
    const defaults = {} as O;
    for (const key of Object.keys(schema) as (keyof O & string)[]) defaults[key] = schema[key].default as O[keyof O & string];
    this.defaults = Object.freeze(this.validate({ ...defaults, ...this.known(options ?? {}, "options") }, "options", false));
    const list = params !== null && typeof params === "object" && Symbol.iterator in params ? [...(params as Iterable<Param | GroupInput<O>>)] : [];
    if (list.length === 0) {
      throw new InvalidOptionError("params", params, "a non-empty array (or iterable) of Param or of parameter groups { params, ...options }");
    }
    const groups: GroupInput<O>[] = list[0] instanceof Param ? [{ params: list as Param[] } as unknown as GroupInput<O>] : (list as GroupInput<O>[]);
    const built: ParamGroup<O>[] = [];
    groups.forEach((g, i) => built.push(this.buildGroup(g, `params[${i}]`, built)));
    this.paramGroups.push(...built);
  }

  /** Adds a group (validated completely before anything changes). */
  addParamGroup(group: GroupInput<O>): void {
    this.paramGroups.push(this.buildGroup(group, "group", this.paramGroups));
  }

  /**
   * One update of every param with requiresGrad. A closure, if given, is called first (it
   * recomputes the loss and writes the gradients); its value is returned. Everything that
   * can fail (a disposed param, a detached array of a wrapped one, running out of memory)
   * fails before the first param is updated.
   */
  step(closure?: () => number): number | undefined {
    this.checkStep();
    const loss = closure ? closure() : undefined;
    if (closure) this.checkStep(); // the closure may have disposed something
    const prepared = this.#prepareState();
    try {
      for (const group of this.paramGroups) for (const p of group.params) if (p.requiresGrad) p.syncIn();
      for (const group of this.paramGroups) {
        this.beforeGroup(group);
        for (const p of group.params) {
          if (!p.requiresGrad) continue;
          this.update(p, group, this.state.get(p)!);
          p.syncOut();
        }
      }
    } finally {
      for (const s of prepared) s.created.clear();
    }
    return loss;
  }

  /**
   * Throws the StateError that step() would throw before touching anything (a disposed
   * optimizer or param; Schedule-Free in eval mode). Wrappers call it before they change
   * the gradients.
   */
  checkStep(): void {
    if (this.#disposed) throw new StateError(`wasm-optim: this ${this.kind} was disposed`);
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.disposed) throw disposedError(p, "a Param of this optimizer", "nothing was stepped");
        p.checkWrapped();
      }
    }
  }

  /** The state buffers a param of `group` needs for its next step, with their initial values. */
  protected abstract stateBuffers(group: ParamGroup<O>): readonly StateBufferSpec[];

  /**
   * Creates every missing state buffer of every param before any param is updated: when
   * memory runs out, nothing has been stepped and the new buffers are freed again.
   * Returns the states to which buffers were added (their `created` lists them).
   */
  #prepareState(): ParamState[] {
    const touched: ParamState[] = [];
    const fresh: Param[] = [];
    try {
      for (const group of this.paramGroups) {
        const specs = this.stateBuffers(group);
        for (const p of group.params) {
          if (!p.requiresGrad) continue;
          let s = this.state.get(p);
          if (!s) {
            this.state.set(p, (s = new ParamState(p)));
            fresh.push(p);
          }
          for (const spec of specs) {
            const name = typeof spec === "string" ? spec : spec.name;
            if (s.buffers.has(name)) continue;
            const init = typeof spec === "string" ? 0 : spec.init;
            const b = s.buffer(name, init === "params" ? 0 : init);
            if (init === "params") b.view.set(p.data);
            if (s.created.size === 0) touched.push(s);
            s.created.add(name);
          }
        }
      }
    } catch (e) {
      for (const s of touched) {
        for (const name of s.created) {
          s.buffers.get(name)!.free();
          s.buffers.delete(name);
        }
        s.created.clear();
      }
      for (const p of fresh) this.state.delete(p);
      throw e;
    }
    return touched;
  }

  /** Zeroes the gradient of every param. */
  zeroGrad(): void {
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

  get disposed(): boolean {
    return this.#disposed;
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

  /** Called once per group per step before its params (group-level scalars). */
  protected beforeGroup(_group: ParamGroup<O>): void {}

  /** Updates one param in place (its state `s` exists; its step count is not yet advanced). */
  protected abstract update(p: Param, group: ParamGroup<O>, s: ParamState): void;

  /** Cross-option rules (e.g. nesterov needs momentum); throw InvalidOptionError. */
  protected crossCheck(_options: O, _where: string): void {}

  // ---- checkpoints (docs/checkpoints.md)

  /** The optimizer's name in checkpoints: a checkpoint loads only into the same kind. */
  get kind(): string {
    return this.constructor.name;
  }

  /** Objects (schedulers, step guards, accumulators) whose state is saved with this optimizer's. */
  get attachments(): readonly Attachment[] {
    return [...this.#attachments];
  }

  /** Saves and loads `a`'s state with this optimizer's, after those attached before it. */
  attach(a: Attachment): void {
    if (!this.#attachments.includes(a)) this.#attachments.push(a);
  }

  detach(a: Attachment): void {
    const i = this.#attachments.indexOf(a);
    if (i >= 0) this.#attachments.splice(i, 1);
  }

  /**
   * Everything a resumed run needs, as a plain object (typed arrays are copies): the kind,
   * each group's hyperparameters, params (dtype, size) with their state (step, scalars,
   * buffers) and group scalars, the subclass's extraState(), and each attachment's state.
   */
  stateDict(): OptimizerStateDict {
    this.#checkLive();
    return {
      format: "wasm-optim/optimizer",
      version: FORMAT_VERSION,
      kind: this.kind,
      paramGroups: this.paramGroups.map((group) => {
        const hyperparameters: Record<string, StateValue> = {};
        for (const key of Object.keys(this.schema) as (keyof O & string)[]) {
          const v = group[key] as StateValue;
          hyperparameters[key] = Array.isArray(v) ? [...v] : v;
        }
        const gs = this.groupState.get(group);
        return {
          hyperparameters,
          params: group.params.map((p) => {
            const s = this.state.get(p);
            const state = s ? { step: s.step, scalars: { ...s.scalars }, buffers: Object.fromEntries([...s.buffers].map(([k, b]) => [k, b.view.slice()])) } : null;
            return { dtype: p.dtype, size: p.size, state };
          }),
          state: gs ? { ...gs } : null,
        };
      }),
      extra: this.extraState(),
      attachments: this.#attachments.map((a) => ({ kind: a.kind, state: a.stateDict() })),
    };
  }

  /**
   * Restores a stateDict() (typed arrays may also be plain number arrays). Everything is
   * checked before anything changes: on a CheckpointError this optimizer, its params'
   * state and its attachments are exactly as they were. `attachments: false` leaves the
   * attachments alone (and ignores theirs in the checkpoint).
   */
  loadStateDict(stateDict: StateValue, options: LoadOptions = {}): void {
    this.#checkLive();
    for (const p of this.#prepareLoad(stateDict, options.attachments ?? true)) p.commit();
  }

  /** stateDict() in the compact binary form: versioned, CRC-32 checked. */
  saveState(): Uint8Array {
    return encodeState(this.stateDict(), ContentKind.optimizer);
  }

  /** Restores saveState() bytes; the file is checked (length, CRC, version) before its content. */
  loadState(bytes: Uint8Array, options: LoadOptions = {}): void {
    this.#checkLive();
    this.loadStateDict(decodeState(bytes, ContentKind.optimizer), options);
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

  #checkLive(): void {
    if (this.#disposed) throw new StateError(`wasm-optim: this ${this.kind} was disposed`);
    for (const group of this.paramGroups) {
      for (const p of group.params) if (p.disposed) throw disposedError(p, "a Param of this optimizer", "its state cannot be saved or loaded");
    }
  }

  #prepareLoad(stateDict: StateValue, withAttachments: boolean): PendingLoad[] {
    const root = asTree(stateDict, "state");
    if (root.format !== "wasm-optim/optimizer") throw new CheckpointError("format", `format is ${String(root.format)}, expected "wasm-optim/optimizer"`);
    const version = asInteger(root.version, "version", 1);
    if (version > FORMAT_VERSION) throw new CheckpointError("version", `state version ${version} is newer than this library reads (${FORMAT_VERSION})`);
    const kind = asString(root.kind, "kind");
    if (kind !== this.kind) throw new CheckpointError("mismatch", `this checkpoint is of ${kind}; it cannot be loaded into ${this.kind}`);
    const saved = asArray(root.paramGroups, "paramGroups", this.paramGroups.length);
    const keys = Object.keys(this.schema);
    const groups = this.paramGroups.map((group, gi) => {
      const where = `paramGroups[${gi}]`;
      const g = asTree(saved[gi], where);
      const hp = asTree(g.hyperparameters, `${where}.hyperparameters`);
      const got = Object.keys(hp);
      if (got.length !== keys.length || !keys.every((k) => got.includes(k))) {
        throw new CheckpointError("mismatch", `${where}.hyperparameters are ${got.join(", ")}; ${this.kind} has ${keys.join(", ")}`);
      }
      let values: O;
      try {
        values = this.validate(hp as unknown as O, `${where}.hyperparameters`);
      } catch (e) {
        if (e instanceof InvalidOptionError) throw new CheckpointError("invalid", e.message, { cause: e });
        throw e;
      }
      const ps = asArray(g.params, `${where}.params`, group.params.length);
      const states = group.params.map((p, i) => {
        const w = `${where}.params[${i}]`;
        const e = asTree(ps[i], w);
        if (e.dtype !== p.dtype || e.size !== p.size) {
          throw new CheckpointError("mismatch", `${w} is ${String(e.dtype)} of size ${String(e.size)} in the checkpoint, ${p.dtype} of size ${p.size} here`);
        }
        if (e.state === null) return null;
        const s = asTree(e.state, `${w}.state`);
        const buffers = Object.entries(asTree(s.buffers, `${w}.state.buffers`)).map(([k, v]) => {
          const length = this.stateBufferLength(p, k);
          if (length === null) throw new CheckpointError("mismatch", `${w}.state.buffers has ${k}, which ${this.kind} does not keep`);
          return [k, asFloatArray(v, `${w}.state.buffers.${k}`, p.dtype, length)] as const;
        });
        return { step: asInteger(s.step, `${w}.state.step`), scalars: asScalars(s.scalars, `${w}.state.scalars`), buffers };
      });
      return { group, values, states, scalars: g.state === null ? null : asScalars(g.state, `${where}.state`) };
    });
    const pending: PendingLoad[] = [];
    const fresh: ParamState[] = [];
    try {
      pending.push(this.prepareExtraState(asTree(root.extra, "extra"), "extra"));
      if (withAttachments) {
        const list = asArray(root.attachments, "attachments");
        const here = this.#attachments.map((a) => a.kind);
        const there = list.map((x, i) => asString(asTree(x, `attachments[${i}]`).kind, `attachments[${i}].kind`));
        if (there.length !== here.length || there.some((k, i) => k !== here[i])) {
          throw new CheckpointError("mismatch", `the checkpoint has attachments [${there.join(", ")}], this optimizer [${here.join(", ")}]; attach the same schedulers and wrappers in the same order before loading (or pass { attachments: false })`);
        }
        this.#attachments.forEach((a, i) => pending.push(a.prepareLoad(asTree(list[i], `attachments[${i}]`).state, `attachments[${i}] (${a.kind})`)));
      }
      // allocate last: every check has passed
      const made = groups.map(({ group, states }) =>
        group.params.map((p, i) => {
          const s = states[i];
          if (!s) return null;
          const ps = new ParamState(p);
          fresh.push(ps);
          ps.step = s.step;
          Object.assign(ps.scalars, s.scalars);
          for (const [name, data] of s.buffers) {
            const b = new WasmBuffer(p.dtype, data.length);
            ps.buffers.set(name, b);
            b.view.set(data);
          }
          return ps;
        }),
      );
      pending.unshift({
        commit: () => {
          groups.forEach(({ group, values, scalars }, gi) => {
            const store = (group as unknown as GroupInternals)[STORE];
            keys.forEach((k, j) => (store[j] = values[k as keyof O]));
            group.params.forEach((p, i) => {
              this.state.get(p)?.free();
              const s = made[gi]![i];
              if (s) this.state.set(p, s);
              else this.state.delete(p);
            });
            const gs = this.groupState.get(group);
            if (!scalars) this.groupState.delete(group);
            else if (gs) {
              for (const k of Object.keys(gs)) delete gs[k];
              Object.assign(gs, scalars);
            } else this.groupState.set(group, { ...scalars });
          });
        },
      });
    } catch (e) {
      for (const s of fresh) s.free();
      for (const p of pending) p.abort?.();
      throw e;
    }
    return pending;
  }

  /** The options given, checked for unknown names; an option given as undefined takes its default. */
  private known(options: object, where: string): Partial<O> {
    if (options === null || typeof options !== "object") throw new InvalidOptionError(where, options, "an object of options");
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) {
      if (key === "params" || value === undefined) continue;
      if (!(key in this.schema)) {
        throw new InvalidOptionError(`${where}.${key}`, value, `an option of ${this.constructor.name}: ${Object.keys(this.schema).join(", ")}`);
      }
      out[key] = value;
    }
    return out as Partial<O>;
  }

  private validate(values: O, where: string, prefixed = true): O {
    const out = {} as O;
    for (const key of Object.keys(this.schema) as (keyof O & string)[]) {
      const name = prefixed ? `${where}.${key}` : key;
      if (values[key] === undefined) throw new InvalidOptionError(name, undefined, `a value: ${key} has no default and is required`);
      out[key] = this.schema[key].check(name, values[key]);
    }
    this.crossCheck(out, where);
    return out;
  }

  private buildGroup(input: GroupInput<O>, where: string, existing: readonly ParamGroup<O>[]): ParamGroup<O> {
    if (input === null || typeof input !== "object" || !Array.isArray(input.params)) {
      throw new InvalidOptionError(where, input, "a parameter group { params: Param[], ...options }");
    }
    const seen = new Set<Param>();
    for (const g of existing) for (const p of g.params) seen.add(p);
    input.params.forEach((p, i) => {
      if (!(p instanceof Param)) throw new InvalidOptionError(`${where}.params[${i}]`, p, "a Param");
      if (p.disposed) throw new InvalidOptionError(`${where}.params[${i}]`, p.name ?? "Param", "a Param that is not disposed");
      if (seen.has(p)) throw new InvalidOptionError(`${where}.params[${i}]`, p.name ?? "Param", "a Param that is in no other group (each param belongs to one group)");
      seen.add(p);
    });
    const values = this.validate({ ...this.defaults, ...this.known(input, where) }, where);
    const keys = Object.keys(this.schema) as (keyof O & string)[];
    const group = { params: Object.freeze([...input.params]) };
    Object.defineProperties(group, {
      [STORE]: { value: keys.map((k) => values[k]) },
      [OWNER]: { value: this },
      [INSPECT]: { value: inspectGroup },
    });
    for (const [key, accessors] of accessorsOf(keys)) Object.defineProperty(group, key, accessors);
    return Object.seal(group) as unknown as ParamGroup<O>;
  }

  /** @internal validates and sets the hyperparameter `key` (index `i`) of a group. */
  static setOption(group: GroupInternals, key: string, i: number, value: unknown): void {
    const owner = group[OWNER];
    const keys = Object.keys(owner.schema);
    const checked = (owner.schema as Record<string, { check: Check<unknown> }>)[key]!.check(key, value);
    const candidate = Object.fromEntries(keys.map((k, j) => [k, j === i ? checked : group[STORE][j]]));
    owner.crossCheck(candidate, "group");
    group[STORE][i] = checked;
  }
}

// A group keeps its values in an array, in schema order, behind one getter/setter pair per
// option shared by every group with the same option names. The groups of an optimizer then
// share one hidden class, and reading `group.lr` in the step loop is a fast indexed load.
const STORE = Symbol("values");
const OWNER = Symbol("optimizer");
const INSPECT = Symbol.for("nodejs.util.inspect.custom");
/** console.log(group) shows the values, not [Getter/Setter]. */
function inspectGroup(this: object): object {
  return { ...this };
}
interface GroupInternals {
  [STORE]: unknown[];
  [OWNER]: Optimizer<object>;
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

export interface LoadOptions {
  /** false: leave the attached schedulers and wrappers alone (default true: load them too). */
  attachments?: boolean;
}

/** What Optimizer.stateDict() returns (see docs/checkpoints.md). */
export interface OptimizerStateDict extends StateTree {
  readonly format: "wasm-optim/optimizer";
  readonly version: number;
  readonly kind: string;
  readonly paramGroups: readonly {
    readonly hyperparameters: StateTree;
    readonly params: readonly { readonly dtype: DType; readonly size: number; readonly state: ParamStateDict | null }[];
    readonly state: Readonly<Record<string, number>> | null;
  }[];
  readonly extra: StateTree;
  readonly attachments: readonly { readonly kind: string; readonly state: StateTree }[];
}

export interface ParamStateDict extends StateTree {
  readonly step: number;
  readonly scalars: Readonly<Record<string, number>>;
  readonly buffers: Readonly<Record<string, Float32Array | Float64Array>>;
}

/** The sign a kernel multiplies the gradient by: -1 when maximizing. */
export const signOf = (maximize: boolean): number => (maximize ? -1 : 1);
