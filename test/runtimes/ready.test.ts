// ready(): where a runtime refuses to compile the wasm synchronously (a browser's main thread,
// for modules over its limit, e.g. Chromium's historical 4 KB), importing the package must still
// succeed, using it must throw a StateError naming ready(), and after `await ready()` it must
// compute what it computes anywhere else. Simulated in a child Node process whose
// `WebAssembly.Module` constructor refuses binaries over 4 KB, as such a main thread does.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ready } from "../../src/index.js";
import { wasmExports } from "../../src/unsafe.js";
import { adamFirstStepF32 } from "../helpers/adam-first-step.js";

const dist = new URL("../../dist/", import.meta.url);

/** Runs `body` (an async module body) in a child whose synchronous wasm compilation is refused; its JSON output. */
function refused(body: string, { compileFails = false } = {}): Record<string, unknown> {
  expect(existsSync(new URL("index.js", dist)), "dist/ is missing: run `npm run build` (npm test does)").toBe(true);
  // installed by --import before the script's static imports are evaluated
  const refuse = `
const Real = WebAssembly.Module;
globalThis.RealModule = Real;
WebAssembly.Module = new Proxy(Real, {
  construct(target, args) {
    if (args[0].byteLength > 4096) throw new RangeError("WebAssembly.Module(): Buffer size is larger than 4KB; use WebAssembly.compile");
    return Reflect.construct(target, args);
  },
});
${compileFails ? `WebAssembly.compile = () => Promise.reject(new WebAssembly.CompileError("simulated: out of code space"));` : ""}`;
  // the body's first statements run in the same job as the imports' evaluation: the compilation cannot have finished
  const script = `
import * as api from ${JSON.stringify(new URL("index.js", dist).href)};
import { wasmExports } from ${JSON.stringify(new URL("unsafe.js", dist).href)};
const attempt = (f) => { try { f(); return "no error"; } catch (e) { return (e instanceof api.StateError ? "" : "not a StateError ") + e.name + ": " + e.message; } };
const out = {};
${body}
console.log(JSON.stringify(out));`;
  return JSON.parse(
    execFileSync(
      process.execPath,
      ["--import", `data:text/javascript,${encodeURIComponent(refuse)}`, "--input-type=module", "-e", script],
      { encoding: "utf8" },
    ),
  ) as Record<string, unknown>;
}

describe("ready()", () => {
  it("resolves at once where the module compiled synchronously at import, and the exports are the instance's own", async () => {
    await expect(ready()).resolves.toBeUndefined();
    expect(Object.isFrozen(wasmExports)).toBe(true); // a WebAssembly instance's exports object; the stand-ins are not frozen
  });

  it("where synchronous compilation is refused: importing works, use before ready() throws StateError, after it Adam steps", () => {
    const out = refused(`
out.before = attempt(() => api.Param.from(new Float32Array([1, 2])));
out.kernelBefore = attempt(() => wasmExports.dot_f32(0, 0, 0));
out.moduleBefore = typeof api.wasmModule;
const standIns = Object.keys(wasmExports).sort();
await api.ready();
out.moduleAfter = api.wasmModule instanceof RealModule;
out.exportsMatch = JSON.stringify(standIns) === JSON.stringify(WebAssembly.Module.exports(api.wasmModule).filter((e) => e.kind === "function").map((e) => e.name).sort());
const p = api.Param.from(new Float32Array([1, -2, 3]));
p.grad.set([0.5, -0.25, 4]);
new api.Adam([p], { lr: 0.1 }).step();
out.step = Array.from(p.data);
out.shared = api.sharedMemory;`);
    expect(out.before).toMatch(/^StateError: .*still compiling.*call `await ready\(\)`/);
    expect(out.kernelBefore).toMatch(/^StateError: .*await ready\(\)/);
    expect(out.moduleBefore).toBe("undefined");
    expect(out.moduleAfter).toBe(true);
    expect(out.exportsMatch).toBe(true); // a stand-in for every function the module exports, and no other
    // Adam's first step from zero state: p - lr * sign(g) (within an ulp), in float32
    expect(out.step).toEqual(adamFirstStepF32([1, -2, 3], [0.5, -0.25, 4], 0.1));
    expect((out.step as number[]).map((x) => x.toFixed(6))).toEqual(["0.900000", "-1.900000", "2.900000"]);
    expect(out.shared).toBe(true);
  });

  it("when the asynchronous compilation fails too, ready() rejects with its error and use throws a StateError saying why", () => {
    const out = refused(
      `
out.ready = await api.ready().then(() => "resolved", (e) => e.name + ": " + e.message);
out.after = attempt(() => new api.Param(4));`,
      { compileFails: true },
    );
    expect(out.ready).toBe("CompileError: simulated: out of code space");
    expect(out.after).toBe(
      "StateError: wasm-optim: the WebAssembly module could not be compiled: CompileError: simulated: out of code space",
    );
  });
});
