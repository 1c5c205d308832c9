// The worker side of ./threads.ts, and the chunk loop both sides run.
//
// A worker is started from SOURCE (an eval'd script, so the same code runs from src/ under
// vitest, from dist/, and from a bundle, with no worker file to locate). Everything here must
// therefore be self-contained: `runChunks` and `workerMain` are stringified, so they may not
// refer to anything outside their own bodies but their parameters and JavaScript built-ins.

/** Slots of the Int32 view of the control block (one SharedArrayBuffer, shared by all threads). */
export interface ControlLayout {
  /** Job counter: bumped when a job is published; sleeping workers `Atomics.wait` on it. */
  readonly gen: number;
  /** Chunks finished; the job is over when it reaches the chunk count. */
  readonly done: number;
  /** Workers in (or about to enter) `Atomics.wait`: the main thread notifies only if > 0. */
  readonly sleepers: number;
  /** Threads taking part, the main thread included: one home range of chunks each. */
  readonly ranges: number;
  /** Set when a kernel threw in some thread (the main thread rethrows). */
  readonly error: number;
  /** Chunks run by workers since the pool started (diagnostics: proves the workers take part). */
  readonly workerChunks: number;
  /** Workers that have started polling for jobs (the others are still starting). */
  readonly started: number;
  /** The kernel's index in the worker's export list. */
  readonly kernel: number;
  /** Number of pointer arguments. */
  readonly pointers: number;
  /** Number of arguments after `n` (scalars then flags). */
  readonly rest: number;
  /** Bytes per element (4 or 8). */
  readonly elementBytes: number;
  /** First of the range words: range k is `front | back << 16`, its unclaimed chunks front .. back - 1. */
  readonly range0: number;
  /** Float64 view: elements per chunk. */
  readonly chunkElements: number;
  /** Float64 view: total elements. */
  readonly n: number;
  /** Float64 view: first argument slot (pointers, then scalars and flags). */
  readonly args: number;
}

/** What a worker receives (structured-cloned: the module and the memory are shared, not copied). */
export interface WorkerData {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: SharedArrayBuffer;
  readonly layout: ControlLayout;
  /** Export names in kernel-index order (e.g. "adam_f32"). */
  readonly exports: readonly string[];
  /** This worker's id: 0, 1, ... */
  readonly id: number;
  /** How long to poll the job counter before going to sleep, ms. */
  readonly spinMs: number;
}

type KernelFn = (...args: number[]) => unknown;

/**
 * Claims chunks of the published job until none is left, runs each through its kernel and
 * counts it done. Thread `home` (0: the main thread, k: worker k - 1) owns range `home` of the
 * chunks and claims them front to back, so the same thread touches the same memory from one
 * step to the next (its cache stays warm); then it takes chunks from the back of the other
 * ranges (a late or preempted thread's share is done by the others). A claim is one
 * compare-and-swap on the range word; the job's descriptor is read only after it succeeds,
 * and the publisher rewrites the descriptor only once every chunk is done, so a claim always
 * runs with its own job's descriptor, even in a thread that woke up late. Returns the number
 * of chunks this thread ran.
 */
export function runChunks(
  control: Int32Array,
  job: Float64Array,
  L: ControlLayout,
  home: number,
  kernels: readonly KernelFn[],
  args: number[],
): number {
  let ran = 0;
  const ranges = Atomics.load(control, L.ranges);
  for (let k = 0; k < ranges; k++) {
    const slot = L.range0 + ((home + k) % ranges);
    for (;;) {
      const word = Atomics.load(control, slot);
      const front = word & 0xffff;
      const back = word >>> 16;
      if (front >= back) break;
      if (Atomics.compareExchange(control, slot, word, k === 0 ? word + 1 : word - 0x10000) !== word) continue;
      const pointers = control[L.pointers]!;
      const total = pointers + 1 + control[L.rest]!;
      const chunk = job[L.chunkElements]!;
      const start = (k === 0 ? front : back - 1) * chunk;
      const skip = start * control[L.elementBytes]!;
      args.length = total;
      for (let i = 0; i < pointers; i++) args[i] = job[L.args + i]! + skip;
      args[pointers] = Math.min(chunk, job[L.n]! - start);
      for (let i = pointers + 1; i < total; i++) args[i] = job[L.args + i - 1]!;
      try {
        kernels[control[L.kernel]!]!(...args);
      } catch {
        Atomics.store(control, L.error, 1);
      }
      Atomics.add(control, L.done, 1);
      ran++;
    }
  }
  return ran;
}

/**
 * A worker's life: instantiate the module over the shared memory, then forever wait for a job
 * (poll for `spinMs`, then sleep on the job counter) and claim its chunks. Never returns; the
 * worker is unref'd, so it never keeps the process alive.
 */
export function workerMain(workerData: WorkerData, run: typeof runChunks): void {
  const { module, memory, control, layout: L, exports, id, spinMs } = workerData;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const table = instance.exports as Record<string, KernelFn>;
  const kernels = exports.map((name) => table[name]!);
  const ctl = new Int32Array(control);
  const job = new Float64Array(control);
  const args: number[] = [];
  let seen = Atomics.load(ctl, L.gen);
  Atomics.add(ctl, L.started, 1);
  for (;;) {
    let polls = 0;
    let until = performance.now() + spinMs;
    while (Atomics.load(ctl, L.gen) === seen) {
      // the clock is read every 128 polls (~1 µs)
      if ((++polls & 127) !== 0 || performance.now() < until) continue;
      Atomics.add(ctl, L.sleepers, 1);
      Atomics.wait(ctl, L.gen, seen);
      Atomics.sub(ctl, L.sleepers, 1);
      until = performance.now() + spinMs;
    }
    seen = Atomics.load(ctl, L.gen);
    if (id + 1 < Atomics.load(ctl, L.ranges)) Atomics.add(ctl, L.workerChunks, run(ctl, job, L, id + 1, kernels, args));
  }
}

/**
 * The script a worker runs (`new Worker(SOURCE, { eval: true, workerData })`). It is a script
 * or a module depending on the flags the worker inherits (`--input-type=module`), so it uses
 * neither `require` nor `import`: `process.getBuiltinModule` works in both.
 */
export const SOURCE = `"use strict";
const runChunks = ${runChunks.toString()};
(${workerMain.toString()})(process.getBuiltinModule("node:worker_threads").workerData, runChunks);
`;
