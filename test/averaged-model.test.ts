// AveragedModel against torch 1.13's swa_utils.AveragedModel (test/fixtures/averaged: SWA
// and two EMAs, generate_averaged.py), its checkpoints and failure paths, and SWA driven by
// SWALR as torch's recipe runs it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AveragedModel, CheckpointError, InvalidOptionError, Param, SGD, StateError, SWALR, type Optimizer } from "../src/index.js";

interface Case {
  id: string;
  avgFn: null | { kind: "ema"; decay: number };
  parameters: { name: string; shape: number[] }[];
  updates: number;
  tolerance: { rtol: number; atol: number };
  initialParams: number[][];
  snapshots: number[][][];
  nAveraged: number[];
  averaged: number[][][];
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "averaged", "averaged_model.json"), "utf8")) as {
  cases: Case[];
};

describe("AveragedModel: torch 1.13 goldens", () => {
  it("has the SWA and EMA cases", () => expect(golden.cases.map((c) => c.avgFn?.kind ?? "swa").sort()).toEqual(["ema", "ema", "swa"]));
  for (const c of golden.cases) {
    it(`${c.id}: ${c.updates} updates within rtol ${c.tolerance.rtol}`, () => {
      const params = c.initialParams.map((v, i) => Param.from(new Float32Array(v), { name: c.parameters[i]!.name }));
      const avg = new AveragedModel(params, { decay: c.avgFn?.decay ?? null });
      expect(avg.mode).toBe(c.avgFn ? "ema" : "swa");
      expect(avg.nAveraged).toBe(0);
      avg.averaged.forEach((a, i) => expect([...a]).toEqual([...new Float32Array(c.initialParams[i]!)])); // torch's deep copy
      let worst = 0;
      c.snapshots.forEach((snap, k) => {
        params.forEach((p, i) => p.data.set(snap[i]!));
        avg.update();
        expect(avg.nAveraged).toBe(c.nAveraged[k]);
        avg.averaged.forEach((a, i) =>
          c.averaged[k]![i]!.forEach(
            (want, j) => (worst = Math.max(worst, Math.abs(a[j]! - want) / (c.tolerance.atol + c.tolerance.rtol * Math.abs(want)))),
          ),
        );
        params.forEach((p, i) => expect([...p.data]).toEqual([...new Float32Array(snap[i]!)])); // the params are not touched
      });
      expect(worst, "largest error in units of the tolerance").toBeLessThanOrEqual(1);
      avg.dispose();
      params.forEach((p) => p.dispose());
    });
  }
});

describe("AveragedModel: copies, checkpoints, disposal", () => {
  const make = () => {
    const params = [Param.from([1, 2, 3]), Param.from(new Float64Array([4, 5]))];
    const opt = new SGD(params, { lr: 0.1 }) as unknown as Optimizer<object>;
    return { params, opt, avg: new AveragedModel(params, { optimizer: opt }) };
  };

  it("copyTo writes the average into the params (or others of the same layout), checked first", () => {
    const { params, avg } = make();
    avg.update();
    params[0]!.data.set([3, 4, 5]);
    params[1]!.data.set([6, 7]);
    avg.update();
    const other = [Param.from([0, 0, 0]), Param.from(new Float64Array(2))];
    avg.copyTo(other);
    expect([...other[0]!.data, ...other[1]!.data]).toEqual([2, 3, 4, 5, 6]);
    expect(() => avg.copyTo([other[0]!, Param.from([0, 0])])).toThrow(InvalidOptionError);
    expect(() => avg.copyTo([other[0]!])).toThrow(InvalidOptionError);
    const disposed = Param.from(new Float64Array(2));
    disposed.dispose();
    other[0]!.data.fill(9);
    expect(() => avg.copyTo([other[0]!, disposed])).toThrow(StateError);
    expect([...other[0]!.data]).toEqual([9, 9, 9]); // nothing written
    avg.copyTo();
    expect([...params[0]!.data, ...params[1]!.data]).toEqual([2, 3, 4, 5, 6]);
  });

  it("wrapped params: update reads and copyTo writes the caller's arrays", () => {
    const data = new Float32Array([1, 1]);
    const p = Param.wrap(data, new Float32Array(2));
    const avg = new AveragedModel([p], { decay: 0.5 });
    avg.update();
    data.set([3, 5]);
    avg.update();
    expect([...avg.averaged[0]!]).toEqual([2, 3]);
    data.fill(0);
    avg.copyTo();
    expect([...data]).toEqual([2, 3]);
  });

  it("travels with the optimizer's checkpoints (binary and JSON), all or nothing", () => {
    const a = make();
    for (let k = 0; k < 3; k++) {
      a.params[0]!.data.set([k, 2 * k, 3 * k]);
      a.params[1]!.data.set([-k, k / 3]);
      a.avg.update();
    }
    const bytes = a.opt.saveState();
    // typed arrays as plain arrays: the JSON form checkpoint.ts's asFloatArray reads today
    const json = JSON.parse(JSON.stringify(a.opt.stateDict(), (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)));
    for (const load of [(o: Optimizer<object>) => o.loadState(bytes), (o: Optimizer<object>) => o.loadStateDict(json)]) {
      const b = make();
      load(b.opt);
      expect(b.avg.nAveraged).toBe(3);
      expect(b.avg.averaged.map((x) => [...x])).toEqual(a.avg.averaged.map((x) => [...x]));
    }
    const b = make();
    const before = JSON.stringify(b.opt.stateDict());
    const bad = JSON.parse(JSON.stringify(json));
    bad.attachments[0].state.averaged[1] = [1, 2, 3];
    expect(() => b.opt.loadStateDict(bad)).toThrow(CheckpointError);
    const ema = JSON.parse(JSON.stringify(json));
    ema.attachments[0].state.config.mode = "ema";
    expect(() => b.opt.loadStateDict(ema)).toThrow(CheckpointError);
    const neg = JSON.parse(JSON.stringify(json));
    neg.attachments[0].state.nAveraged = -1;
    expect(() => b.opt.loadStateDict(neg)).toThrow(CheckpointError);
    expect(JSON.stringify(b.opt.stateDict())).toBe(before);
    expect(() => b.avg.loadStateDict(json.attachments[0].state)).not.toThrow();
    expect(b.avg.nAveraged).toBe(3);
  });

  it("bad options are refused; dispose frees it (and the optimizer's dispose does too)", () => {
    const p = Param.from([1]);
    expect(() => new AveragedModel([])).toThrow(InvalidOptionError);
    expect(() => new AveragedModel([p, p])).toThrow(InvalidOptionError);
    expect(() => new AveragedModel([p], { decay: 1.5 })).toThrow(InvalidOptionError);
    expect(() => new AveragedModel([p], { decay: NaN })).toThrow(InvalidOptionError);
    expect(() => new AveragedModel([new Float32Array(1) as unknown as Param])).toThrow(InvalidOptionError);
    const { opt, avg } = make();
    expect(opt.attachments).toContain(avg);
    avg.dispose();
    expect(avg.disposed).toBe(true);
    expect(opt.attachments).not.toContain(avg);
    expect(() => avg.update()).toThrow(StateError);
    const m = make();
    m.opt.dispose();
    expect(m.avg.disposed).toBe(true);
  });
});

describe("SWA driven by SWALR (torch's recipe)", () => {
  it("SWALR anneals to swaLr while the average is the mean of the params after each SWA epoch", () => {
    // SGD on f(x) = 0.5 * |x - target|^2 with a fixed noise pattern per epoch
    const target = [1, -2, 0.5, 3];
    const x = Param.from(new Float64Array([0, 0, 0, 0]));
    const opt = new SGD([x], { lr: 0.5, momentum: 0.5 }) as unknown as Optimizer<object>;
    const swa = new AveragedModel([x], { optimizer: opt });
    const swaStart = 5;
    let sched: SWALR | null = null;
    const seen: number[][] = [];
    const lrs: number[] = [];
    for (let epoch = 0; epoch < 15; epoch++) {
      for (let i = 0; i < 4; i++) x.grad[i] = x.data[i]! - target[i]! + 0.3 * Math.sin(7 * epoch + i);
      opt.step();
      if (epoch >= swaStart) {
        swa.update();
        seen.push([...x.data]);
        sched ??= new SWALR(opt, { swaLr: 0.05, annealEpochs: 4, annealStrategy: "cos" });
        sched.step();
        lrs.push((opt.paramGroups[0] as unknown as { lr: number }).lr);
      }
    }
    // SWALR: lr after k steps = swaLr * a + 0.5 * (1 - a), a = (1 - cos(pi * min(1, k / 4))) / 2
    lrs.forEach((lr, j) => {
      const a = (1 - Math.cos(Math.PI * Math.min(1, (j + 1) / 4))) / 2;
      expect(lr).toBeCloseTo(0.05 * a + 0.5 * (1 - a), 14);
    });
    const mean = target.map((_, i) => seen.reduce((s, r) => s + r[i]!, 0) / seen.length);
    [...swa.averaged[0]!].forEach((v, i) => expect(v).toBeCloseTo(mean[i]!, 13));
    expect(swa.nAveraged).toBe(10);
    swa.copyTo();
    expect([...x.data]).toEqual([...swa.averaged[0]!]);
  });
});
