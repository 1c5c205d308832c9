// @ts-check
// What every runtime's smoke test runs (Node gives the reference): Adam (weight decay, amsgrad)
// two steps on known numbers, then a checkpoint round trip: saveState() bytes loaded into a new
// optimizer over a copy of the params, and one more step of both; the restored run must equal
// the continued one. Plain JavaScript, no imports: Deno, Bun and workerd load it as it is.

/**
 * @param {Pick<typeof import("wasm-optim"), "Adam" | "Param" | "sharedMemory">} wasmOptim  the package's exports
 */
export function scenario({ Adam, Param, sharedMemory }) {
  const options = { lr: 0.1, weightDecay: 0.01, amsgrad: true };
  const grads = [
    [0.5, -0.25, 4, -1],
    [0.1, 0.2, -0.3, 0.4],
    [-2, 0.5, 0.25, 1],
  ];
  const p = Param.from(new Float32Array([1, -2, 3, 0.5]));
  const opt = new Adam([p], options);
  const stepWith = (/** @type {import("wasm-optim").Param} */ q, /** @type {{ step(): unknown }} */ o, /** @type {number[]} */ g) => {
    q.grad.set(g);
    o.step();
  };
  stepWith(p, opt, grads[0] ?? []);
  const first = Array.from(p.data);
  stepWith(p, opt, grads[1] ?? []);
  const second = Array.from(p.data);
  const saved = opt.saveState();
  const q = Param.from(p.data.slice());
  const restored = new Adam([q], options);
  restored.loadState(saved);
  stepWith(p, opt, grads[2] ?? []);
  stepWith(q, restored, grads[2] ?? []);
  return { sharedMemory, first, second, checkpointBytes: saved.length, continued: Array.from(p.data), restored: Array.from(q.data) };
}

/**
 * Adam over 100,000 float32 params split across 2 threads (worker_threads where the runtime has
 * them; the fall-back to one thread off, so that workers take part once started): a hash of the
 * params' bytes after 10 steps, and how many chunks worker threads ran (0 where threads are off).
 * Workers start asynchronously: the steps go on (up to 2 s more, not hashed) until one has run a chunk.
 *
 * @param {Pick<typeof import("wasm-optim"), "Adam" | "Param" | "setNumThreads">} wasmOptim  the package's exports
 * @param {Pick<typeof import("wasm-optim/unsafe"), "setFallback" | "workerChunks">} unsafe  its unsafe exports
 */
export async function threadedScenario({ Adam, Param, setNumThreads }, { setFallback, workerChunks }) {
  setNumThreads(2);
  setFallback(false);
  const n = 100_000;
  const p = Param.from(Float32Array.from({ length: n }, (_, i) => Math.sin(i)));
  const opt = new Adam([p], { lr: 0.01 });
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
  for (let t = 0; t < 10; t++) {
    for (let i = 0; i < n; i++) p.grad[i] = Math.cos(i * (t + 1));
    opt.step();
    await pause();
  }
  let hash = 0x811c9dc5; // FNV-1a over the bytes
  for (const byte of new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  for (let more = 0; more < 100 && workerChunks() === 0; more++) {
    opt.step();
    await pause();
  }
  return { hash, workerChunks: workerChunks() };
}
