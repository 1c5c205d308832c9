// A small MLP trained as torch advises for Muon: the hidden weight matrices with Muon, every
// other param (the input layer, the output layer, the biases) with AdamW. Full-batch
// regression of y = sin(2 x0) * x1 + 0.5 x2^2 - x3 from 4 inputs; tanh hidden layers of 32.
//   npm run build && node examples/muon-mlp.mjs
import { AdamW, Muon, Param } from "../dist/index.js";

const IN = 4,
  H = 32,
  N = 512; // inputs, hidden width, samples
const rand = (
  (s) => () =>
    ((s = Math.imul(s ^ (s >>> 15), 2246822519) ^ 0x9e3779b9) >>> 0) / 2 ** 32
)(11);
const X = Float32Array.from({ length: N * IN }, () => 2 * rand() - 1);
const Y = Float32Array.from({ length: N }, (_, s) => {
  const x = X.subarray(s * IN, (s + 1) * IN);
  return Math.sin(2 * x[0]) * x[1] + 0.5 * x[2] * x[2] - x[3];
});

/** A weight matrix [rows, cols] (out x in, as torch's nn.Linear), scaled 1/sqrt(cols), or a zero bias. */
const weight = (rows, cols, name) =>
  Param.from(
    Float32Array.from({ length: rows * cols }, () => (2 * rand() - 1) / Math.sqrt(cols)),
    { shape: [rows, cols], name },
  );
const bias = (n, name) => new Param([n], { name });

// layers: IN -> H -> H -> H -> 1
const layers = [
  { w: weight(H, IN, "w0"), b: bias(H, "b0") },
  { w: weight(H, H, "w1"), b: bias(H, "b1") },
  { w: weight(H, H, "w2"), b: bias(H, "b2") },
  { w: weight(1, H, "head"), b: bias(1, "bHead") },
];
const hidden = [layers[1].w, layers[2].w]; // the hidden matrices: Muon
const rest = [layers[0].w, layers[3].w, ...layers.map((l) => l.b)]; // everything else: AdamW
const muon = new Muon(hidden, { lr: 0.02, weightDecay: 0.01 });
const adamw = new AdamW(rest, { lr: 3e-3, weightDecay: 0.01 });

/** Mean squared error over the batch; writes every param's gradient (plain forward/backward). */
function lossAndGrad() {
  for (const l of layers) (l.w.zeroGrad(), l.b.zeroGrad());
  let loss = 0;
  const acts = layers.map((l) => new Float64Array(l.w.shape[0]));
  const grads = layers.map((l) => new Float64Array(l.w.shape[0]));
  for (let s = 0; s < N; s++) {
    // forward: a_0 = x, a_{i+1} = tanh(W_i a_i + b_i), the last layer linear
    let input = X.subarray(s * IN, (s + 1) * IN);
    const inputs = [];
    layers.forEach((l, i) => {
      const [rows, cols] = l.w.shape;
      inputs.push(input);
      for (let r = 0; r < rows; r++) {
        let z = l.b.data[r];
        for (let c = 0; c < cols; c++) z += l.w.data[r * cols + c] * input[c];
        acts[i][r] = i === layers.length - 1 ? z : Math.tanh(z);
      }
      input = acts[i];
    });
    const err = acts[layers.length - 1][0] - Y[s];
    loss += (err * err) / N;
    // backward
    grads[layers.length - 1][0] = (2 * err) / N;
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i];
      const [rows, cols] = l.w.shape;
      const d = grads[i];
      for (let r = 0; r < rows; r++) {
        l.b.grad[r] += d[r];
        for (let c = 0; c < cols; c++) l.w.grad[r * cols + c] += d[r] * inputs[i][c];
      }
      if (i === 0) continue;
      for (let c = 0; c < cols; c++) {
        let back = 0;
        for (let r = 0; r < rows; r++) back += l.w.data[r * cols + c] * d[r];
        grads[i - 1][c] = back * (1 - acts[i - 1][c] ** 2); // tanh'
      }
    }
  }
  return loss;
}

const first = lossAndGrad();
let loss = first;
for (let step = 0; step < 200; step++) {
  if (step > 0) loss = lossAndGrad();
  muon.step();
  adamw.step();
  if (step % 50 === 0) console.log(`step ${String(step).padStart(3)}  loss ${loss.toFixed(5)}`);
}
loss = lossAndGrad();
console.log(`step 200  loss ${loss.toFixed(5)} (from ${first.toFixed(5)}: ${(first / loss).toFixed(1)}x lower)`);
console.log(
  `Muon: ${hidden.length} hidden matrices [${hidden.map((p) => p.shape.join("x")).join(", ")}]; AdamW: ${rest.length} other params`,
);
muon.dispose();
adamw.dispose();
