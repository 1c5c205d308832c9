// The aligned allocator: the TypeScript side owns the layout of wasm memory. Blocks are
// multiples of 64 bytes (a cache line, four v128s) and start at 64-byte boundaries; freed
// blocks are kept in an address-ordered list, merged with their neighbours and reused
// first-fit; the top of the heap only moves when no free block fits.
import { ensureBytes, memory, wasmExports } from "./memory.js";
import { WasmOptimError } from "../errors.js";

export const ALIGN = 64;

interface Block {
  start: number;
  size: number;
}

const free: Block[] = []; // sorted by start, never adjacent (merged on release)
const live = new Map<number, number>(); // start -> size
function roundUp(n: number): number {
  return Math.max(ALIGN, Math.ceil(n / ALIGN) * ALIGN);
}

// below the heap base: the module's static data (Math tables); byte 0..63 reserved in any
// case, so that no block starts at address 0. Asked for by the first allocation, not at import
// (where the module may still be compiling: ready() in ./memory.ts); -1 until then.
let top = -1;
let highWater = -1; // memory at and above this address has never been handed out (still zero)
function heapTop(): number {
  if (top < 0) top = highWater = roundUp(wasmExports.heapBase());
  return top;
}

/** A zero-filled block of at least `bytes` bytes, 64-byte aligned. Returns its address. */
export function allocate(bytes: number): number {
  const size = roundUp(bytes);
  for (let i = 0; i < free.length; i++) {
    const b = free[i]!;
    if (b.size < size) continue;
    const start = b.start;
    if (b.size === size) free.splice(i, 1);
    else {
      b.start += size;
      b.size -= size;
    }
    new Uint8Array(memory.buffer, start, size).fill(0);
    live.set(start, size);
    return start;
  }
  ensureBytes(heapTop() + size); // throws OutOfMemoryError past 4 GiB; fresh pages are zero
  const start = top;
  top += size;
  if (start < highWater) new Uint8Array(memory.buffer, start, Math.min(top, highWater) - start).fill(0);
  highWater = Math.max(highWater, top);
  live.set(start, size);
  return start;
}

/** Returns a block to the allocator. */
export function release(start: number): void {
  const size = live.get(start);
  if (size === undefined) throw new WasmOptimError(`wasm-optim: release of an unknown block at ${start}`);
  live.delete(start);
  let i = 0;
  while (i < free.length && free[i]!.start < start) i++;
  const prev = free[i - 1];
  const next = free[i];
  if (prev && prev.start + prev.size === start) {
    prev.size += size;
    if (next && prev.start + prev.size === next.start) {
      prev.size += next.size;
      free.splice(i, 1);
    }
  } else if (next && start + size === next.start) {
    next.start = start;
    next.size += size;
  } else {
    free.splice(i, 0, { start, size });
  }
  // a free block at the top gives its bytes back to the bump pointer
  const last = free[free.length - 1];
  if (last && last.start + last.size === top) {
    top = last.start;
    free.pop();
  }
}

/**
 * One allocation shared by several views (the params of a `Param.many`, the state buffers of
 * a run of them): each view retains it, and the memory goes back to the allocator when the
 * last view releases it.
 */
export class SharedBlock {
  /** Byte address of the block (64-byte aligned). */
  readonly ptr: number;
  #holders = 0;
  /** @throws OutOfMemoryError when wasm memory cannot hold `bytes` more bytes. */
  constructor(bytes: number) {
    this.ptr = allocate(bytes);
  }
  retain(): void {
    this.#holders++;
  }
  /** Drops one holder; the last one frees the block. */
  release(): void {
    if (--this.#holders === 0) release(this.ptr);
  }
}

/**
 * The allocator's bookkeeping of wasm memory (for tests, leak checks and diagnostics). Every
 * Param and state buffer is one block; dispose() returns it.
 * @example
 * ```ts
 * import { Param, heapStats } from "wasm-optim";
 * const before = heapStats().liveBytes;
 * const p = new Param(1000); // data + grad: 2 blocks of 4000 bytes, each rounded up to 64-byte alignment
 * console.log(heapStats().liveBytes - before); // → 8064
 * p.dispose();
 * console.log(heapStats().liveBytes - before); // → 0
 * ```
 */
export function heapStats(): {
  /** Bytes in live blocks (allocated, not yet freed). */
  liveBytes: number;
  /** The number of live blocks. */
  liveBlocks: number;
  /** The number of free blocks below the top (fragmentation). */
  freeBlocks: number;
  /** The heap top: the byte address above which nothing is allocated. */
  top: number;
} {
  let liveBytes = 0;
  for (const s of live.values()) liveBytes += s;
  return { liveBytes, liveBlocks: live.size, freeBlocks: free.length, top: heapTop() };
}
