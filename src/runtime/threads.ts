// Multi-threaded elementwise kernels: one job split into chunks that the main thread and
// `worker_threads` Workers claim with atomics on a small SharedArrayBuffer, each thread running
// the SAME compiled `WebAssembly.Module` over the SAME shared `WebAssembly.Memory` (./memory.ts).
// User-facing description: docs/threads.md; measurements: bench/RESULTS.md section 6.
//
// - Work-sharing: each thread owns a range of chunks (its cache stays warm from step to step)
//   and steals from the others' when done; the main thread claims chunks too, so the call never
//   waits for a worker that has not started or woken up.
// - Contention: a chunk a preempted worker holds cannot be redone, so each split call is timed
//   against a single-thread estimate; calls that do not pay send the next ones to one thread.
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
 * Adam float32, worker polling, 2 vCPUs): 2 threads vs 1 is 1.06x at 8192 elements (one 4096-element
 * chunk each), 1.24x at 16384, 1.41-1.47x at 32768, 1.5-1.6x at 65536, 1.6-1.75x at 1e5. A worker
 * that sleeps needs 25-55 µs to wake (work-sharing does not wait for it, but then it helps only
 * calls longer than that), so threads start where they pay clearly: 32768 elements (~19 µs).
 */
export const PARALLEL_THRESHOLD = 32768;
/** Smallest chunk, in elements (~5 µs of Adam): claiming one costs ~0.1-0.3 µs; 4096 measured slower at 1e5. */
const MIN_CHUNK = 8192;
/** Chunks per thread for a large job: small chunks bound the wait for a worker's last one (16 measured best at 1e6 of 4, 8, 16, 32). */
const CHUNKS_PER_THREAD = 16;
/** Chunk boundaries are multiples of this many bytes: a cache line, four v128 lanes. */
const CHUNK_ALIGN_BYTES = 64;
/** Polls of the job counter (~35 ns each) before a worker sleeps: ~90 µs, so the kernel calls of one step find it awake. */
const SPIN_POLLS = 2500;
/** setNumThreads' upper bound (a guard against a typo starting thousands of workers). */
export const MAX_THREADS = 256;

const SUFFIX: Readonly<Record<DType, string>> = { float32: "f32", float64: "f64" };
const BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8 };

/** Every elementwise export, in a fixed order: a job names its kernel by index into this list. */
const elementwise = (Object.keys(kernelTable) as KernelName[]).filter((k): k is ElementwiseKernelName => kernelTable[k].returns === "void");
const exportNames = elementwise.flatMap((k) => [`${k}_f32`, `${k}_f64`]);
const exportIndex = new Map(exportNames.map((name, i) => [name, i]));
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
/** A parallel call must take at most this fraction of the single-thread estimate, or the next calls run on one thread. */
const KEEP = 0.95;
/** At most this many calls on one thread in a row before trying the workers again. */
const MAX_BACKOFF = 64;
/** Every this many parallel calls, one runs on one thread to refresh the estimate. */
const PROBE_EVERY = 64;
/** Single-thread cost, ms per element, by kernel export and size class (floor(log2 n)): a moving average. */
const single = new Map<number, number>();
/** false: every call at or above the threshold is split (tests and benchmarks: see {@link setFallback}). */
let fallback = true;
/** Calls left to run on one thread; the next backoff after a call that did not pay; calls since the last probe. */
let skip = 0;
let backoff = 1;
let sinceProbe = 0;
/** Consecutive parallel calls in which a worker took part. */
let warm = 0;
/** Consecutive judged calls that did not pay. */
let slow = 0;

/**
 * Turns the fall-back to one thread on (the default) or off. Off, every call at or above
 * {@link PARALLEL_THRESHOLD} elements is split whatever it costs: for tests (which must see the
 * workers take part) and for the benchmark that shows what the fall-back saves. Not public API.
 */
export function setFallback(on: boolean): void {
  fallback = on;
  skip = 0;
  backoff = 1;
  slow = 0;
  warm = 0;
}

// ---- the pool (created on the first parallel call)
interface Pool {
  readonly control: Int32Array;
  readonly job: Float64Array;
  workers: number;
}
let pool: Pool | null = null;
let warned = false;
const mainArgs: number[] = [];

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
        spin: SPIN_POLLS,
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

function getPool(): Pool {
  if (pool === null) {
    const buffer = new SharedArrayBuffer(8 * (LAYOUT.args + maxArgs));
    pool = { control: new Int32Array(buffer), job: new Float64Array(buffer), workers: 0 };
  }
  return pool;
}

/** Chunks run by worker threads so far (0 before the first parallel call), for tests and diagnostics. */
export function workerChunks(): number {
  return pool === null ? 0 : Atomics.load(pool.control, LAYOUT.workerChunks);
}

/** Elements per chunk for n elements on `threads` threads: a multiple of 64 bytes. */
export function chunkElements(n: number, threads: number, dtype: DType): number {
  const align = CHUNK_ALIGN_BYTES / BYTES[dtype];
  const target = Math.max(MIN_CHUNK, Math.ceil(n / (threads * CHUNKS_PER_THREAD)));
  return Math.ceil(target / align) * align;
}

/**
 * Runs the elementwise kernel `name` (assembly/kernels.mjs) over `n` elements, split across
 * {@link getNumThreads} threads when n is at least {@link PARALLEL_THRESHOLD} (else one call
 * on this thread). The arguments are the kernel's own, grouped: `pointers` (byte addresses,
 * in the table's order), `n`, `scalars` and `flags` (in the table's order). The result is
 * bit-identical to `kernelsByDType(name)[dtype](...pointers, n, ...scalars, ...flags)`.
 * Synchronous: returns when every element is done.
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
  const index = exportIndex.get(`${name}_${SUFFIX[dtype]}`)!;
  const threads = getNumThreads();
  mainArgs.length = 0;
  mainArgs.push(...pointers, n, ...scalars, ...flags);
  if (threads === 1 || n < PARALLEL_THRESHOLD) {
    mainKernels[index]!(...mainArgs);
    return;
  }
  // work-sharing cannot redo a chunk a preempted worker holds, and a woken worker can land on
  // the main thread's core: each parallel call is timed against the single-thread estimate
  // for its kernel and size; one that does not pay sends the next `backoff` calls (doubling
  // up to MAX_BACKOFF while it keeps not paying) to one thread
  const key = index * 64 + (31 - Math.clz32(n));
  const estimate = single.get(key);
  if (fallback && (skip > 0 || estimate === undefined || ++sinceProbe >= PROBE_EVERY)) {
    if (skip > 0) skip--;
    else sinceProbe = 0;
    warm = 0;
    const t0 = performance.now();
    mainKernels[index]!(...mainArgs);
    const perElement = (performance.now() - t0) / n;
    single.set(key, estimate === undefined ? perElement : 0.75 * estimate + 0.25 * perElement);
    return;
  }
  const t0 = performance.now();
  const p = getPool();
  if (p.workers < threads - 1) startWorkers(p, threads - 1);
  const { control, job } = p;
  const chunk = chunkElements(n, threads, dtype);
  const chunks = Math.ceil(n / chunk);
  // the descriptor first, then the range words (which open the claims), then wake the sleepers
  Atomics.store(control, LAYOUT.done, 0);
  Atomics.store(control, LAYOUT.error, 0);
  Atomics.store(control, LAYOUT.ranges, threads);
  control[LAYOUT.kernel] = index;
  control[LAYOUT.pointers] = pointers.length;
  control[LAYOUT.rest] = scalars.length + flags.length;
  control[LAYOUT.elementBytes] = BYTES[dtype];
  job[LAYOUT.chunkElements] = chunk;
  job[LAYOUT.n] = n;
  let slot = LAYOUT.args;
  for (const x of pointers) job[slot++] = x;
  for (const x of scalars) job[slot++] = x;
  for (const x of flags) job[slot++] = x;
  // range k: chunks [floor(k*chunks/threads), floor((k+1)*chunks/threads)); the last word opens the job
  for (let k = threads - 1; k >= 0; k--) {
    Atomics.store(control, LAYOUT.range0 + k, Math.floor((k * chunks) / threads) | (Math.floor(((k + 1) * chunks) / threads) << 16));
  }
  Atomics.add(control, LAYOUT.gen, 1);
  if (Atomics.load(control, LAYOUT.sleepers) > 0) Atomics.notify(control, LAYOUT.gen);
  const mine = runChunks(control, job, LAYOUT, 0, mainKernels, mainArgs);
  while (Atomics.load(control, LAYOUT.done) < chunks) {
    // a worker is finishing its last chunk
  }
  // judged only when a worker took part in this call and the one before: else the main thread
  // did (nearly) all of it, as on one thread (workers asleep: a wake-up takes 25-55 µs, which
  // work-sharing does not wait for), or the workers' caches are cold (after one-thread calls
  // the data sits in the main thread's cache: at 1e5 elements the first shared call is slower)
  warm = mine < chunks ? warm + 1 : 0;
  if (fallback && estimate !== undefined && warm >= 2) {
    // two slow calls in a row (one is noise: the main thread itself preempted) send the next
    // `backoff` calls to one thread
    if (performance.now() - t0 <= KEEP * estimate * n) {
      slow = 0;
      backoff = 1;
    } else if (++slow >= 2) {
      skip = backoff;
      backoff = Math.min(2 * backoff, MAX_BACKOFF);
      slow = 0;
    }
  }
  if (Atomics.load(control, LAYOUT.error) !== 0) throw new Error(`wasm-optim: kernel ${exportNames[index]!} failed in a thread`);
}
