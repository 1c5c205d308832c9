// Param: one tensor of the model, flat, float32 or float64. `data` and `grad` are views
// straight into wasm memory: the user's backprop writes the gradient there and the step
// reads it with no copy.
import { ALIGN, SharedBlock } from "./runtime/allocator.js";
import { memory, sharedMemory } from "./runtime/memory.js";
import { InvalidOptionError, StateError } from "./errors.js";
import { bool, optionsObject } from "./options.js";

/** The element type of a {@link Param} and of its optimizer state. */
export type DType = "float32" | "float64";
/** A typed array of either {@link DType}. */
export type FloatArray = Float32Array | Float64Array;
/** The typed array of a {@link DType}: Float64Array for `"float64"`, Float32Array otherwise. */
export type ArrayOf<D extends DType> = D extends "float64" ? Float64Array : Float32Array;

/** Options of `new Param(...)`, {@link Param.from} and {@link Param.wrap}. */
export interface ParamOptions<D extends DType = DType> {
  /**
   * The element type.
   * @defaultValue `"float32"` (Param.from: `"float64"` for a Float64Array)
   */
  dtype?: D;
  /**
   * The tensor's shape, as a torch tensor has (row-major: the last dimension varies fastest);
   * its product must equal the number of elements. Default: `[size]`. Adafactor and Muon read
   * it (they factor over the last two dimensions); elementwise rules ignore it.
   */
  shape?: readonly number[];
  /**
   * false freezes the parameter: step() leaves it (and its state) untouched.
   * @defaultValue `true`
   */
  requiresGrad?: boolean;
  /**
   * A name for messages and checkpoints' readers (not used to match params on load: params match by position).
   * @defaultValue `undefined`
   */
  name?: string;
}

const MAX_ELEMENTS = 2 ** 32 / 4; // more cannot fit in wasm32 even as float32

function checkSize(size: unknown, where = "size"): number {
  if (!Number.isSafeInteger(size) || (size as number) < 0 || (size as number) > MAX_ELEMENTS) {
    throw new InvalidOptionError(where, size, `an integer in [0, ${MAX_ELEMENTS}]`);
  }
  return size as number;
}

/** A shape: non-negative integers whose product (the size) fits in wasm32; returned frozen. */
function checkShape(shape: unknown, where = "shape"): readonly number[] {
  if (!Array.isArray(shape)) throw new InvalidOptionError(where, shape, "an array of non-negative integers (the tensor's dimensions)");
  let size = 1;
  shape.forEach((d: unknown, i) => {
    if (!Number.isSafeInteger(d) || (d as number) < 0) throw new InvalidOptionError(`${where}[${i}]`, d, "a non-negative integer");
    size *= d as number;
  });
  checkSize(size, where);
  return Object.freeze([...(shape as number[])]);
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}

/** The options of a `new Param` given none. */
const NO_OPTIONS: ParamOptions = Object.freeze({});

/** The options object of `new Param` / `Param.from` / `Param.wrap` (no dtype): a plain object of known fields with the right types. */
function checkOptions(options: unknown, names: readonly (keyof ParamOptions)[] = ["dtype", "shape", "requiresGrad", "name"]): void {
  const o = optionsObject(options as ParamOptions, "options", names);
  if (o.requiresGrad !== undefined) bool("options.requiresGrad", o.requiresGrad);
  if (o.name !== undefined) checkName("options.name", o.name);
}

function checkName(where: string, name: unknown): string | undefined {
  if (name !== undefined && typeof name !== "string") throw new InvalidOptionError(where, name, "a string, or undefined for none", "type");
  return name;
}

function checkDType(dtype: unknown): DType {
  if (dtype !== "float32" && dtype !== "float64") throw new InvalidOptionError("dtype", dtype, '"float32" or "float64"');
  return dtype;
}

/** A view of `n` elements at byte address `ptr`. */
export function viewOf(dtype: DType, ptr: number, n: number): FloatArray {
  return dtype === "float64" ? new Float64Array(memory.buffer, ptr, n) : new Float32Array(memory.buffer, ptr, n);
}

// A counter of the changes that can change how a first-order optimizer groups params into
// runs (src/first-order.ts): a param frozen, unfrozen or disposed, a state created, given a
// buffer, set to another step count or freed. An optimizer's cached plan is valid while it
// is unchanged.
let layoutVersion = 0;
/** @internal the current layout version (see above). */
export function currentLayoutVersion(): number {
  return layoutVersion;
}
/** @internal records a change of the layout (see above). */
export function layoutChanged(): void {
  layoutVersion++;
}

/** Where a view starts: a shared block and a byte offset into it. */
export interface BlockSlot {
  readonly block: SharedBlock;
  readonly offset: number;
}

/**
 * A buffer of `size` elements in wasm memory, zero-filled: an optimizer's state buffer
 * (`ParamState.buffers`) or scratch. `ptr` is its byte address; `view` the live elements.
 */
export class WasmBuffer<A extends FloatArray = FloatArray> {
  /** The byte address of the first element in wasm memory. */
  readonly ptr: number;
  #view: A;
  #block: SharedBlock | null;
  /**
   * A new zero-filled allocation of `size` elements, or a view of `size` elements at `at` in
   * a shared block (the block stays allocated until every view of it is freed).
   * @throws OutOfMemoryError when wasm memory cannot hold a new allocation.
   */
  constructor(
    /** The element type: float32 or float64. */
    readonly dtype: DType,
    /** The number of elements. */
    readonly size: number,
    at?: BlockSlot,
  ) {
    const block = at?.block ?? new SharedBlock(size * bytesPer(dtype));
    block.retain();
    this.#block = block;
    this.ptr = block.ptr + (at?.offset ?? 0);
    this.#view = viewOf(dtype, this.ptr, size) as A;
  }
  /** @internal the allocation this buffer is (a view of); null once freed. */
  get block(): SharedBlock | null {
    return this.#block;
  }
  /** The elements (a live view; re-made after memory growth where memory is not shared). */
  get view(): A {
    if (!sharedMemory && this.#view.buffer !== memory.buffer) this.#view = viewOf(this.dtype, this.ptr, this.size) as A;
    return this.#view;
  }
  /** Gives the memory back (a view: its share of the block). Idempotent. */
  free(): void {
    this.#block?.release();
    this.#block = null;
  }
}

/** The StateError for a disposed param: `where` names it (e.g. "params[2]"), `then` says what did not happen. */
export function disposedError(p: Param, where = "Param", then = ""): StateError {
  return new StateError(`wasm-optim: ${where}${p.name ? ` "${p.name}"` : ""} was disposed${then ? `; ${then}` : ""}`);
}

export function bytesPer(dtype: DType): number {
  return dtype === "float64" ? 8 : 4;
}

/**
 * One tensor of the model: `size` elements of `dtype`, stored flat in row-major (C) order in
 * wasm memory, with its gradient beside it. `data` and `grad` are live views into that memory:
 * write the gradient into `grad` (your backprop's output), call the optimizer's `step()`, and
 * read the updated values from `data` — nothing is copied. `shape` records the tensor's
 * dimensions (Adafactor and Muon factor over the last two; elementwise rules ignore it).
 *
 * Free the memory with {@link Param.dispose} when done (wasm memory is not garbage collected).
 * See [conventions](../docs/conventions.md) for shapes and dtypes.
 *
 * @typeParam A - Float32Array or Float64Array, following the dtype.
 * @example
 * ```ts
 * import { Param } from "wasm-optim";
 * const w = new Param([2, 3]); // 6 zero-filled float32 elements, shape [2, 3]
 * w.data.set([1, 2, 3, 4, 5, 6]);
 * console.log(w.size, w.shape, w.dtype); // → 6 [ 2, 3 ] float32
 * const b = Param.from(new Float64Array([0.5, -0.5]), { name: "bias" });
 * console.log(b.dtype, b.data[1]); // → float64 -0.5
 * w.dispose();
 * b.dispose();
 * ```
 */
export class Param<A extends FloatArray = FloatArray> {
  /** The number of elements (the product of `shape`). */
  readonly size: number;
  /** The tensor's dimensions (frozen; `[size]` unless given). */
  readonly shape: readonly number[];
  /** The element type of `data`, `grad` and every state buffer. */
  readonly dtype: DType;
  #name: string | undefined;
  #requiresGrad: boolean;
  #data: WasmBuffer<A> | null;
  #grad: WasmBuffer<A> | null;
  /** The user's own arrays when made by Param.wrap (copied in and out by each step). */
  #external: { data: A; grad: A } | null = null;

  /**
   * A zero-filled param of `size` elements, or of the given `shape` (`new Param([64, 4])`).
   * @param sizeOrShape - the number of elements, or the shape (its product is the size).
   * @param options - dtype, shape, requiresGrad, name; see {@link ParamOptions}.
   * @throws {@link OutOfMemoryError} when wasm memory cannot hold `2 * size` elements.
   * @throws {@link InvalidOptionError} for a size or shape that is not non-negative integers, or an
   * `options.shape` whose product differs from `size`.
   */
  constructor(sizeOrShape: number | readonly number[], options?: ParamOptions) {
    // no options, the common case: no option checks to run (nor to compile, the first time)
    if (options !== undefined) checkOptions(options);
    const o = options ?? NO_OPTIONS;
    if (Array.isArray(sizeOrShape)) {
      this.shape = checkShape(sizeOrShape);
      this.size = sizeOf(this.shape);
      if (o.shape !== undefined && sizeOf(checkShape(o.shape, "options.shape")) !== this.size) {
        throw new InvalidOptionError("options.shape", o.shape, `a shape of ${this.size} elements, as [${this.shape.join(", ")}]`);
      }
    } else {
      this.size = checkSize(sizeOrShape);
      if (o.shape === undefined) this.shape = Object.freeze([this.size]);
      else {
        this.shape = checkShape(o.shape);
        if (sizeOf(this.shape) !== this.size) {
          throw new InvalidOptionError("shape", o.shape, `dimensions whose product is the number of elements, ${this.size}`);
        }
      }
    }
    this.dtype = checkDType(o.dtype ?? "float32");
    this.#requiresGrad = o.requiresGrad ?? true;
    this.#name = o.name;
    const slots = adopted;
    adopted = null;
    if (slots) {
      this.#data = new WasmBuffer<A>(this.dtype, this.size, slots.data);
      this.#grad = new WasmBuffer<A>(this.dtype, this.size, slots.grad);
      manyRegistry.register(this, [this.#data, this.#grad], this);
      return;
    }
    this.#data = new WasmBuffer<A>(this.dtype, this.size);
    try {
      this.#grad = new WasmBuffer<A>(this.dtype, this.size);
    } catch (e) {
      this.#data.free();
      throw e;
    }
  }

  /**
   * The params of a model as views of one contiguous block, like FSDP's flat parameter: the
   * values of all of them, in order, are one array in wasm memory, and so are their
   * gradients. Each element is an ordinary Param (its own `shape`, `data`, `grad`, `name`,
   * `requiresGrad`, `dispose`). A first-order optimizer steps each run of adjacent params of
   * one block in one group with one kernel call over their elements, with their state
   * buffers laid out the same way (see FirstOrderOptimizer.step). The block is freed when
   * every param of it has been disposed or garbage-collected.
   *
   * @param shapes - one entry per param: its shape (`[64, 4]`) or its size (`256`).
   * @param options - `dtype` (default "float32"), `requiresGrad` (default true, for all),
   *   `names` (one name or undefined per param).
   * @returns the params, zero-filled, in the order of `shapes`.
   * @throws InvalidOptionError naming the bad shape (`shapes[2][1]`), a total of elements
   *   beyond wasm32, a bad dtype or names; OutOfMemoryError when the block does not fit.
   */
  static many<D extends DType = "float32">(
    shapes: readonly (number | readonly number[])[],
    options: { dtype?: D; requiresGrad?: boolean; names?: readonly (string | undefined)[] } = {},
  ): Param<ArrayOf<D>>[] {
    if (!Array.isArray(shapes)) throw new InvalidOptionError("shapes", shapes, "an array of shapes (arrays of dimensions) or sizes");
    optionsObject(options, "options", ["dtype", "requiresGrad", "names"]);
    const dims = shapes.map((s: unknown, i) => (typeof s === "number" ? [checkSize(s, `shapes[${i}]`)] : checkShape(s, `shapes[${i}]`)));
    const dtype = checkDType(options.dtype ?? "float32");
    const { requiresGrad = true, names } = options;
    if (typeof requiresGrad !== "boolean") throw new InvalidOptionError("requiresGrad", requiresGrad, "true or false");
    const badNames = (list: unknown): boolean =>
      !Array.isArray(list) || list.length !== shapes.length || list.some((n) => n !== undefined && typeof n !== "string");
    if (names !== undefined && badNames(names)) {
      throw new InvalidOptionError("names", names, `an array of ${shapes.length} names (strings or undefined), one per shape`);
    }
    const sizes = dims.map(sizeOf);
    const total = checkSize(
      sizes.reduce((a, n) => a + n, 0),
      "shapes",
    );
    const bytes = bytesPer(dtype);
    const gradStart = Math.ceil((total * bytes) / ALIGN) * ALIGN;
    const block = new SharedBlock(gradStart + total * bytes);
    let offset = 0;
    return dims.map((shape, i) => {
      adopted = { data: { block, offset }, grad: { block, offset: gradStart + offset } };
      offset += sizes[i]! * bytes;
      return new Param<ArrayOf<D>>(shape, { dtype, requiresGrad, name: names?.[i] });
    });
  }

  /**
   * A Param holding a copy of `values` (flat, row-major). The dtype follows a Float64Array
   * (float64) and is float32 otherwise, unless `options.dtype` says.
   * @param values - the initial values (finite numbers).
   * @param options - see {@link ParamOptions}; `shape` must have `values.length` elements.
   * @throws {@link InvalidOptionError} naming `values[i]` for a non-finite element, or a bad option.
   */
  static from(values: Float64Array, options?: ParamOptions<"float64">): Param<Float64Array>;
  static from(values: Float32Array | ArrayLike<number>, options?: ParamOptions<"float32">): Param<Float32Array>;
  static from<D extends DType>(values: ArrayLike<number>, options: ParamOptions<D>): Param<ArrayOf<D>>;
  static from(values: ArrayLike<number> | null, options: ParamOptions = {}): Param {
    checkOptions(options);
    if (values === null || typeof values !== "object" || typeof values.length !== "number") {
      throw new InvalidOptionError("values", values, "an array or typed array of numbers", "type");
    }
    checkSize(values.length, "values.length");
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidOptionError(`values[${i}]`, v, "a finite number");
    }
    const dtype = options.dtype ?? (values instanceof Float64Array ? "float64" : "float32");
    const p = new Param(values.length, { ...options, dtype });
    p.data.set(values);
    return p;
  }

  /**
   * A Param over the caller's own arrays (for code that cannot give up its Float32Arrays):
   * each step copies `data` and `grad` into wasm memory and `data` back out. Correct, but
   * slower than the zero-copy path (see the README for the measured cost).
   * @param data - the values (Float32Array or Float64Array; fixes the dtype).
   * @param grad - the gradient, the same type and length as `data`.
   * @throws {@link InvalidOptionError} when the arrays differ in type or length.
   */
  static wrap<B extends FloatArray>(data: B, grad: B, options: Omit<ParamOptions, "dtype"> = {}): Param<B> {
    checkOptions(options, ["shape", "requiresGrad", "name"]);
    if (!(data instanceof Float32Array || data instanceof Float64Array))
      throw new InvalidOptionError("data", data, "a Float32Array or Float64Array");
    const dtype: DType = data instanceof Float64Array ? "float64" : "float32";
    if (!(grad instanceof (dtype === "float64" ? Float64Array : Float32Array)) || grad.length !== data.length) {
      throw new InvalidOptionError("grad", grad, `a ${dtype === "float64" ? "Float64Array" : "Float32Array"} of length ${data.length}`);
    }
    const p = new Param<B>(data.length, { ...options, dtype });
    p.#external = { data, grad };
    return p;
  }

  /** A label shown in error messages (optional). */
  get name(): string | undefined {
    return this.#name;
  }
  /** Sets the label: a string, or undefined for none (anything else is refused). */
  set name(value: string | undefined) {
    this.#name = checkName("name", value);
  }

  /**
   * false freezes the parameter: step() skips it (and gives it no state), as PyTorch skips
   * params without a grad; L-BFGS and Newton treat its gradient as zero.
   * @throws InvalidOptionError (a TypeError) for a value that is not a boolean.
   */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }
  /** Freezes (false) or unfreezes (true) the parameter; anything but a boolean is refused. */
  set requiresGrad(value: boolean) {
    const v = bool("requiresGrad", value);
    if (v !== this.#requiresGrad) layoutChanged();
    this.#requiresGrad = v;
  }

  /** The parameter values (the caller's own array for a wrapped Param). */
  get data(): A {
    return this.#external?.data ?? this.#dataBuffer().view;
  }

  /** The gradient, written by the user before step() (the caller's own array when wrapped). */
  get grad(): A {
    if (this.#external) return this.#external.grad;
    const v = this.#gradBuffer().view;
    this.#gradHanded = v;
    return v;
  }

  /** The last `grad` view handed out (unshared memory: checked before each step, see checkViews). */
  #gradHanded: A | null = null;

  /** Sets the gradient to zero. */
  zeroGrad(): void {
    (this.#external?.grad ?? this.#gradBuffer().view).fill(0);
  }

  /** true after {@link Param.dispose}: `data`, `grad` and steps then throw a StateError. */
  get disposed(): boolean {
    return this.#data === null;
  }

  /** Frees the wasm memory (a param of Param.many: its share of the block). Any later use throws. */
  dispose(): void {
    if (!this.#data || !this.#grad) return;
    manyRegistry.unregister(this);
    this.#data.free();
    this.#grad.free();
    this.#data = this.#grad = null;
    layoutChanged();
  }

  /**
   * @internal the allocation holding this param's values: one per param, or the block
   * shared by the params of one Param.many call (null once disposed).
   */
  get block(): SharedBlock | null {
    return this.#data?.block ?? null;
  }

  #dataBuffer(): WasmBuffer<A> {
    if (!this.#data) throw disposedError(this);
    return this.#data;
  }
  #gradBuffer(): WasmBuffer<A> {
    if (!this.#grad) throw disposedError(this);
    return this.#grad;
  }

  /** @internal byte address of the values in wasm memory (after copying in a wrapped Param). */
  get dataPtr(): number {
    return this.#dataBuffer().ptr;
  }
  /** @internal */
  get gradPtr(): number {
    return this.#gradBuffer().ptr;
  }
  /** @internal true for a Param.wrap'ed param (its data and grad live in the caller's arrays). */
  get wrapped(): boolean {
    return this.#external !== null;
  }
  /**
   * @internal where memory is not shared (a browser page without cross-origin isolation, or
   * `--no-harmony-sharedarraybuffer`), growing it detaches every view made before: a StateError
   * when the last `p.grad` the user read is such a view, so a gradient written through it is
   * never silently lost (the step would use the old one).
   */
  checkViews(): void {
    const v = this.#gradHanded;
    if (v !== null && !sharedMemory && v.buffer !== memory.buffer) {
      throw new StateError(
        `wasm-optim: wasm memory grew since the gradient of Param${this.name ? ` "${this.name}"` : ""} was last read (p.grad), and ` +
          "this runtime has no shared memory, so views read before are detached: writes through them were lost. " +
          "Read p.grad again after creating params or state (not once before the loop); nothing was stepped",
      );
    }
  }

  /** @internal a StateError if the caller's arrays of a wrapped Param lost their elements (transferred, detached). */
  checkWrapped(): void {
    const ext = this.#external;
    if (ext && (ext.data.length !== this.size || ext.grad.length !== this.size)) {
      throw new StateError(
        `wasm-optim: the arrays of a wrapped Param${this.name ? ` "${this.name}"` : ""} no longer hold ${this.size} elements (transferred or detached); nothing was stepped`,
      );
    }
  }

  /** @internal copies a wrapped Param's arrays into wasm memory before a kernel runs. */
  syncIn(): void {
    const ext = this.#external;
    if (!ext) return;
    this.#dataBuffer().view.set(ext.data);
    this.#gradBuffer().view.set(ext.grad);
  }
  /** @internal copies the updated values back to a wrapped Param's array. */
  syncOut(): void {
    const ext = this.#external;
    if (ext) ext.data.set(this.#dataBuffer().view);
  }
}

// Param.many hands each new Param its slots in the block through this variable (the
// constructor's public signature stays that of a standalone param).
let adopted: { data: BlockSlot; grad: BlockSlot } | null = null;

// A param of Param.many collected without dispose() gives its share of the block back.
const manyRegistry = new FinalizationRegistry<WasmBuffer[]>((buffers) => {
  for (const b of buffers) b.free();
});

/** @internal a step count, shared by the states of a run of params. */
export interface StepCounter {
  step: number;
}

/**
 * The state an optimizer keeps for one parameter between steps (torch's `state[p]`): a step
 * count, scalars (e.g. NAdam's `mu_product`) and buffers in wasm memory under torch's state
 * names (e.g. `exp_avg`), each of the param's dtype.
 */
export class ParamState {
  /** Per-param scalars under torch's names (e.g. NAdam's `mu_product`). */
  readonly scalars: Record<string, number> = {};
  /** The state buffers by torch's state name (e.g. `exp_avg`), each the param's size and dtype unless noted. */
  readonly buffers = new Map<string, WasmBuffer>();
  #counter: StepCounter = { step: 0 };
  constructor(
    /** The param this state belongs to. */
    readonly param: Param,
  ) {
    layoutChanged();
  }

  /** The number of steps taken (torch's `state["step"]`). */
  get step(): number {
    return this.#counter.step;
  }
  /** Sets the step count of this state alone (it stops sharing a run's counter). */
  set step(value: number) {
    if (value === this.#counter.step) return;
    this.#counter = { step: value }; // no longer shared with a run's other states
    layoutChanged();
  }

  /**
   * @internal makes this state count its steps in `counter` (one counter for the states of
   * a run, advanced once per step for all of them); its value must equal this state's step.
   */
  shareCounter(counter: StepCounter): void {
    this.#counter = counter;
  }

  /**
   * The buffer `name`, created on first use with `length` elements (default: the param's
   * size; L-BFGS keeps flat vectors over all its params) filled with `init`.
   * @throws OutOfMemoryError when wasm memory cannot hold a new buffer.
   */
  buffer(name: string, init = 0, length = this.param.size): WasmBuffer {
    let b = this.buffers.get(name);
    if (!b) {
      b = new WasmBuffer(this.param.dtype, length);
      if (init !== 0) b.view.fill(init);
      this.buffers.set(name, b);
      layoutChanged();
    }
    return b;
  }

  /** @internal makes `b` the buffer `name`, freeing the one it replaces (a run's state moved into one block). */
  replaceBuffer(name: string, b: WasmBuffer): void {
    this.buffers.get(name)?.free();
    this.buffers.set(name, b);
    layoutChanged();
  }

  /** Frees every buffer (the state is empty afterwards). */
  free(): void {
    for (const b of this.buffers.values()) b.free();
    this.buffers.clear();
    layoutChanged();
  }
}

// ---- gradient access for the training transforms (clipping, skipNonFinite, accumulation)

/**
 * Runs `fn` on the wasm address of p's gradient. A Param.wrap'ed param keeps its gradient in
 * the caller's array: it is copied in first and, when `write`, copied back after.
 */
export function withGrad<R>(p: Param, write: boolean, fn: (ptr: number) => R): R {
  if (!p.wrapped) return fn(p.gradPtr);
  viewOf(p.dtype, p.gradPtr, p.size).set(p.grad);
  const r = fn(p.gradPtr);
  if (write) p.grad.set(viewOf(p.dtype, p.gradPtr, p.size));
  return r;
}

/** The params clipping and the transforms look at: live ones that take a gradient. */
export function trainable(input: unknown, where = "params"): Param[] {
  const params = input as Iterable<Param> | null; // anything, from JavaScript: checked here
  if (params === null || typeof params !== "object" || typeof params[Symbol.iterator] !== "function") {
    throw new InvalidOptionError(where, params, "an array (or iterable) of Param");
  }
  const list = [...params];
  list.forEach((p, i) => {
    if (!(p instanceof Param)) throw new InvalidOptionError(`${where}[${i}]`, p, "a Param");
    if (p.disposed) throw disposedError(p, `${where}[${i}]`);
  });
  return list.filter((p) => p.requiresGrad);
}
