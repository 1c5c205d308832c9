// Every `@example` in the TSDoc of src/ runs as printed (against the built package, as
// test/readme.test.ts runs the README's example) and prints what its `// → ` comments say:
// the doctest of this repository. An example is the ```ts block after `@example`; it imports
// from "wasm-optim"; each line of its output (console.log) must equal, in order, the text after
// `// → ` on the line that prints it, and an example prints nothing else.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const dist = pathToFileURL(join(root, "dist", "index.js")).href;

interface Example {
  /** "src/optimizers/adam.ts:88": the file and the line of the `@example` tag. */
  where: string;
  code: string;
}

/** The ```ts blocks after `@example` tags in the doc comments of one source file. */
export function examplesOf(file: string, text: string): Example[] {
  const found: Example[] = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const lines = comment[0].split("\n").map((l) => l.replace(/^\s*\*(?: |$)/, ""));
    const startLine = text.slice(0, comment.index).split("\n").length;
    lines.forEach((l, i) => {
      if (!/@example\b/.test(l)) return;
      const open = lines.findIndex((x, j) => j > i && /^```(ts|js)\s*$/.test(x));
      const close = lines.findIndex((x, j) => j > open && x.startsWith("```"));
      if (open < 0 || close < 0) throw new Error(`${file}:${startLine + i}: @example without a \`\`\`ts block`);
      found.push({ where: `${file}:${startLine + i}`, code: lines.slice(open + 1, close).join("\n") });
    });
  }
  return found;
}

/** The expected output lines: the text after `// → ` on each line, in order. */
export function expectedOutput(code: string): string[] {
  return [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]!.trimEnd());
}

const sources = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts"))
  .map((f) => join(root, "src", f))
  .sort();
const examples = sources.flatMap((f) => examplesOf(relative(root, f), readFileSync(f, "utf8")));

const dir = mkdtempSync(join(tmpdir(), "wasm-optim-doc-examples-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the extraction", () => {
  it("finds an example on each main class and function the docs promise one on", () => {
    const documented = examples.map((e) => e.code);
    for (const name of ["Param", "Adam", "SGD", "LBFGS", "minimize", "skipNonFinite", "AveragedModel", "StepLR", "heapStats"]) {
      expect(
        documented.some((c) => new RegExp(`\\b${name}\\b`).test(c)),
        name,
      ).toBe(true);
    }
  });

  it("reads the block after the tag and the expected lines", () => {
    const src = ["/**", " * Sums.", " * @example", " * ```ts", " * console.log(1 + 1); // → 2", " * ```", " */"].join("\n");
    const [e] = examplesOf("x.ts", src);
    expect(e).toEqual({ where: "x.ts:3", code: "console.log(1 + 1); // → 2" });
    expect(expectedOutput(e!.code)).toEqual(["2"]);
  });
});

describe("every @example in src/ runs and prints what it says", () => {
  it.each(examples.map((e, i) => [e.where, e, i] as const))("%s", (_where, example, i) => {
    expect(example.code).toContain('from "wasm-optim"');
    const js = ts.transpileModule(example.code.replaceAll('"wasm-optim"', JSON.stringify(dist)), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const file = join(dir, `example-${i}.mjs`);
    writeFileSync(file, js);
    const out = execFileSync(process.execPath, [file], { encoding: "utf8" });
    const printed = out.split("\n").filter((l) => l !== "");
    expect(printed).toEqual(expectedOutput(example.code));
  });
});
