import { defineConfig } from "vitest/config";

// Two projects over one suite (`npm test` runs both): "shared", the default runtime, and
// "unshared", the same tests in forks started with --no-harmony-sharedarraybuffer, where the
// library falls back to an ordinary (unshared) memory whose growth detaches every view made
// before (issue 11 item 7). Each project's WASM_OPTIM_PROJECT says which one a test is in
// (test/hardening/unshared-memory.test.ts checks the flag took effect).
const SUITE = ["test/**/*.test.ts"];
export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "shared", include: [...SUITE, "demo/test/**/*.test.ts"], env: { WASM_OPTIM_PROJECT: "shared" } },
      },
      {
        extends: true,
        test: {
          name: "unshared",
          include: SUITE,
          // worker threads need shared memory: their tests are the shared project's (unshared-memory.test.ts
          // checks that threads are off here); the browser and other-runtime tests run the package in
          // another process whose memory this Node flag does not change (they cover both memories there),
          // and so do the tests that only run a script in a child `node` (the CLI, the examples, the
          // README's and docs' code): here they would repeat the shared project's run
          exclude: [
            "test/runtime/threads.test.ts",
            "test/runtime/threads-optimizers.test.ts",
            "test/browser/**",
            "test/runtimes/**",
            "test/cli.test.ts",
            "test/examples/**",
            "test/readme.test.ts",
            "test/docs-examples.test.ts",
            "test/tfjs/example.test.ts",
            "test/second-order/bounded-fit-example.test.ts",
          ],
          pool: "forks",
          execArgv: ["--no-harmony-sharedarraybuffer"],
          env: { WASM_OPTIM_PROJECT: "unshared" },
        },
      },
    ],
  },
});
