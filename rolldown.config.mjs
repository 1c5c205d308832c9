// The published JavaScript: src/index.ts bundled into ONE ES module, dist/index.js (the wasm
// binary is inside it as base64, so importing it reads no file and awaits nothing). Run by
// `npm run build:ts` after tsc has written the declarations (dist/**/*.d.ts).
//
// Code that only some users need stays out of the main bundle: a module reached through a
// dynamic `import()` (e.g. the worker-thread pool, src/runtime/threads.ts) becomes its own chunk,
// loaded when first used; a worker's script, which is started by URL
// (`new Worker(new URL("./name.js", import.meta.url))`), is listed in `input` below under that name.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "rolldown";

const main = defineConfig({
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

// The edge build: dist/edge.js, the package's "workerd" and "edge-light" export. Edge runtimes
// (Cloudflare Workers) refuse to compile wasm from bytes at run time; they compile a `.wasm` file
// the script imports. So here src/runtime/wasm-source.ts (the base64) is swapped for
// wasm-source.edge.ts, whose `import ... from "./wasm-optim.wasm"` stays an import of the file
// beside dist/edge.js, and that file is emitted: build/optim.wasm as is (it imports a shared
// memory; workerd has SharedArrayBuffer). Nothing is shared with the main build (its own chunks
// if it ever has any, named apart).
const EDGE_WASM = "wasm-optim.wasm";
const edge = defineConfig({
  input: { edge: "src/index.ts" },
  external: [/^node:/],
  platform: "neutral",
  plugins: [
    {
      name: "wasm-optim-edge",
      resolveId(source, importer) {
        if (source === "./wasm-source.js" && importer?.endsWith("memory.ts"))
          return fileURLToPath(new URL("src/runtime/wasm-source.edge.ts", import.meta.url));
        if (source === `./${EDGE_WASM}`) return { id: `./${EDGE_WASM}`, external: true };
        return null;
      },
      generateBundle() {
        this.emitFile({ type: "asset", fileName: EDGE_WASM, source: readFileSync(new URL("build/optim.wasm", import.meta.url)) });
      },
    },
  ],
  output: { dir: "dist", format: "esm", entryFileNames: "[name].js", chunkFileNames: "edge-[name]-[hash].js", comments: false },
});

export default [main, edge];
