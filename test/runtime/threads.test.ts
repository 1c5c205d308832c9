// src/runtime/threads.ts: every elementwise kernel split across threads equals one call on one
// thread byte for byte; workers never keep a script alive; without shared memory everything
// runs on the calling thread and stays correct; setNumThreads is validated.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidOptionError } from "../../src/errors.js";
import type { DType } from "../../src/param.js";
import { allocate, release } from "../../src/runtime/allocator.js";
import { kernelTable, type KernelName } from "../../src/runtime/kernels.generated.js";
import { kernelsByDType } from "../../src/runtime/kernels.js";
import { memory } from "../../src/runtime/memory.js";
import {
  PARALLEL_THRESHOLD,
  chunkElements,
  CHUNKS_PER_THREAD,
  MIN_CHUNK,
  getNumThreads,
  parallelKernel,
  setFallback,
  setNumThreads,
  threadsAvailable,
  workerChunks,
  type ElementwiseKernelName,
} from "../../src/runtime/threads.js";
import { lcg } from "../helpers/random.js";

const elementwise = (Object.keys(kernelTable) as KernelName[]).filter((k): k is ElementwiseKernelName => kernelTable[k].returns === "void");
const BYTES: Record<DType, number> = { float32: 4, float64: 8 };
/** Buffers that hold squares in the optimizers (kept non-negative, as there). */
const SQUARES = new Set(["v", "vmax", "sum", "u"]);

/** Every combination of the kernel's flag values. */
function flagCombos(name: ElementwiseKernelName): number[][] {
  const flags = Object.values(kernelTable[name].flags as Record<string, readonly number[]>);
  return flags.reduce<number[][]>((combos, values) => combos.flatMap((c) => values.map((v) => [...c, v])), [[]]);
}

/** The kernel's buffers filled with the same numbers twice (a: one thread, b: threaded), and their bytes. */
function buffers(name: ElementwiseKernelName, dtype: DType, n: number, seed: number) {
  const rand = lcg(seed);
  const bytes = n * BYTES[dtype];
  const names: readonly string[] = kernelTable[name].pointers;
  const pairs = names.map((p) => {
    const a = allocate(bytes);
    const b = allocate(bytes);
    const view = dtype === "float32" ? new Float32Array(memory.buffer, a, n) : new Float64Array(memory.buffer, a, n);
    for (let i = 0; i < n; i++) view[i] = SQUARES.has(p) ? Math.abs(rand()) : rand();
    new Uint8Array(memory.buffer, b, bytes).set(new Uint8Array(memory.buffer, a, bytes));
    return { a, b };
  });
  return {
    a: pairs.map((q) => q.a),
    b: pairs.map((q) => q.b),
    /** The two copies' bytes, buffer by buffer. */
    compare: () => pairs.map((q) => [new Uint8Array(memory.buffer, q.a, bytes), new Uint8Array(memory.buffer, q.b, bytes)] as const),
    release: () => {
      for (const q of pairs) {
        release(q.a);
        release(q.b);
      }
    },
  };
}

/** Scalars in (0.05, 0.95): valid for every kernel (betas, rates, bias corrections, eps). */
const scalarsFor = (name: ElementwiseKernelName, seed: number) => {
  const rand = lcg(seed);
  return kernelTable[name].scalars.map(() => 0.5 + 0.45 * rand());
};

/** One kernel call on one thread vs split across `threads`: every buffer byte for byte. */
function expectSameBytes(name: ElementwiseKernelName, dtype: DType, n: number, flags: number[], threads: number, seed: number): void {
  const bufs = buffers(name, dtype, n, seed);
  const scalars = scalarsFor(name, seed + 1);
  try {
    const direct: (...args: number[]) => unknown = kernelsByDType(name)[dtype];
    direct(...bufs.a, n, ...scalars, ...flags);
    setNumThreads(threads);
    parallelKernel(name, dtype, bufs.b, n, scalars, flags);
    for (const [[a, b], p] of bufs.compare().map((pair, i) => [pair, kernelTable[name].pointers[i]!] as const)) {
      const label = `${name}(${dtype}, n=${n}, flags=[${flags.join(",")}], threads=${threads}) buffer ${p}`;
      expect(Buffer.compare(a, b), label).toBe(0);
    }
  } finally {
    bufs.release();
  }
}

describe("parallelKernel", () => {
  let before = 1;
  beforeAll(() => {
    before = getNumThreads();
    expect(threadsAvailable()).toBe(true);
    // every call at or above the threshold split, whatever it costs on a busy machine
    setFallback(false);
    // the workers start on the first parallel call and join within a few ms: call until one has run a chunk
    setNumThreads(2);
    const deadline = Date.now() + 20_000;
    while (workerChunks() === 0) {
      expectSameBytes("axpy", "float32", 4 * PARALLEL_THRESHOLD, [], 2, 1);
      if (Date.now() > deadline) throw new Error("no worker ran a chunk within 20 s");
    }
  }, 30_000);
  afterAll(() => {
    setNumThreads(before);
    setFallback(true);
  });

  it(`splits at multiples of 64 bytes into the same number of chunks a thread (at most ${CHUNKS_PER_THREAD}), none below ${MIN_CHUNK} elements, one a thread for a small call`, () => {
    for (const dtype of ["float32", "float64"] as DType[]) {
      for (const [n, threads] of [
        [1e5 + 7, 2],
        [1e7 + 1, 2],
        [3e5, 3],
        [12345, 4],
        [PARALLEL_THRESHOLD, 2],
        [1e4 + 3, 2],
        [4e4, 2],
        [1e6, 2],
      ] as const) {
        const chunk = chunkElements(n, threads, dtype);
        expect((chunk * BYTES[dtype]) % 64).toBe(0);
        expect(chunk).toBeGreaterThanOrEqual(Math.min(MIN_CHUNK, Math.ceil(n / threads)));
        expect(Math.ceil(n / chunk)).toBeLessThanOrEqual(n < MIN_CHUNK * threads ? threads : CHUNKS_PER_THREAD * threads);
        // every thread gets as many chunks (no last chunk left to one thread), and the last chunk is nearly whole
        expect(Math.ceil(n / chunk) % threads).toBe(0);
        expect(n - (Math.ceil(n / chunk) - 1) * chunk).toBeGreaterThan(chunk - 64 * Math.ceil(n / chunk));
      }
    }
  });

  // lengths: 0, 1, 3 (one thread: below the threshold), the threshold itself, odd ones above it
  const rand = lcg(20261201);
  const lengths = [
    0,
    1,
    3,
    PARALLEL_THRESHOLD,
    PARALLEL_THRESHOLD + 1,
    1e5 + 7,
    ...[0, 1].map(() => 2 * Math.floor(40_000 + 60_000 * Math.abs(rand())) + 1),
  ];
  for (const name of elementwise) {
    for (const dtype of ["float32", "float64"] as DType[]) {
      it(`${name} (${dtype}) on 2 and 3 threads equals one call byte for byte, every flag combination, n = ${lengths.join(", ")}`, () => {
        // the comparison is worth something only if workers took part: on a busy machine a
        // worker may not get a core during a round, so rounds repeat until one has (20 s guard)
        const ranBefore = workerChunks();
        const deadline = Date.now() + 20_000;
        let seed = 1;
        do {
          for (const flags of flagCombos(name)) {
            for (const n of lengths) expectSameBytes(name, dtype, n, flags, 2, seed++);
            expectSameBytes(name, dtype, 1e5 + 7, flags, 3, seed++);
          }
        } while (workerChunks() === ranBefore && Date.now() < deadline);
        expect(workerChunks()).toBeGreaterThan(ranBefore);
      });
    }
  }

  it("with the fall-back to one thread on (the default), every call gives the same bytes, split or not", () => {
    setFallback(true);
    try {
      for (let i = 0; i < 20; i++) expectSameBytes("adam", "float32", 1e5 + 7, [0], 2, 200 + i);
    } finally {
      setFallback(false);
    }
  });

  it("stays correct over memory that grew after the workers started", () => {
    const n = 1e5 + 7;
    const big = allocate(memory.buffer.byteLength); // forces memory.grow
    try {
      expectSameBytes("adam", "float32", n, [1], 2, 99);
      expectSameBytes("sgd", "float64", n, [2], 2, 100);
    } finally {
      release(big);
    }
  });
});

describe("setNumThreads / getNumThreads", () => {
  it("rejects anything but an integer from 1 to 256 with InvalidOptionError naming numThreads and the value, changing nothing", () => {
    const before = getNumThreads();
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, 257, "2", null, undefined, 2n]) {
      let error: unknown;
      try {
        setNumThreads(bad as number);
      } catch (e) {
        error = e;
      }
      expect(error, String(bad)).toBeInstanceOf(InvalidOptionError);
      expect((error as InvalidOptionError).option).toBe("numThreads");
      expect((error as Error).message).toContain(typeof bad === "string" ? `"${bad}"` : String(bad));
      expect(getNumThreads()).toBe(before);
    }
  });

  it("returns what was set (1 and 256 included)", () => {
    const before = getNumThreads();
    try {
      for (const n of [1, 3, 256, 2]) {
        setNumThreads(n);
        expect(getNumThreads()).toBe(n);
      }
    } finally {
      setNumThreads(before);
    }
  });

  it("defaults to the available parallelism, at most 4", async () => {
    const { availableParallelism } = await import("node:os");
    const r = runChild([], `const w = await import(${JSON.stringify(distUrl())}); console.log(w.getNumThreads());`);
    expect(r.stdout.trim()).toBe(String(Math.min(availableParallelism(), 4)));
  });
});

// ---- child processes: the built module (dist/), as a user's script loads it
function distUrl(): string {
  const file = "dist/index.js";
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return pathToFileURL(file).href;
}

function runChild(nodeFlags: readonly string[], code: string) {
  const r = spawnSync(process.execPath, [...nodeFlags, "--input-type=module", "-e", code], { encoding: "utf8", timeout: 30_000 });
  expect(r.error, "the child did not exit within 30 s").toBeUndefined();
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r;
}

/** A script that runs Adam (float32, 1e5 + 7 elements) through parallelKernel and prints what it saw. */
/**
 * A user's script on the built package (dist/index.js): Adam over a param of 1e5 + 7 elements
 * with 2 threads set, beside the same run on 1 thread; prints what it saw.
 */
const ADAM_SCRIPT = (steps: number) => `
  const w = await import(${JSON.stringify(distUrl())});
  const n = 1e5 + 7;
  const make = () => { const p = w.Param.from(Float32Array.from({ length: n }, (_, i) => Math.sin(i))); return { p, opt: new w.Adam([p], { amsgrad: true, weightDecay: 0.01 }) }; };
  const one = make(), two = make();
  for (let s = 0; s < ${steps}; s++) {
    // each gradient written right before its step (without shared memory a view read before
    // the other optimizer's first step grew the memory would be refused)
    w.setNumThreads(1); one.p.grad.set(one.p.data.map((x, i) => Math.cos(x + i + s))); one.opt.step();
    w.setNumThreads(2); two.p.grad.set(two.p.data.map((x, i) => Math.cos(x + i + s))); two.opt.step();
  }
  const same = Buffer.compare(Buffer.from(one.p.data.buffer, one.p.data.byteOffset, 4 * n), Buffer.from(two.p.data.buffer, two.p.data.byteOffset, 4 * n)) === 0;
  console.log(JSON.stringify({ sab: typeof SharedArrayBuffer, threads: w.getNumThreads(), same, steps: ${steps} }));
`;

describe("in a child process", () => {
  it("a script that steps with threads exits by itself once its work is done", () => {
    // 20 steps: the first parallel call measures one thread, the next ones start the worker
    const r = runChild([], ADAM_SCRIPT(20));
    const out = JSON.parse(r.stdout) as { same: boolean; threads: number };
    expect(out.threads).toBe(2);
    expect(out.same).toBe(true);
  });

  it("under --no-harmony-sharedarraybuffer threads are off (getNumThreads() is 1) and the results are the same", () => {
    const r = runChild(["--no-harmony-sharedarraybuffer"], ADAM_SCRIPT(3));
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toEqual({ sab: "undefined", threads: 1, same: true, steps: 3 });
  });
});
