// The total norm clipGradNorm returns, before and after the kernel de-duplication, against the
// exact norm (error-free products, compensated sum): relative error, n = 1e6 and 1e7.
//   npm run build && node bench/dedupe-accuracy.mjs --base /tmp/base/dist   (see dedupe.bench.mjs)
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const i = process.argv.indexOf("--base");
if (i < 0) throw new Error("usage: node bench/dedupe-accuracy.mjs --base <dist of the previous build>");
const load = (dir) => import(pathToFileURL(resolve(dir, "index.js")).href);
const libs = { before: await load(process.argv[i + 1]), after: await load(new URL("../dist", import.meta.url).pathname) };

function twoProduct(a, b) {
  const p = a * b;
  const split = (v) => {
    const c = 134217729 * v;
    const hi = c - (c - v);
    return [hi, v - hi];
  };
  const [ah, al] = split(a),
    [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}
/** sum of |x|^p to nearly full precision (p = 2: exact squares; p = 1: exact terms). */
function exactPowerSum(x, p) {
  let s = 0,
    c = 0;
  const add = (v) => {
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  };
  for (let k = 0; k < x.length; k++) {
    if (p === 2) {
      const [q, e] = twoProduct(x[k], x[k]);
      add(q);
      add(e);
    } else add(Math.abs(x[k]));
  }
  return s + c;
}

const rows = [];
for (const n of [1e6, 1e7])
  for (const dtype of ["float32", "float64"]) {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const values = Float64Array.from({ length: n }, () => (rnd() - 0.5) * Math.exp(4 * rnd()));
    for (const p of [2, 1]) {
      const row = { n, dtype, norm: p };
      for (const [name, lib] of Object.entries(libs)) {
        const param = new lib.Param(n, { dtype });
        param.grad.set(values);
        const exact = p === 2 ? Math.sqrt(exactPowerSum(param.grad, 2)) : exactPowerSum(param.grad, 1);
        row[`${name}: rel. error`] = (Math.abs(lib.clipGradNorm([param], 1e300, p) - exact) / exact).toExponential(2);
        param.dispose();
      }
      rows.push(row);
    }
  }
console.table(rows);
