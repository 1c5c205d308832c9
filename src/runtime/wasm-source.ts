// The kernels' binary as the default build ships it: embedded (base64) in the bundle, so that
// importing the package reads no file and awaits nothing; ./memory.ts compiles it. The edge build
// (rolldown.config.mjs) swaps this file for ./wasm-source.edge.ts, where the host compiles it.
import { WASM_BASE64 } from "./wasm-binary.js";

function decode(b64: string): Uint8Array {
  const B = (globalThis as { Buffer?: { from(s: string, e: string): Uint8Array } }).Buffer;
  if (B) return B.from(b64, "base64");
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The wasm binary, importing a shared memory: bytes to compile, or a module the host compiled. */
export const wasmSource: Uint8Array | WebAssembly.Module = decode(WASM_BASE64);
