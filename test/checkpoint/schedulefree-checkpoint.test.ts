// Schedule-Free saved in eval mode (the params hold x, as users save a model): loading
// restores the mode, train() puts y back, and the run continues bit for bit.
import { describe, expect, it } from "vitest";
import { AdamWScheduleFree, CheckpointError, loadParams, Param, saveParams } from "../../src/index.js";

const grad = (t: number, i: number) => Math.sin(7 * t + i) * 0.1;

function steps(opt: AdamWScheduleFree, p: Param, from: number, to: number) {
  for (let t = from; t < to; t++) {
    for (let i = 0; i < p.size; i++) p.grad[i] = grad(t, i) + 0.01 * p.data[i]!;
    opt.step();
  }
}

describe("Schedule-Free checkpoints", () => {
  it("save in eval mode, load, train(), continue: identical to an uninterrupted run", () => {
    const init = Float32Array.from({ length: 13 }, (_, i) => i / 7 - 1);
    const a = Param.from(init);
    const optA = new AdamWScheduleFree([a], { lr: 0.02, warmupSteps: 3 });
    steps(optA, a, 0, 10);
    optA.eval();
    const xA = Array.from(a.data);
    optA.train();
    steps(optA, a, 10, 20);

    const b = Param.from(init);
    const optB = new AdamWScheduleFree([b], { lr: 0.02, warmupSteps: 3 });
    steps(optB, b, 0, 10);
    optB.eval();
    const state = optB.saveState(),
      params = saveParams([b]);

    const c = new Param(13);
    const optC = new AdamWScheduleFree([c], { lr: 0.02, warmupSteps: 3 });
    loadParams([c], params);
    optC.loadState(state);
    expect(optC.mode).toBe("eval");
    expect(Array.from(c.data)).toEqual(xA); // the params are x
    expect(() => optC.step()).toThrow(/train\(\)/);
    optC.train();
    steps(optC, c, 10, 20);
    expect(Array.from(c.data)).toEqual(Array.from(a.data));
  });

  it("a checkpoint with an unknown mode is refused and changes nothing", () => {
    const p = Param.from([1, 2, 3]);
    const opt = new AdamWScheduleFree([p]);
    const dict = opt.stateDict();
    expect(() => opt.loadStateDict({ ...dict, extra: { mode: "test" } })).toThrow(CheckpointError);
    expect(opt.mode).toBe("train");
  });
});

describe("checkpoint contents", () => {
  it("a non-finite scalar in a checkpoint is refused (it would turn every later step into NaN)", () => {
    const p = Param.from([1, 2, 3]);
    const opt = new AdamWScheduleFree([p]);
    p.grad.set([1, 1, 1]);
    opt.step();
    const dict = opt.stateDict();
    const group = { ...dict.paramGroups[0]!, state: { ...dict.paramGroups[0]!.state!, lr_max: NaN } };
    expect(() => opt.loadStateDict({ ...dict, paramGroups: [group] })).toThrow(CheckpointError);
    expect(opt.groupState.get(opt.paramGroups[0]!)!.lr_max).toBe(dict.paramGroups[0]!.state!.lr_max);
  });
});
