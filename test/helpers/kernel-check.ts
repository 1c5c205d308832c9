// One property test for any update kernel: random lengths 0..2000 (and every tail length),
// random hyperparameters, float32 and float64, buffers at 4 alignments with guards around
// each; the kernel's output must equal its scalar reference bit for bit. The argument order
// (pointers, n, scalars, flags) comes from the kernel table (assembly/kernels.mjs).
import fc from "fast-check";
import { expect, it } from "vitest";
import { kernelTable } from "../../src/runtime/kernels.generated.js";
import { kernelsByDType, type UpdateKernelName } from "../../src/runtime/kernels.js";
import type { DType } from "../../src/param.js";
import { arrays } from "./arbitraries.js";
import { Guarded, rounder } from "./guarded.js";

type Entry<N extends UpdateKernelName> = (typeof kernelTable)[N];
/** The kernel's buffers by pointer name. */
export type Buffers<N extends UpdateKernelName> = Record<Entry<N>["pointers"][number], Float64Array>;
/** The kernel's scalar arguments by name. */
export type Scalars<N extends UpdateKernelName> = Record<Entry<N>["scalars"][number], number>;
/** A value for each flag, one the table allows. */
export type Flags<N extends UpdateKernelName> = {
  -readonly [F in keyof Entry<N>["flags"]]: Entry<N>["flags"][F] extends readonly (infer V)[] ? V : never;
};

export interface KernelSpec<N extends UpdateKernelName, S extends Scalars<N>> {
  /** Kernel name without the _f32/_f64 suffix. */
  name: N;
  /** Which specialisation the flags select (for the test's title). */
  variant?: string;
  /**
   * The flag arguments (every flag of the kernel, each an allowed value). `l2` may be left out:
   * it then follows the scalars, 1 when weightDecay != 0 (as the optimizers pass it).
   */
  flags?: Partial<Flags<N>>;
  /** Buffers that hold non-negative values (second moments): filled with squares. */
  squares?: readonly Entry<N>["pointers"][number][];
  scalars: fc.Arbitrary<S>;
  /** Updates `b` in place, rounding with `r` after each operation in the kernel's order. */
  reference(r: (x: number) => number, b: Buffers<N>, s: S): void;
}

/**
 * A spec, typed against the kernel table, for a reference module's `kernelSpecs` export
 * (test/kernels/registered.property.test.ts runs every one).
 */
export function kernelSpec<N extends UpdateKernelName, S extends Scalars<N>>(spec: KernelSpec<N, S>): KernelSpec<never, never> {
  return spec as unknown as KernelSpec<never, never>;
}

/** The flag values in the kernel's order for the scalars `s`, checked against the table. */
function flagArgs<N extends UpdateKernelName>(spec: KernelSpec<N, Scalars<N>>, s: Record<string, number>): number[] {
  const allowed = kernelTable[spec.name].flags as Readonly<Record<string, readonly number[]>>;
  const given = { ...("l2" in allowed ? { l2: +(s["weightDecay"] !== 0) } : {}), ...spec.flags } as Record<string, number>;
  const extra = Object.keys(given).filter((f) => !(f in allowed));
  if (extra.length > 0) throw new Error(`${spec.name} has no flag ${extra.join(", ")}`);
  return Object.entries(allowed).map(([f, values]) => {
    const v = given[f];
    if (v === undefined || !values.includes(v)) throw new Error(`${spec.name}: flag ${f} must be one of ${values.join(", ")}, got ${v}`);
    return v;
  });
}

export function itMatchesReference<N extends UpdateKernelName, S extends Scalars<N>>(spec: KernelSpec<N, S>, numRuns = 120): void {
  const entry = kernelTable[spec.name];
  const pointers: readonly string[] = entry.pointers;
  const scalarNames: readonly string[] = entry.scalars;
  const squares: readonly string[] = spec.squares ?? [];
  for (const dtype of ["float32", "float64"] as DType[]) {
    it(`${spec.name}${spec.variant ? ` ${spec.variant}` : ""} (${dtype}) equals its scalar reference bit for bit, guards intact`, () => {
      // positional call with the table's order (the typed signature is for hand-written calls)
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: a union of signatures is not callable with a spread
      const k = kernelsByDType(spec.name)[dtype] as unknown as (...args: number[]) => unknown;
      const r = rounder(dtype);
      fc.assert(
        fc.property(arrays(dtype, pointers.length), spec.scalars, fc.integer({ min: 0, max: 3 }), ({ n, cols }, s, offset) => {
          const init: Record<string, Float64Array> = {};
          pointers.forEach((name, i) => {
            const col = cols[i]!;
            init[name] = Float64Array.from(squares.includes(name) ? col.map((x) => r(x * x)) : col);
          });
          const guarded = pointers.map((name) => new Guarded(dtype, n, init[name]!, offset));
          try {
            const values = s as Record<string, number>;
            const flags = flagArgs(spec as unknown as KernelSpec<N, Scalars<N>>, values);
            k(...guarded.map((g) => g.ptr), n, ...scalarNames.map((name) => values[name]!), ...flags);
            const want: Record<string, Float64Array> = {};
            for (const name of pointers) want[name] = Float64Array.from(init[name]!);
            spec.reference(r, want as Buffers<N>, s);
            pointers.forEach((name, i) => {
              expect(Array.from(guarded[i]!.values), name).toEqual(Array.from(want[name]!));
              expect(guarded[i]!.guardsIntact(), `guards of ${name}`).toBe(true);
            });
          } finally {
            for (const g of guarded) g.free();
          }
        }),
        { numRuns },
      );
    });
  }
}
