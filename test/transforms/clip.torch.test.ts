// clipGradNorm / clipGradValue against torch.nn.utils (test/fixtures/clip, made by its
// generate.py with torch 1.13): random gradients of lengths 0..1000 over several params,
// float32 and float64, 2-norm, 1-norm, p = 3.5 and 0.5, infinity norm, with and without clipping.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clipGradNorm, clipGradValue, Param } from "../../src/index.js";

interface ClipCase {
  id: string;
  kind: "norm" | "value";
  dtype: "float32" | "float64";
  grads: number[][];
  maxNorm?: number;
  normType?: number | "Infinity";
  totalNorm?: number;
  clip?: number;
  clipped: number[][];
}

const file = JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "clip", "cases.json"), "utf8")) as { cases: ClipCase[] };

/** Largest |a - b| / (rtol * |b| + atol) over all elements (> 1 fails). */
function used(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number): number {
  expect(got.length).toBe(want.length);
  let u = 0;
  for (let i = 0; i < want.length; i++) u = Math.max(u, Math.abs(got[i]! - want[i]!) / (rtol * Math.abs(want[i]!) + atol));
  return u;
}

describe("clipping matches torch.nn.utils", () => {
  it("has the fixtures", () => expect(file.cases.length).toBeGreaterThanOrEqual(10));
  for (const c of file.cases) {
    it(`${c.id} (${c.kind}, ${c.dtype}, sizes ${c.grads.map((g) => g.length).join("/")})`, () => {
      const params = c.grads.map((g) => {
        const p = new Param(g.length, { dtype: c.dtype });
        p.grad.set(g);
        return p;
      });
      // torch rounds the per-param norms and the coefficient to float32; we keep float64
      const rtol = c.dtype === "float32" ? 4e-7 : 1e-14;
      if (c.kind === "norm") {
        const normType = c.normType === "Infinity" ? Infinity : c.normType!;
        const total = clipGradNorm(params, c.maxNorm!, normType);
        expect(Math.abs(total - c.totalNorm!) / c.totalNorm!, "total norm").toBeLessThanOrEqual(c.dtype === "float32" ? 1e-6 : 1e-14);
      } else {
        clipGradValue(params, c.clip!);
      }
      params.forEach((p, i) => {
        if (c.kind === "value") expect(Array.from(p.grad)).toEqual(c.clipped[i]);
        else expect(used(p.grad, c.clipped[i]!, rtol, 1e-45), `grads[${i}]`).toBeLessThanOrEqual(1);
        p.dispose();
      });
    });
  }
});
