// A bounded least-squares fit with minimize(..., { bounds }) (L-BFGS-B): a decay curve
// y = a exp(-k t) + c through noisy data, with a >= 0, 0 <= k <= 5 and a background c >= 0.
// Unconstrained, the noise pulls c below 0, which is not physical; with the bound, c stays
// exactly on 0 and the result says so (activeBounds).
//
//   npm run build && node examples/bounded-fit.mjs
import { minimize } from "../dist/index.js";

let seed = 3;
const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

// data: 40 points of 2.5 exp(-0.7 t) (no background) plus noise
const T = Float64Array.from({ length: 40 }, (_, i) => i / 4);
const Y = T.map((t) => 2.5 * Math.exp(-0.7 * t) + 0.05 * gauss());

/** 0.5 * sum of squared residuals at p = [a, k, c]; writes the gradient into grad. */
function loss(p, grad) {
  const [a, k, c] = p;
  let f = 0;
  for (let i = 0; i < T.length; i++) {
    const e = Math.exp(-k * T[i]);
    const r = a * e + c - Y[i];
    f += 0.5 * r * r;
    grad[0] += r * e;
    grad[1] -= r * a * T[i] * e;
    grad[2] += r;
  }
  return f;
}

const x0 = [1, 1, 0.5];
const free = minimize(loss, x0);
const boxed = minimize(loss, x0, { bounds: { lower: [0, 0, 0], upper: [Infinity, 5, Infinity] } });
const show = (r) =>
  `a ${r.x[0].toFixed(4)}  k ${r.x[1].toFixed(4)}  c ${r.x[2].toFixed(4)}  loss ${r.loss.toFixed(5)}  (${r.reason}, ${r.evaluations} evaluations)`;
console.log(`unbounded: ${show(free)}`);
console.log(`bounded:   ${show(boxed)}`);
console.log(`active bounds: [${[...boxed.activeBounds].join(", ")}] (-1 = on its lower bound)`);
