// What an edge runtime's bundler gives for `import x from "./file.wasm"` (Cloudflare Workers,
// wrangler's CompiledWasm rule): the compiled module. Used by ./wasm-source.edge.ts only.
declare module "*.wasm" {
  const compiled: WebAssembly.Module;
  export default compiled;
}
