// One WebAssembly instance over one memory. In Node the memory is shared: growing it never
// detaches a typed-array view made earlier, and it can be handed to worker threads. Where
// shared memory is unavailable (a page without cross-origin isolation) the unshared build
// of the same kernels is used, and Param re-creates its views after growth.
import { SHARED_WASM, UNSHARED_WASM } from "./wasm-binary.js";
import { OutOfMemoryError } from "../errors.js";
import type { WasmExports } from "./kernels.generated.js";

export const PAGE_BYTES = 65536;
/** wasm32: 65536 pages of 64 KiB = 4 GiB. */
export const MAX_PAGES = 65536;
export const MAX_BYTES = PAGE_BYTES * MAX_PAGES;

function decode(b64: string): Uint8Array {
  const B = (globalThis as { Buffer?: { from(s: string, e: string): Uint8Array } }).Buffer;
  if (B) return B.from(b64, "base64");
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function createMemory(): { memory: WebAssembly.Memory; shared: boolean } {
  if (typeof SharedArrayBuffer === "function") {
    try {
      return { memory: new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true }), shared: true };
    } catch {
      // fall through: shared memory is not available here
    }
  }
  return { memory: new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES }), shared: false };
}

const created = createMemory();
/**
 * The one `WebAssembly.Memory` every Param, state buffer and kernel shares: shared (a
 * SharedArrayBuffer, views never detach) where the runtime allows it, else a plain memory that
 * grows up to 4 GiB (65536 pages of 64 KiB) and re-makes views after growth.
 */
export const memory = created.memory;
/** true when views never detach (shared memory). */
export const sharedMemory = created.shared;
/** The compiled module; with the shared memory it can start a second instance in a worker. */
export const wasmModule = new WebAssembly.Module(decode(sharedMemory ? SHARED_WASM : UNSHARED_WASM) as BufferSource);
const instance = new WebAssembly.Instance(wasmModule, { env: { memory } });

/** The module's exports, each with the signature declared in assembly/kernels.mjs. */
export const wasmExports = instance.exports as unknown as WasmExports;

/** Grows the memory so that `bytes` bytes are addressable. */
export function ensureBytes(bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  if (bytes > MAX_BYTES) {
    throw new OutOfMemoryError(
      `wasm-optim: ${bytes} bytes of parameters and state do not fit in the 4 GiB wasm32 address space ` +
        `(${have} bytes in use or reserved); use fewer or smaller parameters, or float32`,
    );
  }
  const pages = Math.ceil((bytes - have) / PAGE_BYTES);
  // grow in at least 1/8 steps of what we have, to amortise (bounded by the maximum)
  const want = Math.min(MAX_PAGES - have / PAGE_BYTES, Math.max(pages, Math.ceil(have / PAGE_BYTES / 8)));
  try {
    memory.grow(want);
  } catch {
    try {
      memory.grow(pages);
    } catch (e) {
      throw new OutOfMemoryError(`wasm-optim: could not grow wasm memory to ${bytes} bytes: ${(e as Error).message}`);
    }
  }
}
