// Every first-order optimizer, stepped with 2 threads, gives the same bytes as with 1: the
// update kernels are elementwise and chunk boundaries fall on 64-byte multiples (threads.ts).
// Odd lengths above the threshold, float32 and float64, every registry configuration.
import { afterAll, describe, expect, it } from "vitest";
import { getNumThreads, Param, setNumThreads } from "../../src/index.js";
import { PARALLEL_THRESHOLD, setFallback, threadsAvailable } from "../../src/runtime/threads.js";
import { CONFIGS } from "../registry.js";
import { bytesOf, sameBytes } from "../helpers/snapshot.js";

const before = getNumThreads();
afterAll(() => {
  setNumThreads(before);
  setFallback(true);
});

describe.runIf(threadsAvailable())("threaded steps equal single-threaded ones byte for byte", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const { info, config, title } of CONFIGS.filter((c) => !c.info.name.startsWith("Adafactor") && !c.info.name.startsWith("Muon"))) {
      it(`${title} (${dtype})`, () => {
        setFallback(false); // always split, whatever the timings
        const n = PARALLEL_THRESHOLD * 2 + 7;
        const make = () => {
          const p = Param.from(
            Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37)),
            { dtype },
          );
          return { p, opt: info.make([p], config.options) };
        };
        const one = make(),
          two = make();
        for (let t = 0; t < 3; t++) {
          for (const r of [one, two]) r.p.grad.set(Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.11 + t)));
          setNumThreads(1);
          one.opt.step();
          setNumThreads(2);
          two.opt.step();
        }
        expect(sameBytes(bytesOf([one.p], one.opt), bytesOf([two.p], two.opt))).toBe(true);
        for (const r of [one, two]) {
          r.opt.dispose();
          r.p.dispose();
        }
      });
    }
  }
});
