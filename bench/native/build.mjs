// Builds the bench's native side into bench/native/build/ (gitignored):
//   probe.wasm   the wasm probes (probe.ts, AssemblyScript; always built)
//   repeat.wasm  the library's SGD-with-momentum kernel called repeatedly from wasm (repeat.ts)
//   loops.node   the C loops as an N-API addon (loops.c), compiled with the machine's gcc
//                against Node's headers in /usr/include/node: no node-gyp, no download.
// `build()` returns { probe: path, repeat: path, loops: path | null, note } — loops is null with the reason
// in `note` when gcc or the headers are missing or the compile fails.
//
//   node bench/native/build.mjs     (the bench calls build() itself)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const out = here("build/");
const HEADERS = process.env.NODE_HEADERS ?? "/usr/include/node";
export const CFLAGS = ["-O3", "-msse4.2", "-fno-math-errno"];

/** True when `target` exists and is newer than `source`. */
const fresh = (target, source) => existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs;

export function build() {
  mkdirSync(out, { recursive: true });
  const [probe, repeat] = ["probe", "repeat"].map((name) => {
    const wasm = here(`build/${name}.wasm`);
    if (!fresh(wasm, here(`${name}.ts`))) {
      const asc = createRequire(import.meta.url).resolve("assemblyscript/bin/asc.js");
      execFileSync(
        process.execPath,
        [asc, here(`${name}.ts`), "-O3", "--runtime", "stub", "--enable", "simd", "--noAssert", "--initialMemory", "1", "--outFile", wasm],
        { stdio: "inherit" },
      );
    }
    return wasm;
  });
  const loops = here("build/loops.node");
  if (fresh(loops, here("loops.c"))) return { probe, repeat, loops, note: `gcc ${CFLAGS.join(" ")}` };
  if (!existsSync(`${HEADERS}/node_api.h`))
    return { probe, repeat, loops: null, note: `not built: no ${HEADERS}/node_api.h (apt-get install libnode-dev)` };
  try {
    execFileSync("gcc", [...CFLAGS, "-shared", "-fPIC", `-I${HEADERS}`, "-o", loops, here("loops.c")], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    return { probe, repeat, loops, note: `gcc ${CFLAGS.join(" ")}` };
  } catch (e) {
    const why = e.code === "ENOENT" ? "no gcc" : String(e.stderr ?? e.message).split("\n")[0];
    return { probe, repeat, loops: null, note: `not built: ${why}` };
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(build());
