// Multi-threaded elementwise kernels: one job split into chunks that the main thread and
// `worker_threads` Workers claim with atomics on a small SharedArrayBuffer, each thread running
// the SAME compiled `WebAssembly.Module` over the SAME shared `WebAssembly.Memory` (./memory.ts).
// User-facing description: docs/threads.md; measurements: bench/RESULTS.md section 6.
//
// - Work-sharing: each thread owns a range of chunks (its cache stays warm from step to step)
//   and steals from the others' when done; the main thread claims chunks too, so the call never
//   waits for a worker that has not started or woken up.
// - Contention: a chunk a preempted worker holds cannot be redone, so each split call is timed
//   against a single-thread estimate (FallBack); time lost sends the next calls to one thread
//   for 20 times as long, so threads cost at most ~5 % whatever the stalls.
// - Bit-identical to one thread: chunk boundaries fall on multiples of 64 bytes, so every
//   element is computed by the same SIMD lane arithmetic (or the same one-lane tail) as in a
//   single call over the whole range; the kernels are elementwise, so order does not matter.
// - Reductions (dot, norms, the finite check) are not split: they run on the calling thread as
//   one kernel call, so their summation order is the same for every thread count.
// - Workers start lazily (first parallel call), are unref'd (a script exits by itself), poll
//   the job counter briefly after each job and then sleep in `Atomics.wait`.
// - Off where shared memory, SharedArrayBuffer or worker_threads are missing (a browser page,
//   `node --no-harmony-sharedarraybuffer`): every call then runs on the calling thread.
import { InvalidOptionError } from "../errors.js";
import type { DType } from "../param.js";
import { kernelTable, type KernelName } from "./kernels.generated.js";
import { memory, sharedMemory, wasmExports, wasmModule } from "./memory.js";
import { SOURCE, runChunks, type ControlLayout, type WorkerData } from "./thread-worker.js";

/** The kernels that may be split: every kernel of assembly/kernels.mjs that returns nothing (elementwise). */
export type ElementwiseKernelName = {
  [K in KernelName]: (typeof kernelTable)[K]["returns"] extends "void" ? K : never;
}[KernelName];

/**
 * Below this many elements a call runs on the calling thread alone. Measured (bench/threads.bench.mjs,
 * Adam float32, workers polling, 2 vCPUs, mean time per step): 2 threads vs 1 is 1.41-1.47x at
 * 32768 elements, 1.5-1.6x at 65536, 1.6-1.8x at 1e5; below, 1.06-1.18x at 8192-1e4 and 1.17-1.28x
 * at 2e4 when every call is split and the second core is free, but 0.91-1.04x with the fall-back on
 * a loaded machine (load 3-4): the cold first call after a pause (~10 µs at 1e4) and the timing of
 * each split call cost about what splitting saves there.
 */
export const PARALLEL_THRESHOLD = 32768;
/**
 * Smallest chunk of a large call, in elements (~18 µs of Adam); a smaller call is one chunk a
 * thread. Each chunk costs ~0.5 µs beyond its elements (the claim's compare-and-swap and the done
 * counter bounce between the cores, the kernel call, a cold start of the loop): on AMD Zen 5,
 * Adam float32 at 1e5 elements on 2 threads vs 1 (every call split, bench/RESULTS.md) measured
 * 1.70-1.78x with 32768 (one chunk a thread), 1.43-1.49x with 8192 (six), 1.64x with 16384;
 * 4096 measured slower still on Intel. Above 1e6 the chunk count is CHUNKS_PER_THREAD's.
 */
export const MIN_CHUNK = 32768;
/** Chunks per thread for a large job: small chunks bound the wait for a worker's last one (16 measured best at 1e6 of 4, 8, 16, 32). */
export const CHUNKS_PER_THREAD = 16;
/** Chunk boundaries are multiples of this many bytes: a cache line, four v128 lanes. */
const CHUNK_ALIGN_BYTES = 64;
/**
 * How long a worker polls the job counter after a job (or a wake-up) before it sleeps, ms: calls
 * up to ~0.1 ms apart (the kernel calls of one step, back-to-back steps up to ~2e5 elements) find
 * it awake. Counted in time: 2,500 polls, meant as ~90 µs, measured 13-20 µs once V8 optimized the
 * loop (5-8 ns a poll), and back-to-back steps of 1e5 elements (~45 µs) found the worker asleep.
 */
const SPIN_MS = 0.1;
/** setNumThreads' upper bound (a guard against a typo starting thousands of workers). */
export const MAX_THREADS = 256;

const BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8 };

/** The dtype of the kernel at index i (exportNames: each kernel as _f32, then _f64). */
function dtypeOf(index: number): DType {
  return index & 1 ? "float64" : "float32";
}

/** Every elementwise export, in a fixed order: a job names its kernel by index into this list. */
const elementwise = (Object.keys(kernelTable) as KernelName[]).filter((k): k is ElementwiseKernelName => kernelTable[k].returns === "void");
const exportNames = elementwise.flatMap((k) => [`${k}_f32`, `${k}_f64`]);
/** A kernel's index in exportNames (its _f32 export; _f64 is the next). */
const exportIndex = new Map(elementwise.map((name, i) => [name, 2 * i]));
type KernelFn = (...args: number[]) => unknown;
const mainKernels: readonly KernelFn[] = exportNames.map((name) => (wasmExports as unknown as Record<string, KernelFn>)[name]!);
const maxArgs = Math.max(
  ...elementwise.map((k) => kernelTable[k].pointers.length + kernelTable[k].scalars.length + Object.keys(kernelTable[k].flags).length),
);

const LAYOUT: ControlLayout = {
  gen: 0,
  done: 1,
  sleepers: 2,
  ranges: 3,
  error: 4,
  kernel: 5,
  pointers: 6,
  rest: 7,
  elementBytes: 8,
  workerChunks: 9,
  started: 10,
  range0: 16, // .. 16 + MAX_THREADS - 1
  // Float64 slots (byte offset 8*slot), after the Int32 slots above
  chunkElements: (16 + MAX_THREADS) / 2,
  n: (16 + MAX_THREADS) / 2 + 1,
  args: (16 + MAX_THREADS) / 2 + 2,
};

interface WorkerThreads {
  Worker: new (
    source: string,
    options: { eval: true; workerData: WorkerData },
  ) => { unref(): void; on(event: "error", listener: (e: unknown) => void): void };
}
type NodeProcess = { getBuiltinModule?: (id: string) => unknown } | undefined;

/** worker_threads when this runtime has it and shared memory (else null: threads are off). */
function workerThreads(): WorkerThreads | null {
  if (!sharedMemory || typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") return null;
  const proc = (globalThis as { process?: NodeProcess }).process;
  const wt = proc?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined;
  return wt && typeof wt.Worker === "function" ? wt : null;
}

// Looked up on first use, not at import: loading node:worker_threads costs ~1.5-3 ms of
// process start (bench/cold-start.mjs), and a script that never asks for threads never needs it.
/** worker_threads, or null where threads are off; undefined until first asked. */
let threadsModule: WorkerThreads | null | undefined;
/** true when this runtime can run kernels on more than one thread. */
export function threadsAvailable(): boolean {
  return (threadsModule ??= workerThreads()) !== null;
}

function defaultThreads(): number {
  const os = (globalThis as { process?: NodeProcess }).process?.getBuiltinModule?.("node:os") as
    { availableParallelism?: () => number } | undefined;
  return Math.max(1, Math.min(os?.availableParallelism?.() ?? 1, 4));
}

/** The thread count; undefined until first asked (then the default, see {@link getNumThreads}). */
let numThreads: number | undefined;

/**
 * Sets the number of threads the library's elementwise kernels use (torch.set_num_threads),
 * the calling thread included: 1 runs everything on the calling thread. Library-wide; takes
 * effect at the next step. Where threads are unavailable (no shared memory or worker_threads)
 * the value is accepted and ignored, and {@link getNumThreads} reports 1.
 *
 * @param n - an integer from 1 to 256
 * @throws InvalidOptionError (option "numThreads") when n is not such an integer
 */
export function setNumThreads(n: number): void {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new InvalidOptionError("numThreads", n, `an integer from 1 to ${MAX_THREADS}`);
  }
  if (threadsAvailable()) numThreads = n;
}

/**
 * The number of threads elementwise kernels use, the calling thread included
 * (torch.get_num_threads). Default: the machine's available parallelism, at most 4; always 1
 * where threads are unavailable.
 */
export function getNumThreads(): number {
  return (numThreads ??= threadsAvailable() ? defaultThreads() : 1);
}

// ---- falling back to one thread when threads do not pay (another process holds a core)
/** Every this many split calls, one runs on one thread to refresh the single-thread estimate. */
export const PROBE_EVERY = 64;
/**
 * After split calls lost time against the single-thread estimate, the next calls run on one
 * thread for this many times the time lost: threads then lose at most 1 / (1 + LOSS_FACTOR) of the
 * time (under 5 %), however long a stall was (a worker preempted holding a chunk: up to ~10 ms).
 */
export const LOSS_FACTOR = 20;
/**
 * Time saved by split calls that may make up for a later loss, ms (about 300 steps of 1e5 elements
 * that pay): an occasional stall of a few ms is paid from it, not with 20 times its length on one
 * thread. Measured (bench/threads.bench.mjs, load 3-4 from other jobs), 2 threads vs 1 with the
 * second core free: 1.59-1.65x at 1e5 and 1.84-1.86x at 1e6 with 5 ms, 1.42-1.45x and 1.60x with
 * 1 ms; with a busy loop on it 0.95-0.97x and 0.97-0.98x.
 */
const SAVED_CAP = 5;
/**
 * The first split call after calls on one thread finds the workers just woken (a wake-up takes
 * 25-55 µs) and their caches cold (the data sits in the calling thread's cache: ~10 µs to fetch
 * at 1e4 elements): it is charged only for the time above COLD times the estimate plus COLD_MS
 * (a stall, not the cold start); a loss sends LOSS_FACTOR times (loss + that allowance) to one
 * thread, so that the next cold call's allowance is made up too.
 */
const COLD = 1.5;
const COLD_MS = 0.02;
/**
 * A call estimated shorter than this (ms) does not wake sleeping workers: a worker wakes 25-55 µs
 * after the call starts, with cold caches, and would join after it ended. (100 µs measured no
 * better: in a loop with 0.5 ms of other work between Adam steps of 1e5 elements, 2 threads vs 1
 * were 0.90-1.20x with 25 µs, 0.92-1.05x with 100 µs, 0.73-0.83x before this fall-back; load 3-4.)
 */
const WAKE_MS = 0.025;
/** The first short call that finds the workers asleep, and every this many after it, wakes them (Atomics.notify, ~1-2 µs) for the next ones. */
const POKE_EVERY = 64;

/** How {@link FallBack.decide} runs a call: on one thread untimed, on one thread timed, or split. */
export const ONE_THREAD = 0;
export const TIMED = 1;
export const SPLIT = 2;
export type Decision = typeof ONE_THREAD | typeof TIMED | typeof SPLIT;

/**
 * Decides call by call whether to split a call, from measured times: a running single-thread
 * estimate per kernel and size class, and the balance of the time split calls saved or lost
 * against it. Exported for its tests; the library uses one instance.
 */
export class FallBack {
  /** Single-thread cost, ms per element, by key (kernel and size class), from the calls run on one thread. */
  readonly #single = new Map<number, number>();
  /** Time split calls saved (ms; at most SAVED_CAP), made up against losses. */
  #balance = 0;
  /** One-thread time (ms) still to run before splitting again. */
  #owed = 0;
  #sinceProbe = 0;
  /** The last call ran on one thread (the next split call is a cold one). */
  #afterOneThread = true;

  /** The single-thread estimate for n elements of `key`, ms (undefined before its first one-thread call). */
  estimate(key: number, n: number): number | undefined {
    const perElement = this.#single.get(key);
    return perElement === undefined ? undefined : perElement * n;
  }

  /**
   * How to run the next call of n elements of `key`: {@link SPLIT}, on one thread {@link TIMED}
   * (no estimate yet, or one split call in PROBE_EVERY: report it with {@link FallBack.oneThread}),
   * or on one thread untimed ({@link ONE_THREAD}: while time lost is being made up, counted at
   * the estimate).
   */
  decide(key: number, n: number): Decision {
    const perElement = this.#single.get(key);
    if (perElement === undefined) return TIMED;
    if (this.#owed > 0) {
      this.#owed -= perElement * n;
      this.#afterOneThread = true;
      return ONE_THREAD;
    }
    if (++this.#sinceProbe < PROBE_EVERY) return SPLIT;
    this.#sinceProbe = 0;
    return TIMED;
  }

  /** A call ran on one thread for another reason (the workers asleep): the next split call is a cold one. */
  ranOneThread(): void {
    this.#afterOneThread = true;
  }

  /**
   * A call of n elements of `key` ran on one thread in `ms`. The estimate drops to a faster call
   * at once and rises by at most a quarter per call: a call slowed by a preemption or by the
   * page faults of new memory (the first step) must not make splitting look better than it is.
   */
  oneThread(key: number, n: number, ms: number): void {
    const perElement = ms / n;
    const before = this.#single.get(key);
    this.#single.set(key, before === undefined || perElement < before ? perElement : before + 0.25 * Math.min(perElement - before, before));
    this.#afterOneThread = true;
  }

  /** A call of n elements of `key` was split and took `ms`. */
  split(key: number, n: number, ms: number): void {
    const cold = this.#afterOneThread;
    this.#afterOneThread = false;
    const expected = this.estimate(key, n);
    if (expected === undefined) return;
    const allowance = COLD * expected + COLD_MS;
    const lost = cold ? Math.max(0, ms - allowance) : ms - expected;
    this.#balance = Math.min(this.#balance - lost, SAVED_CAP);
    if (this.#balance < 0) {
      // with what the next cold call may cost uncharged: together under 1 / LOSS_FACTOR of the time
      this.#owed = LOSS_FACTOR * (-this.#balance + allowance - expected);
      this.#balance = 0;
    }
  }
}

const fallBack = new FallBack();
/** false: every call at or above the threshold is split (tests and benchmarks: see {@link setFallback}). */
let fallback = true;
/** Short calls that found the workers asleep since the last split call (the first and every POKE_EVERY-th wake them). */
let asleepCalls = 0;

/**
 * Turns the fall-back to one thread on (the default) or off. Off, every call at or above
 * {@link PARALLEL_THRESHOLD} elements is split whatever it costs: for tests (which must see the
 * workers take part) and for the benchmark that shows what the fall-back saves. Not public API.
 */
export function setFallback(on: boolean): void {
  fallback = on;
}

// ---- the pool (created on the first parallel call)
interface Pool {
  readonly control: Int32Array;
  readonly job: Float64Array;
  /** Workers created, and how many of them had started polling when last looked. */
  workers: number;
  started: number;
}
let pool: Pool | null = null;
let warned = false;
/** The arguments of one chunk, on the calling thread (runChunks rewrites them). */
const chunkArgs: number[] = [];

function startWorkers(p: Pool, wanted: number): void {
  const Worker = threadsModule!.Worker; // looked up by getNumThreads() > 1
  for (; p.workers < wanted; p.workers++) {
    const w = new Worker(SOURCE, {
      eval: true,
      workerData: {
        module: wasmModule,
        memory,
        control: p.control.buffer as SharedArrayBuffer,
        layout: LAYOUT,
        exports: exportNames,
        id: p.workers,
        spinMs: SPIN_MS,
      },
    });
    w.unref();
    // a worker that fails never claims a chunk (a kernel error is caught inside runChunks):
    // the other threads do its share; say so once
    w.on("error", (e) => {
      if (!warned) process.emitWarning(`wasm-optim: a worker thread failed (${String(e)}); continuing with fewer threads`);
      warned = true;
    });
  }
}

/** The pool with `threads - 1` workers started (they join within ~20 ms, see docs/threads.md). */
function getPool(threads: number): Pool {
  if (pool === null) {
    const buffer = new SharedArrayBuffer(8 * (LAYOUT.args + maxArgs));
    pool = { control: new Int32Array(buffer), job: new Float64Array(buffer), workers: 0, started: 0 };
  }
  if (pool.workers < threads - 1) startWorkers(pool, threads - 1);
  return pool;
}

/** Every started worker is asleep in Atomics.wait (or about to be). */
function asleep(p: Pool): boolean {
  return Atomics.load(p.control, LAYOUT.sleepers) >= p.started;
}

/** Chunks run by worker threads so far (0 before the first parallel call), for tests and diagnostics. */
export function workerChunks(): number {
  return pool === null ? 0 : Atomics.load(pool.control, LAYOUT.workerChunks);
}

/**
 * Elements per chunk for n elements on `threads` threads: a multiple of 64 bytes, and n cut into
 * the same number of chunks for every thread (at most CHUNKS_PER_THREAD each, none below
 * MIN_CHUNK; one a thread for a small n), so that no thread is left with one chunk more: 1e6
 * elements on 2 threads are 30 chunks of 33,344, not 30 of 32,768 and a 31st of 16,960.
 */
export function chunkElements(n: number, threads: number, dtype: DType): number {
  const align = CHUNK_ALIGN_BYTES / BYTES[dtype];
  const perThread = Math.min(CHUNKS_PER_THREAD, Math.max(1, Math.floor(n / (threads * MIN_CHUNK))));
  return Math.ceil(Math.ceil(n / (threads * perThread)) / align) * align;
}

/** The index of the elementwise kernel `name` in `dtype` (see {@link threadedKernel}). */
export function kernelIndex(name: ElementwiseKernelName, dtype: DType): number {
  return exportIndex.get(name)! + (dtype === "float32" ? 0 : 1);
}

/** The key of a call's single-thread estimate: its kernel and size class (floor(log2 n)). */
function keyOf(index: number, n: number): number {
  return index * 64 + (31 - Math.clz32(n));
}

/** How to run a call of n elements (at or above the threshold, more than one thread set) of the kernel at `index`. */
function decide(index: number, n: number): Decision {
  if (!fallback) return SPLIT;
  const key = keyOf(index, n);
  const how = fallBack.decide(key, n);
  if (how !== SPLIT) return how;
  const p = getPool(getNumThreads());
  if (p.started < p.workers && (p.started = Atomics.load(p.control, LAYOUT.started)) < p.workers) {
    // the workers are still starting (~20 ms, taking a core): nothing to split onto yet
    fallBack.ranOneThread();
    return ONE_THREAD;
  }
  if (fallBack.estimate(key, n)! < WAKE_MS && asleep(p)) {
    // a short call gains little or nothing from waking a worker (it would join late); wake the
    // workers for the next calls (which find them polling if they come back to back) at the
    // first such call and then now and then
    if (asleepCalls++ % POKE_EVERY === 0) Atomics.notify(p.control, LAYOUT.gen);
    fallBack.ranOneThread();
    return ONE_THREAD;
  }
  asleepCalls = 0;
  return SPLIT;
}

/**
 * The kernel at `index` ({@link kernelIndex}, a function `direct` taking its `np` pointers, n,
 * then scalars and flags) as the step loop calls it: split across {@link getNumThreads} threads
 * when n is at least {@link PARALLEL_THRESHOLD} and splitting pays (see {@link FallBack}), else
 * `direct` itself, called with `apply` on `arguments` (no array is made per call; V8 makes it a
 * direct call). Bit-identical either way: the kernels are elementwise.
 */
export function threadedKernel(index: number, np: number, direct: (...args: number[]) => unknown): (...args: number[]) => void {
  /** The arguments of a split call (splitKernel is synchronous and never calls back here: one array serves every call). */
  const split: number[] = [];
  return function (this: unknown) {
    // eslint-disable-next-line prefer-rest-params -- `arguments` + apply: no array per call on the hot path
    const args = arguments as unknown as number[];
    const n = args[np]!;
    if (n >= PARALLEL_THRESHOLD && getNumThreads() > 1) {
      const how = decide(index, n);
      if (how === SPLIT) {
        split.length = args.length;
        for (let i = 0; i < args.length; i++) split[i] = args[i]!;
        splitKernel(index, split, np);
        return;
      }
      if (how === TIMED) {
        const t0 = performance.now();
        // eslint-disable-next-line prefer-spread -- spreading would copy the arguments every call
        direct.apply(null, args);
        fallBack.oneThread(keyOf(index, n), n, performance.now() - t0);
        return;
      }
    }
    // eslint-disable-next-line prefer-spread -- spreading would copy the arguments every call
    direct.apply(null, args);
  };
}

/** parallelKernel's kernels, by index (made on first use). */
const parallelKernels: ((...args: number[]) => void)[] = [];

/**
 * Runs the elementwise kernel `name` (assembly/kernels.mjs) over `n` elements as the step loop
 * does ({@link threadedKernel}): split across {@link getNumThreads} threads when n is at least
 * {@link PARALLEL_THRESHOLD} and splitting pays (always, with {@link setFallback}(false)). The
 * arguments are the kernel's own, grouped: `pointers` (byte addresses, in the table's order),
 * `n`, `scalars` and `flags` (in the table's order). The result is bit-identical to
 * `kernelsByDType(name)[dtype](...pointers, n, ...scalars, ...flags)`. Synchronous: returns
 * when every element is done.
 *
 * @throws Error when a kernel failed in some thread (a pointer out of bounds: a library bug)
 */
export function parallelKernel(
  name: ElementwiseKernelName,
  dtype: DType,
  pointers: readonly number[],
  n: number,
  scalars: readonly number[],
  flags: readonly number[],
): void {
  const index = kernelIndex(name, dtype);
  (parallelKernels[index] ??= threadedKernel(index, pointers.length, mainKernels[index]!))(...pointers, n, ...scalars, ...flags);
}

/** Splits the call of the kernel at `index` with the argument list `args` (n at position `np`) across the threads; times it for the fall-back. */
function splitKernel(index: number, args: readonly number[], np: number): void {
  const n = args[np]!;
  const threads = getNumThreads();
  const t0 = performance.now();
  const { control, job } = getPool(threads);
  const dtype = dtypeOf(index);
  const chunk = chunkElements(n, threads, dtype);
  const chunks = Math.ceil(n / chunk);
  // the descriptor first, then the range words (which open the claims), then wake the sleepers
  Atomics.store(control, LAYOUT.done, 0);
  Atomics.store(control, LAYOUT.error, 0);
  Atomics.store(control, LAYOUT.ranges, threads);
  control[LAYOUT.kernel] = index;
  control[LAYOUT.pointers] = np;
  control[LAYOUT.rest] = args.length - np - 1;
  control[LAYOUT.elementBytes] = BYTES[dtype];
  job[LAYOUT.chunkElements] = chunk;
  job[LAYOUT.n] = n;
  for (let i = 0; i < np; i++) job[LAYOUT.args + i] = args[i]!;
  for (let i = np + 1; i < args.length; i++) job[LAYOUT.args + i - 1] = args[i]!;
  // range k: chunks [floor(k*chunks/threads), floor((k+1)*chunks/threads)); the last word opens the job
  for (let k = threads - 1; k >= 0; k--) {
    Atomics.store(control, LAYOUT.range0 + k, Math.floor((k * chunks) / threads) | (Math.floor(((k + 1) * chunks) / threads) << 16));
  }
  Atomics.add(control, LAYOUT.gen, 1);
  if (Atomics.load(control, LAYOUT.sleepers) > 0) Atomics.notify(control, LAYOUT.gen);
  runChunks(control, job, LAYOUT, 0, mainKernels, chunkArgs);
  while (Atomics.load(control, LAYOUT.done) < chunks) {
    // a worker is finishing its last chunk
  }
  // work-sharing cannot redo a chunk a preempted worker holds, and a woken worker can land on
  // the calling thread's core: every split call is weighed against the single-thread estimate
  if (fallback) fallBack.split(keyOf(index, n), n, performance.now() - t0);
  if (Atomics.load(control, LAYOUT.error) !== 0) throw new Error(`wasm-optim: kernel ${exportNames[index]!} failed in a thread`);
}
