// One WebAssembly instance over one memory. In Node the memory is shared: growing it never
// detaches a typed-array view made earlier, and it can be handed to worker threads. Where
// shared memory is unavailable (a page without cross-origin isolation) the same kernels are
// instantiated over an ordinary memory, and Param re-creates its views after growth. The package
// embeds one binary (importing a shared memory); the unshared variant is derived from it here.
//
// The module is compiled and instantiated synchronously at import (Node, Deno, Bun, workers; in
// the edge build the host has compiled it already). Where synchronous compilation is refused (a
// browser's main thread limits it to small modules), importing still succeeds: the module is
// compiled asynchronously, `ready()` resolves when it is instantiated, and until then each
// export is a stand-in that throws a StateError saying to `await ready()`.
import { wasmSource } from "./wasm-source.js";
import { OutOfMemoryError, StateError } from "../errors.js";
import { kernelTable, plainExports, type WasmExports } from "./kernels.generated.js";

export const PAGE_BYTES = 65536;
/** wasm32: 65536 pages of 64 KiB = 4 GiB. */
export const MAX_PAGES = 65536;
export const MAX_BYTES = PAGE_BYTES * MAX_PAGES;

/** The limits flag bit that marks a memory as shared (WebAssembly threads proposal, `limits`). */
const SHARED_LIMITS = 0x02;

/**
 * A copy of a wasm binary whose imported memory is an ordinary (unshared) one: the import
 * section is parsed (section ids, LEB128 sizes and counts, names, import kinds) and the shared
 * bit of the memory import's limits flag is cleared. The flag is one byte and no size changes,
 * so the rest of the binary is untouched; asc's build for an unshared memory differs from its
 * shared build in exactly this byte.
 *
 * @param wasm - a binary that imports one shared memory
 * @returns a new binary, `wasm` itself unchanged
 * @throws Error when the binary is malformed or imports no shared memory
 */
export function unshareMemoryImport(wasm: Uint8Array): Uint8Array {
  const out = wasm.slice();
  let at = 8; // "\0asm" and the version
  const byte = (): number => {
    if (at >= out.length) throw new Error("wasm-optim: truncated wasm binary");
    return out[at++]!;
  };
  const u32 = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = byte();
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
  };
  const skipName = (): void => {
    const length = u32(); // read before `at` moves past the name
    at += length;
  };
  while (at < out.length) {
    const id = byte();
    const end = u32() + at;
    if (end > out.length) throw new Error("wasm-optim: truncated wasm binary");
    if (id !== 2) {
      at = end; // not the import section
      continue;
    }
    for (let count = u32(); count > 0; count--) {
      skipName(); // module
      skipName(); // field
      const kind = byte();
      if (kind === 0 || kind === 4) {
        if (kind === 4) byte(); // a tag's attribute
        u32(); // function or tag: a type index
      } else if (kind === 3) {
        byte(); // global: value type
        byte(); // and mutability
      } else if (kind === 1 || kind === 2) {
        if (kind === 1) byte(); // table: element type
        const flagAt = at;
        const flag = byte();
        u32(); // minimum
        if (flag & 0x01) u32(); // maximum
        if (kind === 2 && flag & SHARED_LIMITS) {
          out[flagAt] = flag & ~SHARED_LIMITS;
          return out;
        }
      } else {
        throw new Error(`wasm-optim: unknown import kind ${kind} in the wasm binary`);
      }
    }
    break;
  }
  throw new Error("wasm-optim: the wasm binary imports no shared memory");
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
/**
 * The compiled module; with the shared memory it can start a second instance in a worker. Where
 * synchronous compilation was refused, it is set when {@link ready} resolves.
 */
export let wasmModule: WebAssembly.Module;
/**
 * The module's exports, each with the signature declared in assembly/kernels.mjs. Until
 * {@link ready} resolves where synchronous compilation was refused: stand-ins that call the real
 * export once there is one, and until then throw a StateError.
 */
export let wasmExports: WasmExports;

/** The instance's exports by name, once there is an instance (the stand-ins call these). */
let instanceExports: Readonly<Record<string, ((...args: number[]) => unknown) | undefined>> | null = null;

function instantiate(module: WebAssembly.Module): void {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  wasmModule = module;
  wasmExports = exports as unknown as WasmExports;
  instanceExports = exports as unknown as typeof instanceExports;
}

function binary(bytes: Uint8Array): BufferSource {
  return (sharedMemory ? bytes : unshareMemoryImport(bytes)) as BufferSource;
}

/** Settles when the asynchronous compilation has (never rejects); null where it was synchronous. */
let compiling: Promise<void> | null = null;
/** Why the asynchronous compilation or instantiation failed, once it has. */
let failure: { error: unknown } | null = null;

/** Stand-ins for the exports while the module compiles: each calls the real export once there is one. */
function pendingExports(): WasmExports {
  const names = [...Object.keys(kernelTable).flatMap((k) => [`${k}_f32`, `${k}_f64`]), ...Object.keys(plainExports)];
  const forward = (name: string) =>
    function (...args: number[]): unknown {
      const real = instanceExports?.[name];
      if (real) return real(...args);
      throw new StateError(
        failure !== null
          ? `wasm-optim: the WebAssembly module could not be compiled: ${String(failure.error)}`
          : instanceExports !== null
            ? `wasm-optim: the WebAssembly module has no export named ${name} (build out of date?)`
            : `wasm-optim: the WebAssembly module is still compiling (this runtime refused to compile it synchronously): ` +
              `call \`await ready()\` before making params or optimizers (${name} was called)`,
      );
    };
  return Object.fromEntries(names.map((name) => [name, forward(name)])) as unknown as WasmExports;
}

if (wasmSource instanceof WebAssembly.Module) instantiate(wasmSource);
else {
  const bytes = binary(wasmSource);
  let module: WebAssembly.Module | null = null;
  try {
    module = new WebAssembly.Module(bytes);
  } catch {
    // refused on this thread (a browser's main thread, for a module this size): compiled asynchronously
  }
  if (module) instantiate(module);
  else {
    wasmExports = pendingExports();
    compiling = WebAssembly.compile(bytes)
      .then(instantiate)
      .catch((error: unknown) => {
        failure = { error };
      });
  }
}

/**
 * Resolves when the WebAssembly module is compiled and instantiated. Importing the package
 * compiles it synchronously wherever the runtime allows it (Node, Deno, Bun, web workers; the
 * edge build's host compiles it before the import), and then this resolves at once. A browser's
 * main thread may refuse to compile a module of this size (~94 KB) synchronously: then it is
 * compiled in the background, and making a Param or an optimizer (anything that calls into the
 * module) throws a StateError until this has resolved.
 *
 * @returns a promise that resolves once the module's exports can be called
 * @throws (rejects with) the compilation's or instantiation's error, when the module cannot be made
 *
 * @example
 * ```ts
 * import { ready, Param } from "wasm-optim";
 * await ready(); // in Node: resolved already
 * console.log(Param.from(new Float32Array([1, 2, 3])).size); // → 3
 * ```
 */
export async function ready(): Promise<void> {
  await compiling;
  if (failure !== null) throw failure.error;
}

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
