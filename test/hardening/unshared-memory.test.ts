// Without shared memory (a browser page without cross-origin isolation; here Node with
// --no-harmony-sharedarraybuffer) growing the memory detaches every view made before. No
// silent loss (issue "Trust under hostile input", item 7): a gradient view read before a growth
// makes step() throw instead of stepping with the old gradient, and minimize() gives its
// objective arrays that stay valid when the objective allocates.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { getNumThreads, Param, setNumThreads, SGD, sharedMemory, StateError } from "../../src/index.js";

function run(code: string): string {
  if (!existsSync("dist/index.js")) throw new Error("dist/index.js is missing: run `npm run build` first");
  const r = spawnSync(process.execPath, ["--no-harmony-sharedarraybuffer", "--input-type=module", "-e", code], {
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout.trim();
}
const entry = JSON.stringify(pathToFileURL("dist/index.js").href);

describe("under --no-harmony-sharedarraybuffer", () => {
  it("a gradient view hoisted out of the loop, then memory grows: step() throws StateError, nothing stepped; re-reading p.grad works", () => {
    const out = run(`
      const w = await import(${entry});
      const p = w.Param.from(new Float32Array(10).fill(1));
      const opt = new w.SGD([p], { lr: 0.1 });
      const g = p.grad;                      // hoisted, as the README's loop must not do here
      g.fill(1);
      const grow = new w.Param(1 << 20);     // memory grows: g is detached
      let error = "";
      try { opt.step(); } catch (e) { error = e.name; }
      const untouched = p.data[0];
      p.grad.fill(1);                        // read again: a live view
      opt.step();
      console.log(JSON.stringify({ shared: w.sharedMemory, error, untouched, after: p.data[0] }));
    `);
    expect(JSON.parse(out)).toEqual({ shared: false, error: "StateError", untouched: 1, after: Math.fround(0.9) });
  });

  it("minimize with an objective that allocates a Param converges (the README loop of issue 7: not 'converged' at x0)", () => {
    const out = run(`
      const w = await import(${entry});
      const r = w.minimize((x, g) => { new w.Param(300000).dispose(); g[0] = 2 * (x[0] - 3); g[1] = 2 * (x[1] + 1); return (x[0] - 3) ** 2 + (x[1] + 1) ** 2; }, new Float64Array([0, 0]));
      console.log(JSON.stringify({ reason: r.reason, x: Array.from(r.x) }));
    `);
    const r = JSON.parse(out) as { reason: string; x: number[] };
    expect(r.reason).toBe("gradTol");
    expect(r.x[0]).toBeCloseTo(3, 6);
    expect(r.x[1]).toBeCloseTo(-1, 6);
  });
});

// vitest.config.ts runs the whole suite twice: here, which project this is and that its runtime is the one it claims
describe(`this process (project ${process.env.WASM_OPTIM_PROJECT})`, () => {
  const unshared = process.env.WASM_OPTIM_PROJECT === "unshared";

  it("has SharedArrayBuffer exactly when the project is 'shared', and the library reports it", () => {
    expect(["shared", "unshared"]).toContain(process.env.WASM_OPTIM_PROJECT);
    expect(typeof SharedArrayBuffer === "undefined").toBe(unshared);
    expect(sharedMemory).toBe(!unshared);
  });

  it.runIf(unshared)("without shared memory kernels run on one thread whatever setNumThreads is given", () => {
    setNumThreads(4);
    expect(getNumThreads()).toBe(1);
  });

  it.runIf(unshared)("a hoisted gradient view detached by growth: step() refuses; a frozen param's old view does not matter", () => {
    const p = Param.from(new Float32Array(4).fill(1));
    const frozen = Param.from([1, 2], { requiresGrad: false });
    frozen.grad.fill(1);
    const opt = new SGD([p, frozen], { lr: 0.5 });
    const g = p.grad;
    g.fill(1);
    const grow = new Param(1 << 21); // 16 MB: memory grows, g and frozen's view are detached
    expect(g.length).toBe(0); // writes through it would be lost ...
    expect(() => opt.step()).toThrow(StateError); // ... so the step refuses
    expect([...p.data]).toEqual([1, 1, 1, 1]);
    p.grad.fill(1); // read again: steps, the frozen param's stale view notwithstanding
    opt.step();
    expect([...p.data]).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect([...frozen.data]).toEqual([1, 2]);
    for (const x of [p, frozen, grow]) x.dispose();
  });
});
