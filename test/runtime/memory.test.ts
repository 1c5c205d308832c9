// The package embeds one wasm binary, importing a shared memory; unshareMemoryImport derives the
// build for an ordinary memory (a page without cross-origin isolation). Both must instantiate
// and compute the same bytes — in this process (both instances side by side) and in a Node
// started without SharedArrayBuffer, running the built package (dist/) end to end.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_PAGES, unshareMemoryImport } from "../../src/runtime/memory.js";
import { WASM_BASE64 } from "../../src/runtime/wasm-binary.js";
import type { WasmExports } from "../../src/runtime/kernels.generated.js";
import * as api from "../../src/index.js";

const shared = new Uint8Array(Buffer.from(WASM_BASE64, "base64"));
const unshared = unshareMemoryImport(shared);

/** Instantiates a binary over a new memory of two pages, shared or not. */
function instantiate(binary: Uint8Array, isShared: boolean): { exports: WasmExports; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: isShared });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(binary as BufferSource), { env: { memory } });
  return { exports: instance.exports as unknown as WasmExports, memory };
}

/** Three Adam steps (float32, amsgrad, weight decay) over 37 elements at 64 KiB; the params' bytes. */
function adamBytes({ exports, memory }: ReturnType<typeof instantiate>): number[] {
  const n = 37;
  const at = (k: number) => 65536 + k * 256;
  const f32 = new Float32Array(memory.buffer, 65536, 5 * 64);
  for (let i = 0; i < n; i++) {
    f32[i] = Math.sin(i + 1); // p
    f32[64 + i] = Math.cos(3 * i) * 0.1; // g
  }
  for (let t = 1; t <= 3; t++) {
    const bc1 = 1 - 0.9 ** t;
    exports.adam_f32(at(0), at(1), at(2), at(3), at(4), n, 1e-2 / bc1, 0.9, 0.999, Math.sqrt(1 - 0.999 ** t), 1e-8, 0.01, 0, 0, 1, 0, 1);
  }
  return Array.from(new Uint8Array(memory.buffer, 65536, 4 * n));
}

describe("one embedded binary, two memories", () => {
  it("the derived binary differs from the embedded one only in the memory import's shared flag", () => {
    expect(unshared.length).toBe(shared.length);
    const diffs = [...shared.keys()].filter((i) => shared[i] !== unshared[i]);
    expect(diffs).toHaveLength(1);
    expect([shared[diffs[0]!], unshared[diffs[0]!]]).toEqual([0x03, 0x01]); // limits: shared+max -> max
    expect(shared).toEqual(new Uint8Array(Buffer.from(WASM_BASE64, "base64"))); // the input is left alone
  });

  it("each binary links to its own kind of memory only", () => {
    expect(() => instantiate(shared, false)).toThrow(WebAssembly.LinkError);
    expect(() => instantiate(unshared, true)).toThrow(WebAssembly.LinkError);
  });

  it("both compute the same bytes", () => {
    const a = adamBytes(instantiate(shared, true));
    const b = adamBytes(instantiate(unshared, false));
    expect(a).toEqual(b);
    expect(a.some((x) => x !== 0)).toBe(true);
  });

  it("a binary with no shared memory import, or a truncated one, is refused", () => {
    expect(() => unshareMemoryImport(unshared)).toThrow(/imports no shared memory/);
    expect(() => unshareMemoryImport(shared.subarray(0, 40))).toThrow(/truncated/);
  });
});

interface Outcome {
  shared: boolean;
  bytes: string;
  q: number;
}

/**
 * What both runs do (its source text is the child's too): Adam over an odd length, then a
 * second param that grows the memory after the first one's views were made, 3 steps.
 */
function steps({ Adam, Param, sharedMemory }: Pick<typeof api, "Adam" | "Param" | "sharedMemory">): Outcome {
  const p = Param.from(Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i)));
  const q = new Param(3_000_000); // 24 MB of data + grad
  const opt = new Adam([p, q], { lr: 1e-2, weightDecay: 0.1 });
  for (let t = 0; t < 3; t++) {
    p.grad.set(p.data.map((x, i) => x * 0.5 + Math.cos(i + t)));
    q.grad.fill(1);
    opt.step();
  }
  const bytes = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength).toString("base64");
  return { shared: sharedMemory, bytes, q: q.data[2_999_999]! };
}

describe("in a Node without SharedArrayBuffer", () => {
  const dist = new URL("../../dist/index.js", import.meta.url);

  // compares this (shared) runtime with a child without SharedArrayBuffer: run in the shared project
  it.runIf(api.sharedMemory)("the built package falls back to an ordinary memory and steps to the same bytes", () => {
    expect(existsSync(dist), "dist/ is missing: run `npm run build` (npm test does)").toBe(true);
    const child = `import * as api from ${JSON.stringify(dist.href)};\nconst steps = ${steps.toString()};\nconsole.log(JSON.stringify(steps(api)));`;
    const out = execFileSync(process.execPath, ["--no-harmony-sharedarraybuffer", "--input-type=module", "-e", child], {
      encoding: "utf8",
    });
    const without = JSON.parse(out) as Outcome;
    const here = steps(api);
    expect(here.shared).toBe(true);
    expect(without.shared).toBe(false);
    expect(without.bytes).toEqual(here.bytes);
    expect(without.q).toBe(here.q);
  });
});
