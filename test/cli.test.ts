// The library's command line (bin/wasm-optim.js), run as a user runs it: node on the file.
// In the repository the demo package and bench/ are there; in a copy of the published
// package's files (package.json + bin/ + dist/) they are not, and the CLI says how to get them.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
const cli = (args: readonly string[], bin = "bin/wasm-optim.js") => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

describe("wasm-optim (in the repository)", () => {
  beforeAll(() => {
    // the demo package is built by `npm run demo`; the suite builds it here so the test stands alone
    execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "demo/tsconfig.json"]);
  }, 120_000);

  it("--version and -v print package.json's version and nothing else", () => {
    for (const flag of ["--version", "-v"]) {
      const r = cli([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });

  it("--help lists every command; with no command or an unknown one it exits 2 with the usage on stderr", () => {
    const help = cli(["--help"]);
    expect(help.status).toBe(0);
    for (const c of ["demo", "bench", "--version", "--help"]) expect(help.stdout).toContain(c);
    for (const args of [[], ["dance"], ["--frobnicate"]]) {
      const r = cli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^wasm-optim: (no command given|unknown command: \S+)\n\nusage: wasm-optim <command>/);
    }
  });

  it("demo --help shows the demo's options; demo runs the demo package and rejects bad arguments with 2", () => {
    const help = cli(["demo", "--help"]);
    expect(help.status).toBe(0);
    for (const o of ["--out", "--steps", "--epochs", "--animate"]) expect(help.stdout).toContain(o);
    const dir = mkdtempSync(join(tmpdir(), "wasm-optim-cli-"));
    try {
      const run = cli(["demo", "--out", dir, "--steps", "5", "--epochs", "2", "--animate", "ravine"]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/wrote 9 files/);
      expect(readdirSync(dir)).toContain("race-ravine.svg");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const bad = cli(["demo", "--steps", "0"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--steps must be a positive integer, not "0"/);
    const surface = cli(["demo", "--animate", "himmelblau"]);
    expect(surface.status).toBe(2);
    expect(surface.stderr).toMatch(/animate/);
  });

  it("bench --help shows the bench's options; bench runs bench/optimizers.bench.mjs", () => {
    const help = cli(["bench", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: wasm-optim bench \[--quick\]/);
    expect(help.stdout).not.toMatch(/not part of the published/);
    const run = cli(["bench", "--sizes", "1e3", "--rounds", "1", "--no-peers"]);
    expect(run.status).toBe(0);
    // one row per optimizer, for the one size asked
    expect(run.stdout.match(/^ {2}1e\+3 +[\d.]+ /gm)).toHaveLength(4);
  }, 240_000); // it builds the C peer loops with gcc and times every optimizer: slow on a loaded machine
});

describe("wasm-optim (the published package's files only)", () => {
  let pkg: string;
  beforeAll(() => {
    pkg = mkdtempSync(join(tmpdir(), "wasm-optim-pkg-"));
    const files = (JSON.parse(readFileSync("package.json", "utf8")) as { files: string[] }).files;
    for (const f of ["package.json", ...files]) cpSync(f, join(pkg, f), { recursive: true });
  });
  afterAll(() => rmSync(pkg, { recursive: true, force: true }));
  const bin = () => join(pkg, "bin/wasm-optim.js");

  it("ships neither the demo nor the bench", () => {
    expect(readdirSync(pkg).sort()).toEqual(["README.md", "bin", "dist", "package.json"]);
    expect(readdirSync(join(pkg, "dist")).filter((f) => /demo/i.test(f))).toEqual([]);
  });

  it("--version still works", () => {
    expect(cli(["--version"], bin()).stdout).toBe(`${version}\n`);
  });

  it("demo and bench exit 1 saying how to get them; their --help says it too and exits 0", () => {
    for (const command of ["demo", "bench"]) {
      const r = cli([command], bin());
      expect(r.status, command).toBe(1);
      expect(r.stderr).toContain("not part of the published wasm-optim package");
      expect(r.stderr).toContain(`npm ci && npm run ${command}`);
      const help = cli([command, "--help"], bin());
      expect(help.status, `${command} --help`).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^usage: wasm-optim ${command}`));
      expect(help.stdout).toContain(`npm ci && npm run ${command}`);
    }
  });
});
