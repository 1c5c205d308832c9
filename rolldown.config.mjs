// The published JavaScript: src/index.ts bundled into ONE ES module, dist/index.js (the wasm
// binary is inside it as base64, so importing it reads no file and awaits nothing). Run by
// `npm run build:ts` after tsc has written the declarations (dist/**/*.d.ts).
//
// Code that only some users need stays out of the main bundle: a module reached through a
// dynamic `import()` (e.g. the worker-thread pool, src/runtime/threads.ts) becomes its own chunk,
// loaded when first used; a worker's script, which is started by URL
// (`new Worker(new URL("./name.js", import.meta.url))`), is listed in `input` below under that name.
import { defineConfig } from "rolldown";

export default defineConfig({
  input: { index: "src/index.ts", unsafe: "src/unsafe.ts", tfjs: "src/tfjs/index.ts" },
  // Node built-ins (worker_threads for the thread pool) are imported, never bundled; so is
  // TensorFlow.js (wasm-optim/tfjs's optional peer dependency, the user's own copy).
  external: [/^node:/, /^@tensorflow\//],
  // No Node-only shims: the same file runs in browsers, Deno, Bun and edge runtimes.
  platform: "neutral",
  output: {
    dir: "dist",
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "[name]-[hash].js",
    // Not minified: readable code and stack traces. The TSDoc comments go (the .d.ts files carry
    // them): 268 -> 224 KB, about 2 ms less to parse (bench/RESULTS.md, cold start).
    comments: false,
  },
});
