// The L-BFGS memory shared by LBFGS and minimize(): up to `capacity` pairs (s, y) kept as
// buffers in wasm memory (oldest first; a dropped pair's buffers are reused, so the steady
// state allocates nothing), and the two-loop recursion over them, one fused SIMD pass per
// history vector.
import { WasmBuffer, type DType, type FloatArray } from "../param.js";
import { vectorKernels } from "../vector.js";

export interface Pair {
  /** s = sigma * s.view (sigma lets a caller store its direction d with s = t*d unscaled). */
  s: WasmBuffer;
  sigma: number;
  y: WasmBuffer;
  /** 1 / y's */
  ro: number;
}

/**
 * The vectors of one run or one optimizer: every buffer it hands out stays its own until
 * dispose(), which frees each exactly once, wherever the caller left it. A failure half-way
 * (out of memory while growing a history, say) therefore leaks nothing and frees nothing twice:
 * the caller's cleanup is one dispose() in a `finally`.
 */
export class BufferPool<A extends FloatArray = FloatArray> {
  readonly #owned = new Set<WasmBuffer<A>>();
  readonly #free: WasmBuffer<A>[] = [];

  constructor(
    readonly dtype: DType,
    readonly n: number,
  ) {}

  /** A buffer of n elements: a recycled one when there is one, else a new zero-filled one. */
  take(): WasmBuffer<A> {
    const b = this.#free.pop() ?? new WasmBuffer<A>(this.dtype, this.n);
    this.#owned.add(b);
    return b;
  }

  /** `count` buffers, all or none (on failure the ones taken go back). */
  takeMany(count: number): WasmBuffer<A>[] {
    const out: WasmBuffer<A>[] = [];
    try {
      while (out.length < count) out.push(this.take());
    } catch (e) {
      for (const b of out) this.give(b);
      throw e;
    }
    return out;
  }

  /** Puts a buffer of this pool back for reuse. */
  give(b: WasmBuffer<A>): void {
    this.#free.push(b);
  }

  /** Makes a buffer allocated elsewhere (n elements, this dtype) this pool's. */
  adopt(b: WasmBuffer<A>): void {
    this.#owned.add(b);
  }

  /** Frees one buffer of this pool now. */
  discard(b: WasmBuffer<A>): void {
    if (this.#owned.delete(b)) b.free();
  }

  /** Frees every buffer this pool handed out or adopted, once. */
  dispose(): void {
    for (const b of this.#owned) b.free();
    this.#owned.clear();
    this.#free.length = 0;
  }
}

export class History {
  readonly #pairs: Pair[] = [];
  readonly #buffers: BufferPool;
  #al = new Float64Array(8);

  /**
   * @param round - rounds the recursion's scalars (ro, al, be) where torch keeps them in 0-dim
   * tensors of the params' dtype (LBFGS: Math.fround for float32); the identity by default.
   */
  constructor(
    readonly dtype: DType,
    readonly n: number,
    readonly round: (x: number) => number = (x) => x,
  ) {
    this.#buffers = new BufferPool(dtype, n);
  }

  get length(): number {
    return this.#pairs.length;
  }

  /** A free buffer of n elements (a recycled one when there is one); the history keeps owning it. */
  take(): WasmBuffer {
    return this.#buffers.take();
  }

  /** `count` free buffers, all or none. */
  takeMany(count: number): WasmBuffer[] {
    return this.#buffers.takeMany(count);
  }

  /** Returns a buffer obtained from take() (or from push) to the pool. */
  give(b: WasmBuffer): void {
    this.#buffers.give(b);
  }

  /**
   * Adds the pair (sigma*s, y) with y's = ys > 0; the history owns s and y from now on.
   * Drops the oldest pairs beyond `capacity` (their buffers go to the pool).
   */
  push(s: WasmBuffer, y: WasmBuffer, ys: number, sigma: number, capacity: number): void {
    while (this.#pairs.length >= capacity) {
      const old = this.#pairs.shift()!;
      this.give(old.s);
      this.give(old.y);
    }
    this.#pairs.push({ s, sigma, y, ro: this.round(1 / ys) });
  }

  /** The pairs, oldest first (their buffers stay the history's). */
  get pairs(): readonly Readonly<Pair>[] {
    return this.#pairs;
  }

  /**
   * Replaces the pairs by `pairs` (oldest first, ro > 0): the history owns their buffers
   * from now on, and frees those of the pairs it had.
   */
  restore(pairs: readonly Pair[]): void {
    for (const p of pairs) {
      this.#buffers.adopt(p.s);
      this.#buffers.adopt(p.y);
    }
    for (const old of this.#pairs.splice(0, this.#pairs.length, ...pairs)) {
      this.#buffers.discard(old.s);
      this.#buffers.discard(old.y);
    }
  }

  /** Forgets every pair (their buffers go to the pool). */
  reset(): void {
    for (const p of this.#pairs.splice(0)) {
      this.give(p.s);
      this.give(p.y);
    }
  }

  /**
   * d = -H g by the two-loop recursion (torch's order of operations), with fused kernels:
   * each pass updates the vector and returns the dot product the next step needs.
   *   q = -g;  for i = newest..oldest: al_i = ro_i s_i·q;  q -= al_i y_i
   *   d = hDiag q;  for i = oldest..newest: be_i = ro_i y_i·d;  d += (al_i - be_i) s_i
   */
  twoLoop(g: number, d: number, hDiag: number): void {
    const K = vectorKernels[this.dtype];
    const r = this.round;
    const n = this.n,
      h = this.#pairs,
      k = h.length;
    K.scale(d, g, n, -1);
    if (k === 0) {
      K.scale(d, d, n, hDiag);
      return;
    }
    if (this.#al.length < k) this.#al = new Float64Array(2 * k);
    const al = this.#al;
    let dotS = K.dot(h[k - 1]!.s.ptr, d, n);
    for (let i = k - 1; i >= 0; i--) {
      const p = h[i]!;
      al[i] = r(r(dotS) * (p.sigma * p.ro));
      if (i > 0) dotS = K.axpbyDot(d, p.y.ptr, h[i - 1]!.s.ptr, n, 1, -al[i]!);
      else K.axpy(d, p.y.ptr, n, -al[0]!);
    }
    let dotY = K.axpbyDot(d, d, h[0]!.y.ptr, n, hDiag, 0);
    for (let i = 0; i < k; i++) {
      const p = h[i]!;
      const c = r(al[i]! - r(r(dotY) * p.ro)) * p.sigma;
      if (i < k - 1) dotY = K.axpbyDot(d, p.s.ptr, h[i + 1]!.y.ptr, n, 1, c);
      else K.axpy(d, p.s.ptr, n, c);
    }
  }

  /** Frees every buffer it handed out or holds, once (wherever the caller left them). */
  dispose(): void {
    this.#pairs.length = 0;
    this.#buffers.dispose();
  }
}
