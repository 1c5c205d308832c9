// The wasm module's exports against the kernel table (assembly/kernels.mjs): every exported
// function is in the table and every table entry is exported (k_f32 and k_f64), each with the
// arity the table declares, which is the arity of its generated TypeScript signature.
import { describe, expect, it } from "vitest";
import { wasmExports, wasmModule } from "../../src/runtime/memory.js";
import { kernelTable, plainExports } from "../../src/runtime/kernels.generated.js";

/** The declared arity of each export, from the table. */
const declared = new Map<string, number>([
  ...Object.entries(kernelTable).flatMap(([name, k]) => {
    const arity = k.pointers.length + 1 + k.scalars.length + Object.keys(k.flags).length;
    return [
      [`${name}_f32`, arity],
      [`${name}_f64`, arity],
    ] as [string, number][];
  }),
  ...Object.entries(plainExports),
]);

describe("wasm exports", () => {
  const exported = WebAssembly.Module.exports(wasmModule);
  const functions = exported.filter((e) => e.kind === "function").map((e) => e.name);

  it("are exactly the table's kernels (and the memory)", () => {
    expect([...functions].sort()).toEqual([...declared.keys()].sort());
    expect(exported.filter((e) => e.kind !== "function").map((e) => `${e.kind} ${e.name}`)).toEqual(["memory memory"]);
  });

  it("each take the number of arguments the table declares", () => {
    const exports = wasmExports as unknown as Record<string, (...args: number[]) => unknown>;
    for (const name of functions) expect(exports[name]!.length, name).toBe(declared.get(name));
  });
});
