// The package in other JavaScript runtimes, as their users get it (docs/runtimes.md): the same
// scenario (./scenario.mjs: Adam steps on known numbers and a checkpoint round trip) run by
// Deno, Bun and workerd (Cloudflare Workers' runtime) must give exactly the numbers Node gives.
// The runtimes are npm packages with their binaries (deno, bun, workerd) in their own locked
// package, test/runtimes/package.json (`npm ci --prefix test/runtimes`, which .ci/run does); a
// test is skipped only when its binary is not installed there.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));
const smoke = join(here, "smoke.mjs");
const binary = (name: string) => join(here, "node_modules", ".bin", name);
// in CI (.ci/run installs them) a missing runtime fails its tests instead of skipping them
const installed = (name: string) => existsSync(binary(name)) || process.env.CI === "true";

interface Outcome {
  sharedMemory: boolean;
  first: number[];
  second: number[];
  checkpointBytes: number;
  continued: number[];
  restored: number[];
}

/** Runs a command in the repository root; the JSON line it printed last, parsed. */
function printed(command: string, args: string[], env: Record<string, string> = {}): unknown {
  const out = execFileSync(command, args, {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  const line = out
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .pop();
  if (line === undefined) throw new Error(`${command} ${args.join(" ")} printed no result:\n${out}`);
  return JSON.parse(line);
}

/** The file the package's exports map gives under `condition` (Node's resolution, as bundlers do it). */
function resolveWith(condition: string): string {
  const url = execFileSync(
    process.execPath,
    [`--conditions=${condition}`, "--input-type=module", "-e", `console.log(import.meta.resolve("wasm-optim"))`],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  return fileURLToPath(url.trim());
}

interface Threaded {
  hash: number;
  workerChunks: number;
}

let node: Outcome;
let nodeThreaded: Threaded;
beforeAll(() => {
  expect(existsSync(join(root, "dist", "index.js")), "dist/ is missing: run `npm run build` (npm test does)").toBe(true);
  node = printed(process.execPath, [smoke]) as Outcome;
  nodeThreaded = printed(process.execPath, [smoke, "--threads"]) as Threaded;
});

/** Worker threads took part, and the params' bytes are Node's. */
function expectNodeThreads(got: Threaded): void {
  expect(got.workerChunks).toBeGreaterThan(0);
  expect(got.hash).toBe(nodeThreaded.hash);
}

/** The same numbers as Node's, bit for bit (JSON keeps every float64 digit), over the memory `shared` says. */
function expectNodeNumbers(got: Outcome, shared: boolean): void {
  expect(got.sharedMemory).toBe(shared);
  expect({ ...got, sharedMemory: node.sharedMemory }).toEqual(node);
}

describe("Node (the reference)", () => {
  it("Adam's first step is the closed form, and the restored optimizer continues exactly as the saved one", () => {
    // from zero state: p - lr * sign(g + wd * p), up to eps, in float32
    expect(node.first).toEqual([0.9, -1.9, 2.9, 0.6].map(Math.fround));
    expect(node.second).not.toEqual(node.first);
    expect(node.restored).toEqual(node.continued);
    expect(node.checkpointBytes).toBeGreaterThan(0);
    expect(node.sharedMemory).toBe(true);
    expect(nodeThreaded.workerChunks).toBeGreaterThan(0);
  });
});

describe("Deno", () => {
  const deno = ["run", "--no-lock", "--no-prompt", smoke];
  const env = { DENO_NO_UPDATE_CHECK: "1" };
  it.skipIf(!installed("deno"))("imports the package by name (node_modules) and computes Node's numbers over shared memory", () => {
    expectNodeNumbers(printed(binary("deno"), deno, env) as Outcome, true);
  });
  // V8's switch for a page without cross-origin isolation: no SharedArrayBuffer constructor
  // (Deno's V8 has no --no-harmony-sharedarraybuffer any more)
  it.skipIf(!installed("deno"))("without SharedArrayBuffer: the unshared memory, the same numbers", () => {
    expectNodeNumbers(
      printed(binary("deno"), ["run", "--v8-flags=--enable-sharedarraybuffer-per-context", ...deno.slice(1)], env) as Outcome,
      false,
    );
  });
  it.skipIf(!installed("deno"))("runs kernels on worker threads (node:worker_threads), to Node's bytes", () => {
    expectNodeThreads(printed(binary("deno"), [...deno, "--threads"], env) as Threaded);
  });
});

describe("Bun", () => {
  const bunEnv = { BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" };
  it.skipIf(!installed("bun"))("imports the package by name (node_modules) and computes Node's numbers over shared memory", () => {
    expectNodeNumbers(printed(binary("bun"), [smoke], bunEnv) as Outcome, true);
  });
  it.skipIf(!installed("bun"))("runs kernels on worker threads (node:worker_threads), to Node's bytes", () => {
    expectNodeThreads(printed(binary("bun"), [smoke, "--threads"], bunEnv) as Threaded);
  });
});

describe("workerd (Cloudflare Workers)", () => {
  it("the exports map sends workerd and edge-light to the edge build, everything else to the embedded one", () => {
    expect(resolveWith("workerd")).toBe(join(root, "dist", "edge.js"));
    expect(resolveWith("edge-light")).toBe(join(root, "dist", "edge.js"));
    expect(resolveWith("browser")).toBe(join(root, "dist", "index.js"));
  });

  it.skipIf(!installed("workerd"))(
    "a Worker importing the package's workerd export (with its .wasm module) computes Node's numbers",
    () => {
      const entry = resolveWith("workerd");
      const dir = mkdtempSync(join(tmpdir(), "wasm-optim-workerd-"));
      try {
        copyFileSync(entry, join(dir, "wasm-optim.js"));
        copyFileSync(join(dirname(entry), "wasm-optim.wasm"), join(dir, "wasm-optim.wasm"));
        for (const file of ["worker.mjs", "scenario.mjs"]) copyFileSync(join(here, file), join(dir, file));
        // compatibilityDate 2025-05-05 or later: FinalizationRegistry (Param.many) is on from then
        writeFileSync(
          join(dir, "config.capnp"),
          `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .worker)]);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "scenario.mjs", esModule = embed "scenario.mjs"),
    (name = "wasm-optim", esModule = embed "wasm-optim.js"),
    (name = "wasm-optim.wasm", wasm = embed "wasm-optim.wasm"),
  ],
  compatibilityDate = "2025-05-05",
);
`,
        );
        expectNodeNumbers(printed(binary("workerd"), ["test", join(dir, "config.capnp")]) as Outcome, true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
