// `npm run playground` (after the package and the demo are built): serves the playground page,
// the built package (dist/) and the demo's surfaces and racers (demo/dist/) on localhost.
//
//   node scripts/playground.mjs [--port N] [--no-isolation]
//
// --no-isolation leaves out the COOP/COEP headers: the page then runs the package's unshared
// build, as on a site that is not cross-origin isolated.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startServer } from "./playground-server.mjs";

const root = join(import.meta.dirname, "..");

/** The folders the playground page needs, by URL prefix (the page's import map names them). */
export const PLAYGROUND_MOUNTS = Object.freeze({
  "/": join(root, "playground"),
  "/dist/": join(root, "dist"),
  "/demo/": join(root, "demo", "dist"),
});

function main() {
  const { values } = parseArgs({
    options: { port: { type: "string", default: "8080" }, "no-isolation": { type: "boolean", default: false }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log("usage: node scripts/playground.mjs [--port N] [--no-isolation]");
    return;
  }
  for (const dir of Object.values(PLAYGROUND_MOUNTS)) {
    if (!existsSync(dir)) throw new Error(`${dir} is missing: run \`npm run playground\` (it builds first)`);
  }
  const isolated = !values["no-isolation"];
  startServer({ mounts: PLAYGROUND_MOUNTS, isolated, port: Number(values.port) }).then(({ url }) => {
    console.log(
      `playground: ${url} (${isolated ? "cross-origin isolated: shared memory" : "not isolated: unshared memory"}); Ctrl-C stops`,
    );
  });
}

if (process.argv[1] === import.meta.filename) main();
