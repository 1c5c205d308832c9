#!/usr/bin/env node
// Hand mutation testing: applies each mutant of ./mutants.json (one exact textual edit of a
// source file), runs the test files named beside it, expects at least one test to fail, and
// restores the file. Prints a Markdown table (the one in test/MUTANTS.md).
//
//   node test/mutants/run.mjs [M02,M15,...]
//
// Runs vitest on the sources (no build needed). The source file is restored even when
// interrupted (SIGINT). A mutant whose text is not found exactly once is an error: the
// table must be updated with the code.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const all = JSON.parse(readFileSync(join(import.meta.dirname, "mutants.json"), "utf8"));
const only = process.argv[2] ? new Set(process.argv[2].split(",")) : null;
let restore = null;
process.on("SIGINT", () => {
  restore?.();
  process.exit(130);
});

const rows = [];
let survivors = 0;
for (const m of all.filter((m) => !only || only.has(m.id))) {
  const file = join(root, m.file);
  const original = readFileSync(file, "utf8");
  const at = original.indexOf(m.from);
  if (at < 0 || original.indexOf(m.from, at + 1) >= 0) throw new Error(`${m.id}: "${m.from}" is not found exactly once in ${m.file}`);
  const line = original.slice(0, at).split("\n").length;
  restore = () => writeFileSync(file, original);
  writeFileSync(file, original.slice(0, at) + m.to + original.slice(at + m.from.length));
  const r = spawnSync("npx", ["vitest", "run", ...m.tests], { cwd: root, encoding: "utf8" });
  restore();
  restore = null;
  const killed = r.status !== 0;
  const out = (r.stdout + r.stderr).replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g"), "");
  const failing = [...new Set([...out.matchAll(/FAIL\s+(\S+\.test\.ts) > ([^\n]*)/g)].map((x) => `${x[1]} > ${x[2].trim()}`))];
  if (!killed) survivors++;
  rows.push(
    `| ${m.id} | \`${m.file}:${line}\` | ${m.what} | ${killed ? "killed" : "**SURVIVED**"} | ${killed ? failing.slice(0, 2).join("<br>").replaceAll("|", "\\|") || m.tests.join(", ") : ""} |`,
  );
  console.error(`${m.id} ${killed ? "killed" : "SURVIVED"}`);
}
console.log("| id | site | mutation | result | killed by (first failing tests) |\n| --- | --- | --- | --- | --- |\n" + rows.join("\n"));
process.exit(survivors ? 1 : 0);
