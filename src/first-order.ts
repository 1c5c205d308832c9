// The first-order step (torch's per-optimizer `step`: `_init_group`, then the update of each
// param). The params of each group are partitioned into runs: a maximal sequence of adjacent
// params allocated together by Param.many (contiguous in one block), with equal step counts,
// scalar state and buffer specs, or a single param (always, for a rule that is not elementwise:
// Muon, Adafactor). Each run is updated by ONE kernel call over all its
// elements, its state buffers laid out as one block that mirrors the params (each param's
// buffer a view of it). The partition and the state layout (the plan) are cached, and rebuilt
// only when params are frozen, unfrozen or disposed, states are created, replaced or freed,
// groups are added, or a param needs other buffers. Every missing state buffer is made when
// the plan is built, before any param is updated, so that running out of memory changes
// nothing. A subclass says which buffers a param needs and which kernel gets which scalars;
// the math lives in assembly/.
import { Optimizer, type GroupInput, type ParamGroup } from "./optimizer.js";
import { bytesPer, currentLayoutVersion, ParamState, viewOf, WasmBuffer, type DType, type Param, type StepCounter } from "./param.js";
import { SharedBlock } from "./runtime/allocator.js";
import { memory, sharedMemory } from "./runtime/memory.js";
import type { ExpectedState } from "./state-dict.js";

/**
 * A state buffer a param needs for its next step: a torch state name, how it starts (default
 * 0) and its length (default: the param's size; Adafactor's row_var and col_var are shorter).
 */
export type StateBufferSpec =
  | string
  | {
      /** torch's state name (e.g. `"sum"`). */
      readonly name: string;
      /** The starting value of every element, or `"params"`: a copy of the param's values (default 0). */
      readonly init?: number | "params";
      /** The number of elements (default: the param's size); only for a rule that is not elementwise. */
      readonly length?: number;
    };

/** No buffer was created for this run in this step (the common case). */
const NONE: ReadonlySet<string> = new Set();

function nameOf(spec: StateBufferSpec): string {
  return typeof spec === "string" ? spec : spec.name;
}
function initOf(spec: StateBufferSpec): number | "params" {
  return typeof spec === "string" ? 0 : (spec.init ?? 0);
}
function lengthOf(spec: StateBufferSpec, p: Param): number {
  return typeof spec === "string" ? p.size : (spec.length ?? p.size);
}
/** Every buffer is as long as the param (so a run's buffers can mirror its params). */
function paramSized(specs: readonly StateBufferSpec[]): boolean {
  return specs.every((s) => typeof s === "string" || s.length === undefined);
}

/**
 * The params one kernel call updates: a run of adjacent params of one Param.many block (or a
 * single param). Its elements are contiguous: `size` elements at `dataPtr`, at `gradPtr` and
 * at `buffer(name)` for each state buffer, in the order of `params`. Every member has the
 * same step count and scalar state.
 */
export class Run {
  /** The members' dtype (the same for all). */
  readonly dtype: DType;
  /** The number of elements of all members. */
  readonly size: number;
  /** Byte address of the first member's values (the others follow). */
  readonly dataPtr: number;
  /** Byte address of the first member's gradient (the others follow). */
  readonly gradPtr: number;
  /**
   * The state buffers created for this step (torch: state that did not exist yet, as SGD's
   * first momentum step); empty on every other step.
   */
  fresh: ReadonlySet<string> = NONE;
  readonly #buffers: ReadonlyMap<string, number>;
  /** The members' step count (one counter shared by their states). */
  readonly #counter: StepCounter;

  /**
   * @internal made by the plan of a FirstOrderOptimizer: the states' step counts become one
   * new counter (a counter of an earlier plan is advanced by no run any more).
   */
  constructor(
    /** The members, in memory order (one, for a rule that is not elementwise). */
    readonly params: readonly Param[],
    /** The members' states, in the order of `params`. */
    readonly states: readonly ParamState[],
    buffers: ReadonlyMap<string, number>,
  ) {
    const first = params[0]!;
    this.dtype = first.dtype;
    this.size = params.reduce((n, p) => n + p.size, 0);
    this.dataPtr = first.dataPtr;
    this.gradPtr = first.gradPtr;
    this.#buffers = buffers;
    this.#counter = { step: states[0]!.step };
    for (const s of states) s.shareCounter(this.#counter);
  }

  /** Advances the step count of every member (one shared counter); returns the new count (1 on the first step). */
  advance(): number {
    return ++this.#counter.step;
  }

  /** Byte address of the state buffer `name` (the first member's; the others follow). */
  buffer(name: string): number {
    const ptr = this.#buffers.get(name);
    if (ptr === undefined) throw new Error(`wasm-optim: no state buffer ${name} in this run (stateBuffers() does not list it)`);
    return ptr;
  }

  /** A scalar of the members' state (the same in each), e.g. NAdam's mu_product. */
  scalar(name: string): number | undefined {
    return this.states[0]!.scalars[name];
  }

  /** Sets a scalar in the state of every member. */
  setScalar(name: string, value: number): void {
    for (const s of this.states) s.scalars[name] = value;
  }
}

/** What a step() reuses while nothing that decides it changes. */
interface Plan<O> {
  readonly version: number;
  /** The optimizer's optionsVersion when the runs' buffer specs were last found unchanged. */
  options: number;
  readonly groups: readonly ParamGroup<O>[];
  /** The state buffers of each run (the same for each of its params), by group. */
  readonly specs: readonly (readonly (readonly StateBufferSpec[])[])[];
  readonly runs: readonly (readonly Run[])[];
  /** Every Param.wrap'ed param (copied in and out around the kernels). */
  readonly wrapped: readonly Param[];
}

/** A state buffer of a run about to be laid out as one block: a view per member, installed on commit. */
interface Move {
  readonly states: readonly ParamState[];
  readonly name: string;
  readonly views: readonly WasmBuffer[];
}

function sameSpecs(a: readonly StateBufferSpec[], b: readonly StateBufferSpec[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((s, i) => {
    const t = b[i]!;
    return (
      nameOf(s) === nameOf(t) &&
      initOf(s) === initOf(t) &&
      (typeof s === "string" ? undefined : s.length) === (typeof t === "string" ? undefined : t.length)
    );
  });
}

/** The same step count, scalars and set of the buffers `names` (a missing state: step 0, nothing). */
function sameState(a: ParamState | undefined, b: ParamState | undefined, names: readonly string[]): boolean {
  if ((a?.step ?? 0) !== (b?.step ?? 0)) return false;
  const sa = a?.scalars ?? {};
  const sb = b?.scalars ?? {};
  const keys = Object.keys(sa);
  if (keys.length !== Object.keys(sb).length || keys.some((k) => sa[k] !== sb[k])) return false;
  return names.every((n) => (a?.buffers.has(n) ?? false) === (b?.buffers.has(n) ?? false));
}

/** The buffers (one per member) already form one block in the members' order. */
function mirrored(buffers: readonly (WasmBuffer | undefined)[], params: readonly Param[]): boolean {
  const first = buffers[0];
  if (!first?.block) return false;
  const bytes = bytesPer(params[0]!.dtype);
  for (let i = 1; i < buffers.length; i++) {
    const b = buffers[i];
    if (!b || b.block !== first.block || b.ptr !== buffers[i - 1]!.ptr + params[i - 1]!.size * bytes) return false;
  }
  return true;
}

/**
 * An optimizer whose step updates each param from its own gradient and state with one
 * kernel call per run of params (SGD, Adam, ..., Schedule-Free). Subclasses implement
 * `stateBuffers` and `update`, and may override `beforeGroup` for per-group scalars.
 */
export abstract class FirstOrderOptimizer<O extends object> extends Optimizer<O> {
  /**
   * false: the update of a param depends on more than its own elements (e.g. a factored or
   * matrix rule); every param is then a run of its own.
   */
  protected readonly elementwise: boolean = true;
  #plan: Plan<O> | null = null;
  /** Counts step() calls: the per-step scalar memo is valid within one. */
  #serial = 0;
  readonly #memo = { serial: -1, group: null as unknown, t: Number.NaN, compute: null as unknown, value: null as unknown };

  /**
   * Adds a parameter group (validated completely before anything changes).
   * @throws InvalidOptionError for a bad option or a param already in a group.
   */
  addParamGroup(group: GroupInput<O>): void {
    this.addGroup(group);
  }

  /**
   * One update of every param with requiresGrad: one kernel call per run of params (see
   * Run: adjacent params of one Param.many block with the same step count), so a model
   * laid out by Param.many steps in one call per group. A closure, if given, is called
   * first (it recomputes the loss and writes the gradients); its value is returned.
   * Everything that can fail (a disposed param, a detached array of a wrapped one, running
   * out of memory for new state) fails before the first param is updated.
   */
  step(closure?: () => number): number | undefined {
    this.checkStep(closure);
    const loss = closure ? closure() : undefined;
    if (closure) this.checkStep(); // the closure may have disposed something
    this.beforeStep();
    const plan = this.#valid() ? this.#plan! : (this.#plan = this.#makePlan());
    for (const p of plan.wrapped) if (p.requiresGrad) p.syncIn();
    this.#serial++;
    for (let gi = 0; gi < plan.groups.length; gi++) {
      const group = plan.groups[gi]!;
      this.beforeGroup(group);
      for (const run of plan.runs[gi]!) {
        this.update(run, group);
        run.fresh = NONE;
      }
    }
    for (const p of plan.wrapped) if (p.requiresGrad) p.syncOut();
    return loss;
  }

  /** While the cached plan holds, no param was disposed since it was built: only wrapped arrays are checked. */
  override checkStep(closure?: unknown): void {
    // without shared memory every step checks the grad views (a growth detaches them)
    if (this.disposed || !this.#valid() || !sharedMemory) super.checkStep(closure);
    else {
      if (closure !== undefined && typeof closure !== "function") super.checkStep(closure);
      for (const p of this.#plan!.wrapped) p.checkWrapped();
    }
  }

  /** @internal the runs of each group as the last step() planned them (tests, benchmarks). */
  get plannedRuns(): readonly (readonly Run[])[] {
    return this.#plan?.runs ?? [];
  }

  /** The state buffers param `p` of `group` needs for its next step, with their initial values and lengths. */
  protected abstract stateBuffers(group: ParamGroup<O>, p: Param): readonly StateBufferSpec[];

  /** The per-param scalar state names this rule keeps (e.g. NAdam's mu_product); all finite. */
  protected stateScalars(): readonly string[] {
    return [];
  }

  /** A stepped param's checkpointed state: exactly the buffers its options need, and the rule's scalars. */
  protected override expectedState(p: Param, options: O): ExpectedState {
    const buffers = this.stateBuffers({ ...options, params: [] }, p).map(nameOf);
    return { buffers, scalars: Object.fromEntries(this.stateScalars().map((k) => [k, true])), allScalars: true };
  }

  /**
   * Called once per step after every check (and the closure), before any state is made or
   * param updated: memory a rule needs besides its state buffers (Muon's scratch) is made
   * here, so that running out of it changes nothing, and so that growing the memory cannot
   * fail the check of views read before the step (unshared memory, see Param.checkViews).
   */
  protected beforeStep(): void {}

  /** Called once per group per step before its runs (group-level scalars). */
  protected beforeGroup(_group: ParamGroup<O>): void {}

  /**
   * Updates one run of params in place with one kernel call over its `size` elements. Every
   * buffer stateBuffers() asked for exists (`run.buffer(name)`); `run.fresh` names those
   * created for this step; the step count is not yet advanced (`run.advance()`).
   */
  protected abstract update(run: Run, group: ParamGroup<O>): void;

  /**
   * `compute(group, t)`, computed once per group and step count within one step() call: the
   * per-step scalars (bias corrections, step sizes) that every run of the group at step
   * count t shares. `compute` must depend on nothing but the group's hyperparameters and t.
   */
  protected stepScalars<S>(group: ParamGroup<O>, t: number, compute: (group: ParamGroup<O>, t: number) => S): S {
    const m = this.#memo;
    if (m.serial !== this.#serial || m.group !== group || m.t !== t || m.compute !== compute) {
      m.value = compute(group, t);
      m.serial = this.#serial;
      m.group = group;
      m.t = t;
      m.compute = compute;
    }
    return m.value as S;
  }

  /** The cached plan still describes the groups, their buffers and the params' layout and state. */
  #valid(): boolean {
    const plan = this.#plan;
    if (!plan || plan.version !== currentLayoutVersion() || plan.groups.length !== this.paramGroups.length) return false;
    for (let i = 0; i < plan.groups.length; i++) if (plan.groups[i] !== this.paramGroups[i]) return false;
    // stateBuffers() depends on nothing but a group's options and a param's shape, which never changes
    if (plan.options === this.optionsVersion) return true;
    for (let i = 0; i < plan.groups.length; i++) {
      const group = plan.groups[i]!;
      const specs = plan.specs[i]!;
      const runs = plan.runs[i]!;
      // the params of a run were planned with one spec list: the first param speaks for its run
      // (so this check costs one call per run, not per param)
      for (let r = 0; r < runs.length; r++) if (!sameSpecs(specs[r]!, this.stateBuffers(group, runs[r]!.params[0]!))) return false;
    }
    plan.options = this.optionsVersion;
    return true;
  }

  /** Partitions the groups into runs and makes their state (all or nothing). */
  #makePlan(): Plan<O> {
    const groups = [...this.paramGroups];
    const partitions = groups.map((g) => this.#partition(g));
    const specs = partitions.map((runs) => runs.map((r) => r.specs));
    const members = partitions.map((runs) => runs.map((r) => r.params));
    const runs = this.#prepareState(groups, specs, members);
    const wrapped = groups.flatMap((g) => g.params.filter((p) => p.wrapped));
    return { version: currentLayoutVersion(), options: this.optionsVersion, groups, specs, runs, wrapped };
  }

  /** The runs of a group (with their buffers): maximal sequences of adjacent trainable params that can share one kernel call. */
  #partition(group: ParamGroup<O>): { params: Param[]; specs: readonly StateBufferSpec[] }[] {
    const runs: { params: Param[]; specs: readonly StateBufferSpec[] }[] = [];
    let run: { params: Param[]; specs: readonly StateBufferSpec[] } | null = null;
    for (const p of group.params) {
      if (!p.requiresGrad) {
        run = null; // a frozen param splits a run
        continue;
      }
      const specs = this.stateBuffers(group, p);
      const last = run?.params[run.params.length - 1];
      if (run && last && sameSpecs(run.specs, specs) && this.#joins(last, p, run.specs)) run.params.push(p);
      else runs.push((run = { params: [p], specs }));
    }
    return runs;
  }

  /** b directly follows a in the same Param.many block, their buffers are param-sized, and their states are in step. */
  #joins(a: Param, b: Param, specs: readonly StateBufferSpec[]): boolean {
    return (
      this.elementwise &&
      paramSized(specs) &&
      !a.wrapped &&
      !b.wrapped &&
      a.block !== null &&
      a.block === b.block &&
      b.dataPtr === a.dataPtr + a.size * bytesPer(a.dtype) &&
      sameState(this.state.get(a), this.state.get(b), specs.map(nameOf))
    );
  }

  /**
   * Gives every param of every run a state holding every buffer its group needs, each
   * buffer of a run one block in the params' layout: missing buffers are made, and buffers
   * made elsewhere (a loaded checkpoint, a constructor) are moved into such a block. When
   * memory runs out, nothing has changed.
   */
  #prepareState(
    groups: readonly ParamGroup<O>[],
    specs: readonly (readonly (readonly StateBufferSpec[])[])[],
    members: Param[][][],
  ): Run[][] {
    const created: [Param, ParamState][] = [];
    const moves: Move[] = [];
    const u8 = () => new Uint8Array(memory.buffer);
    const planned = groups.map((_, gi) =>
      members[gi]!.map((params) => {
        const states = params.map((p) => {
          let s = this.state.get(p);
          if (!s) created.push([p, (s = new ParamState(p))]);
          return s;
        });
        return { params, states, fresh: new Set<string>() };
      }),
    );
    try {
      planned.forEach((runs, gi) => {
        runs.forEach(({ params, states, fresh }, ri) => {
          for (const spec of specs[gi]![ri]!) {
            const name = nameOf(spec);
            const old = states.map((s) => s.buffers.get(name));
            if (old[0] && (params.length === 1 || mirrored(old, params))) continue;
            const dtype = params[0]!.dtype;
            const bytes = bytesPer(dtype);
            const lengths = params.map((p) => lengthOf(spec, p));
            const block = new SharedBlock(lengths.reduce((n, l) => n + l, 0) * bytes);
            let offset = 0;
            const views = lengths.map((length) => {
              const view = new WasmBuffer(dtype, length, { block, offset });
              offset += length * bytes;
              return view;
            });
            moves.push({ states, name, views });
            if (!old[0]) fresh.add(name);
            const init = initOf(spec);
            views.forEach((view, i) => {
              const from = old[i]?.ptr ?? (init === "params" ? params[i]!.dataPtr : null);
              if (from !== null) u8().copyWithin(view.ptr, from, from + view.size * bytes);
              else if (init !== 0) viewOf(dtype, view.ptr, view.size).fill(init as number);
            });
          }
        });
      });
    } catch (e) {
      for (const m of moves) for (const v of m.views) v.free();
      throw e;
    }
    // commit: cannot fail
    for (const [p, s] of created) this.state.set(p, s);
    for (const m of moves) m.states.forEach((s, i) => s.replaceBuffer(m.name, m.views[i]!));
    return planned.map((runs, gi) =>
      runs.map(({ params, states, fresh }, ri) => {
        const names = specs[gi]![ri]!.map(nameOf);
        const run = new Run(params, states, new Map(names.map((name) => [name, states[0]!.buffers.get(name)!.ptr])));
        if (fresh.size > 0) run.fresh = fresh;
        return run;
      }),
    );
  }
}
