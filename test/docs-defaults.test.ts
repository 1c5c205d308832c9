// The `@defaultValue` of every option field in the TSDoc equals the default the optimizer
// really has (test/registry.ts's `defaults`, which test/optimizers/registry.test.ts checks
// against a fresh optimizer's `defaults`): the reference cannot drift from the schema.
// A tag reads `@defaultValue \`v\`` (v in JSON), or `@defaultValue A: \`v\`; B: \`w\`` for an
// options type two classes share (AdamOptions for Adam and AdamW).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OPTIMIZERS } from "./registry.js";

const root = join(import.meta.dirname, "..");
const source = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(join(root, "src", f), "utf8"))
  .join("\n");

/** Each field of `export interface <name>` (and of the interfaces it extends, or the type it aliases) with its doc comment. */
function fieldDocs(name: string): Map<string, string> {
  const alias = new RegExp(`export type ${name} = (\\w+);`).exec(source);
  if (alias) return fieldDocs(alias[1]!);
  const m = new RegExp(`export interface ${name}(?:<[^>]*>)?(?: extends (\\w+))? \\{([\\s\\S]*?)\\n\\}`).exec(source);
  if (!m) throw new Error(`no interface ${name} in src/`);
  const fields = m[1] ? fieldDocs(m[1]) : new Map<string, string>();
  for (const f of m[2]!.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(?:readonly )?(\w+)\??:/g)) fields.set(f[2]!, f[1]!);
  return fields;
}

/** The default a field's `@defaultValue` states for class `cls`, as text; undefined without the tag. */
export function documentedDefault(doc: string, cls: string): string | undefined {
  const tag = /@defaultValue ([^\n]*)/.exec(doc)?.[1];
  if (tag === undefined) return undefined;
  const own = new RegExp(`\\b${cls}: \`([^\`]*)\``).exec(tag);
  return (own ?? /`([^`]*)`/.exec(tag))?.[1];
}

describe("each option's @defaultValue is the optimizer's default", () => {
  for (const info of OPTIMIZERS) {
    it(info.name, () => {
      const docs = fieldDocs(`${info.name}Options`);
      for (const [key, value] of Object.entries(info.defaults)) {
        const doc = docs.get(key);
        expect(doc, `${info.name}Options.${key} has a doc comment`).toBeDefined();
        const stated = documentedDefault(doc!, info.name);
        if (stated === undefined) {
          // only a required option (the registry gives it a value to build the optimizer) has no default
          expect(doc, `${info.name}Options.${key}: no @defaultValue, so it must say it is required`).toMatch(/Required/);
          continue;
        }
        expect(JSON.parse(stated), `${info.name}Options.${key}`).toEqual(value);
      }
    });
  }

  it("reads a shared options type's per-class values", () => {
    expect(documentedDefault("* @defaultValue Adam: `0`; AdamW: `1e-2`", "AdamW")).toBe("1e-2");
    expect(documentedDefault("* @defaultValue Adam: `0`; AdamW: `1e-2`", "Adam")).toBe("0");
    expect(documentedDefault("* @defaultValue `[0.9, 0.999]`", "Adam")).toBe("[0.9, 0.999]");
  });
});
