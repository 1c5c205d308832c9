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

const input = { index: "src/index.ts", unsafe: "src/unsafe.ts", tfjs: "src/tfjs/index.ts" };
// The modules of src/ that belong to another entry alone: that entry's file, and its folder
// when the entry is a folder's index.ts. Every other module of src/ goes into dist/index.js.
const own = Object.entries(input)
  .filter(([name]) => name !== "index")
  .map(([, file]) => (file.endsWith("/index.ts") ? file.slice(0, -"index.ts".length) : file));
const inMain = (id) => {
  const path = id.replaceAll("\\", "/");
  return path.includes("/src/") && !own.some((f) => path.endsWith(f) || path.includes(`/${f}`));
};

// Minified with function and class names kept (see the main build's output below).
const minify = {
  compress: { keepNames: { function: true, class: true } },
  mangle: { keepNames: true },
  codegen: { removeWhitespace: true },
};

// The embedded wasm's base64 as a "..." string literal, not the template literal the minifier
// prints: V8 scans the 163 KB of a string literal in ~0.35 ms, of a template literal in ~0.6 ms
// (its cooked and raw values). Base64 has no quote, backslash or line break, so the value is
// the same.
const quoteWasm = {
  name: "wasm-optim-quote-wasm",
  generateBundle(_, bundle) {
    for (const chunk of Object.values(bundle))
      if (chunk.type === "chunk") chunk.code = chunk.code.replace(/`(AGFzbQ[A-Za-z0-9+/=]*)`/, '"$1"');
  },
};

const main = defineConfig({
  input,
  plugins: [quoteWasm],
  // Node built-ins (worker_threads for the thread pool) are imported, never bundled; so is
  // TensorFlow.js (wasm-optim/tfjs's optional peer dependency, the user's own copy).
  external: [/^node:/, /^@tensorflow\//],
  // No Node-only shims: the same file runs in browsers, Deno, Bun and edge runtimes.
  platform: "neutral",
  // `import "wasm-optim"` loads one file: the modules the other entries share with the main
  // one are put into dist/index.js (a group named after it), which may then export a few more
  // bindings under short names for those entries (dist/unsafe.js imports them from it), instead
  // of a third, shared chunk that every import would load too (-1 ms cold start, bench/RESULTS.md).
  preserveEntrySignatures: "allow-extension",
  output: {
    dir: "dist",
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "[name]-[hash].js",
    codeSplitting: { groups: [{ name: "index", test: inMain }] },
    // Minified with function and class names kept (stack traces name the functions; `name`
    // of every class and function is the source's): locals are renamed and whitespace and
    // comments go (the .d.ts files carry the TSDoc). V8 parses the shorter text faster:
    // about 1 ms less process start (bench/RESULTS.md, cold start).
    minify,
    comments: false,
    // Non-ASCII characters (the "−", "·", "…" of error messages) escaped: a file of ASCII alone
    // is a one-byte string in V8, half the memory of the two-byte string one "…" makes of the
    // whole file, and Node decodes it ~0.25 ms faster at import.
    charset: "ascii",
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
  output: {
    dir: "dist",
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "edge-[name]-[hash].js",
    minify,
    comments: false,
    charset: "ascii",
  },
});

export default [main, edge];
