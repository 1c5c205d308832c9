// A small static server for pages that import the built package with no bundler: the
// playground (scripts/playground.mjs) and the browser tests (test/browser/). Each URL prefix
// is served from one folder by sirv; nothing outside the mounted folders is reachable.
//
// Cross-origin isolation: with `isolated` (the default) every response carries
// Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp, so the
// page gets SharedArrayBuffer and the package runs over its shared memory; without them the
// page has no SharedArrayBuffer and the package uses its unshared build.
import { createServer } from "node:http";
import sirv from "sirv";

export const ISOLATION_HEADERS = Object.freeze({
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
});

/**
 * Starts the server on 127.0.0.1.
 *
 * @param {object} options
 * @param {Record<string, string>} options.mounts - URL prefix (starting and ending with "/") -> folder
 * @param {boolean} [options.isolated=true] - send the cross-origin isolation headers
 * @param {number} [options.port=0] - 0: any free port
 * @returns {Promise<{ url: string, close: () => Promise<void> }>} the base URL (ending with "/")
 */
export async function startServer({ mounts, isolated = true, port = 0 }) {
  const handlers = Object.entries(mounts)
    .sort(([a], [b]) => b.length - a.length) // the longest prefix wins
    .map(([prefix, dir]) => [prefix, sirv(dir, { dev: true })]);
  const server = createServer((req, res) => {
    if (isolated) for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    const url = req.url ?? "/";
    const found = handlers.find(([prefix]) => url.startsWith(prefix));
    const notFound = () => {
      res.statusCode = 404;
      res.end("not found");
    };
    if (!found) return notFound();
    req.url = url.slice(found[0].length - 1);
    found[1](req, res, notFound);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
