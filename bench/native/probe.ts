// The wasm probes the kernels are measured against (float32, f32x4, 4x unrolled):
//   sqrtDiv  out = x / sqrt(v): only the f32x4.sqrt and f32x4.div an Adam step needs per
//            element, with the least memory traffic (the floor for sqrt-and-divide rules);
//   update   p = p + g: the in-place-update bandwidth (read two arrays, write one).
// Compiled by bench/native/build.mjs into bench/native/build/probe.wasm (its own memory).

// (out is a separate array so repeated calls see the same inputs: no drift to denormals.)
export function sqrtDiv(out: usize, x: usize, v: usize, n: usize): void {
  const bytes = n << 2;
  let o: usize = 0;
  for (; o < (bytes & ~(<usize>63)); o += 64) {
    v128.store(out + o, f32x4.div(v128.load(x + o), f32x4.sqrt(v128.load(v + o))));
    v128.store(out + o + 16, f32x4.div(v128.load(x + o + 16), f32x4.sqrt(v128.load(v + o + 16))));
    v128.store(out + o + 32, f32x4.div(v128.load(x + o + 32), f32x4.sqrt(v128.load(v + o + 32))));
    v128.store(out + o + 48, f32x4.div(v128.load(x + o + 48), f32x4.sqrt(v128.load(v + o + 48))));
  }
  for (; o < bytes; o += 4) store<f32>(out + o, load<f32>(x + o) / Mathf.sqrt(load<f32>(v + o)));
}

export function update(p: usize, g: usize, n: usize): void {
  const bytes = n << 2;
  let o: usize = 0;
  for (; o < (bytes & ~(<usize>63)); o += 64) {
    v128.store(p + o, f32x4.add(v128.load(p + o), v128.load(g + o)));
    v128.store(p + o + 16, f32x4.add(v128.load(p + o + 16), v128.load(g + o + 16)));
    v128.store(p + o + 32, f32x4.add(v128.load(p + o + 32), v128.load(g + o + 32)));
    v128.store(p + o + 48, f32x4.add(v128.load(p + o + 48), v128.load(g + o + 48)));
  }
  for (; o < bytes; o += 4) store<f32>(p + o, load<f32>(p + o) + load<f32>(g + o));
}
