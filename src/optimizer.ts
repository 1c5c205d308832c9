// The base class every first-order optimizer shares: parameter groups with validated,
// mutable hyperparameters, per-parameter state buffers in wasm memory, and the step loop.
// Subclasses say which kernel gets which scalars; the math lives in assembly/.
import { InvalidOptionError, StateError, type Check } from "./errors.js";
import { Param, WasmBuffer, type DType } from "./param.js";
import { kernel, type Kernel } from "./runtime/memory.js";

/** How each hyperparameter is checked, and its default (undefined: required). */
export type Schema<O> = { readonly [K in keyof O]-?: { readonly default: O[K] | undefined; readonly check: Check<O[K]> } };

/** A parameter group: its params and its own hyperparameters (validated when set). */
export type ParamGroup<O> = O & { readonly params: readonly Param[] };

/** What the constructor and addParamGroup accept: params, or groups with overrides. */
export type GroupInput<O> = Partial<O> & { params: readonly Param[] };
export type ParamsInput<O> = readonly Param[] | readonly GroupInput<O>[];

/** The state one parameter carries between steps: a step count, scalars, buffers. */
export class ParamState {
  step = 0;
  readonly scalars: Record<string, number> = {};
  readonly buffers = new Map<string, WasmBuffer>();
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

  protected constructor(
    params: ParamsInput<O>,
    options: Partial<O> | undefined,
    private readonly schema: Schema<O>,
  ) {
    const defaults = {} as O;
    for (const key of Object.keys(schema) as (keyof O & string)[]) defaults[key] = schema[key].default as O[keyof O & string];
    this.defaults = Object.freeze(this.validate({ ...defaults, ...this.known(options ?? {}, "options") }, "options", false));
    if (!Array.isArray(params) || params.length === 0) {
      throw new InvalidOptionError("params", params, "a non-empty array of Param or of parameter groups { params, ...options }");
    }
    const groups: GroupInput<O>[] = params[0] instanceof Param ? [{ params: params as Param[] } as unknown as GroupInput<O>] : [...(params as GroupInput<O>[])];
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
   * recomputes the loss and writes the gradients); its value is returned.
   */
  step(closure?: () => number): number | undefined {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.disposed) throw new StateError(`wasm-optim: a Param${p.name ? ` "${p.name}"` : ""} of this optimizer was disposed; nothing was stepped`);
      }
    }
    const loss = closure ? closure() : undefined;
    for (const group of this.paramGroups) {
      this.beforeGroup(group);
      for (const p of group.params) {
        if (!p.requiresGrad) continue;
        p.syncIn();
        this.update(p, group, this.stateOf(p));
        p.syncOut();
      }
    }
    return loss;
  }

  /** Zeroes the gradient of every param. */
  zeroGrad(): void {
    for (const group of this.paramGroups) for (const p of group.params) p.zeroGrad();
  }

  /** Frees every state buffer (the params stay). */
  dispose(): void {
    for (const s of this.state.values()) s.free();
    this.state.clear();
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

  private known(options: object, where: string): Partial<O> {
    if (options === null || typeof options !== "object") throw new InvalidOptionError(where, options, "an object of options");
    for (const key of Object.keys(options)) {
      if (key === "params") continue;
      if (!(key in this.schema)) {
        throw new InvalidOptionError(`${where}.${key}`, (options as Record<string, unknown>)[key], `an option of ${this.constructor.name}: ${Object.keys(this.schema).join(", ")}`);
      }
    }
    return options as Partial<O>;
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

/** The sign a kernel multiplies the gradient by: -1 when maximizing. */
export const signOf = (maximize: boolean): number => (maximize ? -1 : 1);
